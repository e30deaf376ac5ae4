//! One run of one contender, measured from the outside as a whole process
//! (tree): wall time, user + system CPU time, CPU utilisation, peak memory.
//!
//! - **Wall time**: from just before `spawn` to the child's exit, in seconds.
//! - **CPU time**: `wait4(2)`'s rusage of the child, which also counts every
//!   descendant it waited for (a pool's worker processes), in seconds.
//! - **Peak RSS**: on Linux, the sum over the process tree of each process's
//!   own high-water mark (`VmHWM` in `/proc/<pid>/status`), sampled every
//!   20 ms while the run lasts (a high-water mark cannot be missed by a late
//!   sample, only a process that lives less than one sampling interval can),
//!   and never less than `wait4`'s `ru_maxrss` (the largest single process).
//!   A pool of 2 workers beside its parent therefore counts 3 processes'
//!   memory, as `ps` would show it. Other Unix systems: `ru_maxrss` only (the
//!   largest single process). Not Unix: wall time only, CPU and memory read 0
//!   ([`SUPPORTED`]).

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use serde::Serialize;

/// True where CPU time and peak memory are measured (Unix); elsewhere they
/// read as zero.
pub const SUPPORTED: bool = cfg!(unix);

/// What one run of a child process cost, and what it printed.
#[derive(Debug, Clone, Serialize)]
pub struct Run {
    /// Wall time, spawn to exit, in seconds.
    pub wall_secs: f64,
    /// User CPU time of the child and its waited-for descendants, in seconds.
    pub user_secs: f64,
    /// System CPU time of the same, in seconds.
    pub sys_secs: f64,
    /// Peak resident memory of the process tree, in bytes (see the module docs).
    pub peak_rss_bytes: u64,
    /// How many processes the tree held at one time or another (1 for a
    /// single process; 0 where not measured).
    pub processes: usize,
    /// The exit code, `None` if killed by a signal or by the time limit.
    pub code: Option<i32>,
    /// True if the time limit ran out and the tree was killed.
    pub timed_out: bool,
    /// Standard output, lossily decoded.
    #[serde(skip)]
    pub stdout: String,
    /// Standard error, lossily decoded.
    #[serde(skip)]
    pub stderr: String,
}

impl Run {
    /// User + system CPU time, in seconds.
    pub fn cpu_secs(&self) -> f64 {
        self.user_secs + self.sys_secs
    }

    /// CPU time / wall time: how many cores were kept busy on average.
    pub fn utilisation(&self) -> f64 {
        if self.wall_secs > 0.0 {
            self.cpu_secs() / self.wall_secs
        } else {
            0.0
        }
    }

    /// Exited by itself with code 0.
    pub fn success(&self) -> bool {
        self.code == Some(0) && !self.timed_out
    }

    /// The last lines of stderr (or stdout), for an error message.
    pub fn tail(&self) -> String {
        let text = if self.stderr.trim().is_empty() {
            &self.stdout
        } else {
            &self.stderr
        };
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(5)..].join("\n")
    }
}

/// Runs `cmd` to completion (stdin closed, stdout and stderr captured) and
/// measures it. The child gets a process group of its own; if it has not
/// exited after `timeout`, the whole group is killed (`timed_out`).
///
/// # Errors
/// The program cannot be started, or waiting for it fails.
pub fn run(cmd: &mut Command, timeout: Duration) -> Result<Run> {
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        cmd.process_group(0);
    }
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let start = Instant::now();
    let mut child = cmd
        .spawn()
        .with_context(|| format!("cannot start {:?}", cmd.get_program()))?;
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut p) = pipe {
                let _ = p.read_to_end(&mut buf);
            }
            String::from_utf8_lossy(&buf).into_owned()
        })
    };
    let out = drain(child.stdout.take().map(|p| Box::new(p) as _));
    let err = drain(child.stderr.take().map(|p| Box::new(p) as _));
    let waited = wait(&mut child, start, timeout)?;
    Ok(Run {
        wall_secs: waited.wall.as_secs_f64(),
        user_secs: waited.user_secs,
        sys_secs: waited.sys_secs,
        peak_rss_bytes: waited.peak_rss_bytes,
        processes: waited.processes,
        code: waited.code,
        timed_out: waited.timed_out,
        // The child and (on a timeout) its group are gone, so the pipes end.
        stdout: out.join().unwrap_or_default(),
        stderr: err.join().unwrap_or_default(),
    })
}

struct Waited {
    wall: Duration,
    user_secs: f64,
    sys_secs: f64,
    peak_rss_bytes: u64,
    processes: usize,
    code: Option<i32>,
    timed_out: bool,
}

#[cfg(unix)]
fn wait(child: &mut std::process::Child, start: Instant, timeout: Duration) -> Result<Waited> {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Arc, mpsc};

    let pid = child.id() as libc::pid_t;
    let done = Arc::new(AtomicBool::new(false));
    // The watchdog: kill the child's process group when the time is up.
    let (stop_tx, stop_rx) = mpsc::channel::<()>();
    let fired = Arc::new(AtomicBool::new(false));
    let watchdog = {
        let fired = Arc::clone(&fired);
        std::thread::spawn(move || {
            if stop_rx.recv_timeout(timeout).is_err() {
                fired.store(true, Ordering::SeqCst);
                // Safety: kill(2) on the group `process_group(0)` made; the
                // child is not reaped yet (we wait with WNOWAIT first), so
                // its pid, and the group's id, cannot have been reused.
                unsafe { libc::kill(-pid, libc::SIGKILL) };
            }
        })
    };
    // The sampler: the tree's memory while it runs.
    let sampler = {
        let done = Arc::clone(&done);
        std::thread::spawn(move || tree::sample_until(pid as u32, &done))
    };

    // Wait for the exit without reaping (the pid stays reserved, so the
    // watchdog's kill cannot hit a stranger), then stop the helpers, then reap
    // with wait4 for the rusage.
    loop {
        // Safety: a zeroed siginfo_t is a valid out-parameter for waitid.
        let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
        let rc = unsafe {
            libc::waitid(
                libc::P_PID,
                pid as libc::id_t,
                &mut info,
                libc::WEXITED | libc::WNOWAIT,
            )
        };
        if rc == 0 {
            break;
        }
        let e = std::io::Error::last_os_error();
        if e.kind() != std::io::ErrorKind::Interrupted {
            return Err(e).context("waitid on the contender");
        }
    }
    let wall = start.elapsed();
    let _ = stop_tx.send(());
    let _ = watchdog.join();
    done.store(true, Ordering::SeqCst);
    let (sampled_peak, processes) = sampler.join().unwrap_or((0, 0));

    let mut status = 0;
    // Safety: a zeroed rusage is a valid out-parameter for wait4.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::wait4(pid, &mut status, 0, &mut ru) };
    if rc != pid {
        return Err(std::io::Error::last_os_error()).context("wait4 on the contender");
    }
    // std's Child must not wait again: it has no record of our reaping, but
    // dropping a Child never waits, so simply not calling wait() is enough.
    let _ = child;
    let secs = |tv: libc::timeval| tv.tv_sec as f64 + tv.tv_usec as f64 / 1e6;
    let max_rss = ru.ru_maxrss.max(0) as u64;
    let max_rss = if cfg!(target_vendor = "apple") {
        max_rss
    } else {
        max_rss * 1024
    };
    let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
    Ok(Waited {
        wall,
        user_secs: secs(ru.ru_utime),
        sys_secs: secs(ru.ru_stime),
        peak_rss_bytes: sampled_peak.max(max_rss),
        processes: processes.max(1),
        code,
        timed_out: fired.load(Ordering::SeqCst),
    })
}

/// Not Unix: wall time only (std's wait, a polling timeout).
#[cfg(not(unix))]
fn wait(child: &mut std::process::Child, start: Instant, timeout: Duration) -> Result<Waited> {
    let mut timed_out = false;
    let status = loop {
        if let Some(s) = child.try_wait()? {
            break s;
        }
        if start.elapsed() >= timeout {
            timed_out = true;
            let _ = child.kill();
            break child.wait()?;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    Ok(Waited {
        wall: start.elapsed(),
        user_secs: 0.0,
        sys_secs: 0.0,
        peak_rss_bytes: 0,
        processes: 0,
        code: status.code(),
        timed_out,
    })
}

/// The process tree's memory, sampled from `/proc` (Linux).
#[cfg(unix)]
mod tree {
    use std::collections::HashMap;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::Duration;

    /// Samples every 20 ms until `done`; returns (sum over every process
    /// seen of its last VmHWM in bytes, how many processes were seen).
    #[cfg(target_os = "linux")]
    pub fn sample_until(root: u32, done: &AtomicBool) -> (u64, usize) {
        let mut hwm: HashMap<u32, u64> = HashMap::new();
        loop {
            for pid in descendants(root) {
                if let Some(bytes) = vm_hwm(pid) {
                    hwm.insert(pid, bytes);
                }
            }
            if done.load(Ordering::SeqCst) {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        (hwm.values().sum(), hwm.len())
    }

    /// Other Unix systems: nothing to sample (`ru_maxrss` is used instead).
    #[cfg(not(target_os = "linux"))]
    pub fn sample_until(_root: u32, _done: &AtomicBool) -> (u64, usize) {
        (0, 0)
    }

    /// `root` and every process below it, from `/proc/<pid>/task/<tid>/children`.
    #[cfg(target_os = "linux")]
    fn descendants(root: u32) -> Vec<u32> {
        let mut all = vec![root];
        let mut i = 0;
        while i < all.len() {
            let pid = all[i];
            let tasks = std::fs::read_dir(format!("/proc/{pid}/task"));
            for task in tasks.into_iter().flatten().flatten() {
                let path = task.path().join("children");
                let text = std::fs::read_to_string(path).unwrap_or_default();
                all.extend(
                    text.split_whitespace()
                        .filter_map(|p| p.parse::<u32>().ok()),
                );
            }
            i += 1;
        }
        all
    }

    /// A process's own peak resident memory (`VmHWM`), in bytes.
    #[cfg(target_os = "linux")]
    fn vm_hwm(pid: u32) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
        let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
        let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kib * 1024)
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    fn measures_a_child_and_its_children() {
        // A shell that starts two sleeping children: three processes.
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "sleep 0.3 & sleep 0.3 & wait; echo done"]);
        let r = run(&mut cmd, Duration::from_secs(10)).unwrap();
        assert!(r.success(), "{r:?}");
        assert_eq!(r.stdout, "done\n");
        assert!(r.wall_secs >= 0.3, "{r:?}");
        assert!(r.processes >= 3, "{r:?}");
        assert!(r.peak_rss_bytes > 0, "{r:?}");

        // CPU time is counted: a busy loop of about 0.2 s of CPU.
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done"]);
        let r = run(&mut cmd, Duration::from_secs(60)).unwrap();
        assert!(r.success() && r.cpu_secs() > 0.0, "{r:?}");

        // The time limit kills the whole group.
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "sleep 30 & wait"]);
        let r = run(&mut cmd, Duration::from_millis(300)).unwrap();
        assert!(r.timed_out && !r.success(), "{r:?}");
    }
}
