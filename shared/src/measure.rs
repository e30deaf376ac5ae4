//! Whole-process figures, as the notes' comparison table reports them: wall
//! time, user + system CPU time, CPU utilisation, peak resident memory, and
//! the load average, from `getrusage(2)` and `getloadavg(3)`.
//!
//! CPU utilisation is CPU time / wall time: `1.0` is one core kept busy, `2.0`
//! both cores of a 2-core machine. Children's figures cover only children that
//! have been waited for (`RUSAGE_CHILDREN`).

use std::time::Duration;

use serde::Serialize;

use crate::timing::Stopwatch;

/// Resource usage of this process or of its finished children.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Rusage {
    /// CPU time spent in user mode, in seconds.
    pub user_secs: f64,
    /// CPU time spent in the kernel, in seconds.
    pub sys_secs: f64,
    /// Peak resident set size, in bytes (for children: the largest child's).
    pub max_rss_bytes: u64,
}

impl Rusage {
    /// User + system CPU time, in seconds.
    pub fn cpu_secs(&self) -> f64 {
        self.user_secs + self.sys_secs
    }
}

/// True where CPU time, peak RSS and the load average are measured (Unix);
/// false where they read as zero (other systems).
pub const SUPPORTED: bool = cfg!(unix);

#[cfg(unix)]
fn rusage(who: libc::c_int) -> Rusage {
    // Safety: `getrusage` only writes into the zeroed struct we pass, which
    // lives for the whole call; RUSAGE_SELF / RUSAGE_CHILDREN are valid `who`s.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::getrusage(who, &mut ru) };
    if rc != 0 {
        return Rusage::default();
    }
    let secs = |tv: libc::timeval| tv.tv_sec as f64 + tv.tv_usec as f64 / 1e6;
    Rusage {
        user_secs: secs(ru.ru_utime),
        sys_secs: secs(ru.ru_stime),
        max_rss_bytes: max_rss_bytes(ru.ru_maxrss),
    }
}

/// `ru_maxrss` is in bytes on macOS (and iOS), in kilobytes elsewhere.
#[cfg(unix)]
fn max_rss_bytes(max_rss: libc::c_long) -> u64 {
    let v = max_rss.max(0) as u64;
    if cfg!(target_vendor = "apple") { v } else { v * 1024 }
}

/// `getrusage(RUSAGE_SELF)`: every thread of this process so far (zeros
/// where not [`SUPPORTED`]).
pub fn rusage_self() -> Rusage {
    #[cfg(unix)]
    return rusage(libc::RUSAGE_SELF);
    #[cfg(not(unix))]
    return Rusage::default();
}

/// `getrusage(RUSAGE_CHILDREN)`: children that have ended and been waited
/// for (zeros where not [`SUPPORTED`]).
pub fn rusage_children() -> Rusage {
    #[cfg(unix)]
    return rusage(libc::RUSAGE_CHILDREN);
    #[cfg(not(unix))]
    return Rusage::default();
}

/// The 1, 5 and 15 minute load averages (`getloadavg`), or zeros if unknown
/// (and where not [`SUPPORTED`]).
pub fn load_average() -> [f64; 3] {
    #[cfg(unix)]
    {
        let mut avg = [0.0f64; 3];
        // Safety: we pass a pointer to 3 doubles and ask for at most 3.
        let n = unsafe { libc::getloadavg(avg.as_mut_ptr(), 3) };
        if n < 3 { [0.0; 3] } else { avg }
    }
    #[cfg(not(unix))]
    [0.0; 3]
}

/// What [`measure`] reports for one run of a job.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Measurement {
    /// What was measured, e.g. `"thread pool"`.
    pub label: String,
    /// Wall time, in seconds.
    pub wall_secs: f64,
    /// User + system CPU time of this process and of the children it waited
    /// for during the run, in seconds.
    pub cpu_secs: f64,
    /// `cpu_secs / wall_secs`: cores kept busy on average.
    pub utilisation: f64,
    /// Peak resident memory of this process (or of its largest finished
    /// child, if larger) so far, in bytes. The kernel keeps only a
    /// high-water mark, so this is not a per-run delta.
    pub peak_rss_bytes: u64,
    /// The 1-minute load average when the run ended (others' work shows here).
    pub load_average_1m: f64,
}

impl Measurement {
    /// One JSON object.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// A one-line human summary:
    /// `thread pool: wall 1.234 s, cpu 2.401 s, utilisation 1.95, peak rss 12.3 MiB`.
    pub fn summary(&self) -> String {
        format!(
            "{}: wall {:.3} s, cpu {:.3} s, utilisation {:.2}, peak rss {:.1} MiB",
            self.label,
            self.wall_secs,
            self.cpu_secs,
            self.utilisation,
            self.peak_rss_bytes as f64 / (1024.0 * 1024.0)
        )
    }
}

/// Runs `f` and measures it: wall time, CPU time (this process plus the
/// children waited for meanwhile), utilisation and peak RSS.
///
/// ```
/// let (sum, m) = shared::measure::measure("sum", || (0..1_000u64).sum::<u64>());
/// assert_eq!(sum, 499_500);
/// assert!(m.wall_secs >= 0.0 && m.peak_rss_bytes > 0);
/// ```
pub fn measure<T>(label: &str, f: impl FnOnce() -> T) -> (T, Measurement) {
    let (s0, c0) = (rusage_self(), rusage_children());
    let sw = Stopwatch::start();
    let out = f();
    let wall: Duration = sw.elapsed();
    let (s1, c1) = (rusage_self(), rusage_children());
    let cpu = (s1.cpu_secs() - s0.cpu_secs()) + (c1.cpu_secs() - c0.cpu_secs());
    let wall_secs = wall.as_secs_f64();
    let m = Measurement {
        label: label.to_string(),
        wall_secs,
        cpu_secs: cpu,
        utilisation: if wall_secs > 0.0 { cpu / wall_secs } else { 0.0 },
        peak_rss_bytes: s1.max_rss_bytes.max(c1.max_rss_bytes),
        load_average_1m: load_average()[0],
    };
    (out, m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn busy_loop_uses_cpu() {
        // Spin until getrusage itself has seen 0.1 s of CPU (whatever the
        // machine's load; the wall-clock cap only stops a broken getrusage
        // from hanging the test), then `measure` must report at least that.
        let (spun, m) = measure("spin", || {
            let (start, sw) = (rusage_self().cpu_secs(), Stopwatch::start());
            let mut x = 0u64;
            while rusage_self().cpu_secs() - start < 0.1 && sw.secs() < 30.0 {
                x = x.wrapping_add(std::hint::black_box(1));
            }
            rusage_self().cpu_secs() - start
        });
        assert!(spun >= 0.1, "getrusage never saw the CPU time: {m:?}");
        assert!(m.cpu_secs >= 0.1 && m.utilisation > 0.0, "{m:?}");
        assert!(m.peak_rss_bytes > 0, "{m:?}");
        assert!(m.to_json().contains("\"wall_secs\""));
    }
}
