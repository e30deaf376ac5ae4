//! Running an example as a child process with a time limit: what the tests
//! and the comparison harness (`compare`) use to run every bin and every
//! Python twin, so that a deadlocked example fails its test instead of
//! hanging it; `compare` also reads what the run cost ([`run_measured`]).
//!
//! Compiled only with the `testkit` feature, which the example crates turn
//! on in their `[dev-dependencies]` (and `compare` in its dependencies), so
//! no example bin links it.
//!
//! [`interrupt_when`] presses Ctrl-C on a run mid-way, as a terminal does
//! (SIGINT to its whole process group), for the tests of stopping well.
//!
//! Portability: on Unix the child gets a process group of its own and a
//! timeout kills the whole group; elsewhere (Windows) only the child itself is
//! killed (`Child::kill`), so a grandchild may outlive it, and CPU time and
//! memory read 0. `interrupt_when` exists only on Unix: Windows has no process
//! groups or SIGINT (a console's Ctrl-C goes to every process attached to it).

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

/// What a finished (or killed) child printed and how it ended.
#[derive(Debug, Clone)]
pub struct RunOutput {
    /// The exit code; `None` if it was killed by a signal (or by the timeout).
    pub code: Option<i32>,
    /// True if the time limit was hit and the child was killed.
    pub timed_out: bool,
    /// Standard output, lossily decoded as UTF-8.
    pub stdout: String,
    /// Standard error, lossily decoded as UTF-8.
    pub stderr: String,
    /// Wall time from spawn to exit, in seconds.
    pub wall_secs: f64,
}

impl RunOutput {
    /// Exited by itself with code 0.
    pub fn success(&self) -> bool {
        self.code == Some(0) && !self.timed_out
    }

    /// The stdout lines that are event lines (see [`crate::timing`]), parsed
    /// as `(seconds, who, message)`, in printed order.
    pub fn events(&self) -> Vec<(f64, String, String)> {
        self.stdout
            .lines()
            .filter_map(crate::timing::parse_event_line)
            .map(|(t, who, msg)| (t, who.to_string(), msg.to_string()))
            .collect()
    }

    /// The last lines of stderr (or of stdout, if stderr is empty), for an
    /// error message.
    pub fn tail(&self) -> String {
        let text = if self.stderr.trim().is_empty() { &self.stdout } else { &self.stderr };
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(5)..].join("\n")
    }

    /// Everything the child printed, for assertion messages.
    pub fn dump(&self) -> String {
        format!(
            "exit code {:?}{}\n--- stdout ---\n{}--- stderr ---\n{}",
            self.code,
            if self.timed_out { " (killed: timed out)" } else { "" },
            self.stdout,
            self.stderr
        )
    }
}

/// What a run cost the machine, measured from outside (Unix; elsewhere 0).
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize)]
pub struct Usage {
    /// User CPU time of the child and its waited-for descendants, in seconds
    /// (`wait4(2)`'s rusage: a pool's worker processes count too).
    pub user_secs: f64,
    /// System CPU time of the same, in seconds.
    pub sys_secs: f64,
    /// Peak resident memory of the process tree, in bytes: on Linux (when
    /// sampled) the sum over the tree of each process's own high-water mark
    /// (`VmHWM`), sampled every 20 ms, never less than `wait4`'s `ru_maxrss`
    /// (the largest single process); elsewhere `ru_maxrss` only.
    pub peak_rss_bytes: u64,
    /// How many processes the tree held at one time or another (1 for a
    /// single process when sampled; 0 where not measured).
    pub processes: usize,
}

/// True where [`Usage`]'s CPU time and peak memory are measured (Unix);
/// elsewhere they read as zero.
pub const USAGE_SUPPORTED: bool = cfg!(unix);

/// Runs `cmd` to completion with stdout and stderr captured and stdin closed,
/// killing it if it has not exited after `timeout`. The child runs in a
/// process group of its own, and a timeout kills the whole group, so
/// grandchildren (a Python twin's `multiprocessing` workers, say) cannot
/// outlive it and hold its output pipes open.
///
/// # Errors
/// Only if the program cannot be started (not found, not executable).
pub fn run_with_timeout(mut cmd: Command, timeout: Duration) -> Result<RunOutput> {
    run_measured(&mut cmd, timeout, false).map(|(out, _)| out)
}

/// [`run_with_timeout`], and what the run cost ([`Usage`]): CPU time from
/// `wait4`, and with `sample_memory` the process tree's peak memory,
/// sampled from `/proc` every 20 ms while it runs (Linux). The one
/// process-group runner of the workspace: the tests and `compare` use it.
///
/// # Errors
/// The program cannot be started, or waiting for it fails.
pub fn run_measured(
    cmd: &mut Command,
    timeout: Duration,
    sample_memory: bool,
) -> Result<(RunOutput, Usage)> {
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        cmd.process_group(0);
    }
    cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let start = Instant::now();
    let mut child = cmd.spawn().with_context(|| format!("cannot start {:?}", cmd.get_program()))?;
    // Drain both pipes on their own threads so a chatty child never blocks.
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
    let pid = child.id();
    let mut waited = wait(&mut child, start, timeout, sample_memory)?;
    // A grandchild that outlives the child (a daemon whose guard broke) would
    // hold the pipes open: after a grace of 5 s (within the time limit), its
    // group is killed and the run counts as timed out, never hanging. (A
    // detached worker meant to end 2 s after its parent, as `daemon_proc
    // --mode detach` in the tests, ends within it even on a busy machine.)
    let grace =
        Instant::now() + Duration::from_secs(5).min(timeout.saturating_sub(start.elapsed()));
    while !(out.is_finished() && err.is_finished()) && Instant::now() < grace {
        std::thread::sleep(Duration::from_millis(5));
    }
    if !(out.is_finished() && err.is_finished()) {
        waited.timed_out = true;
        #[cfg(unix)]
        // Safety: kill(2) on the group `process_group(0)` made for the child;
        // its members still hold the pipes, so the group id is still theirs.
        unsafe {
            libc::kill(-(pid as libc::pid_t), libc::SIGKILL)
        };
        #[cfg(not(unix))]
        let _ = pid;
    }
    let output = RunOutput {
        code: waited.code,
        timed_out: waited.timed_out,
        // The child and (on a timeout) its group are gone, so the pipes end.
        stdout: out.join().unwrap_or_default(),
        stderr: err.join().unwrap_or_default(),
        wall_secs: waited.wall.as_secs_f64(),
    };
    Ok((output, waited.usage))
}

struct Waited {
    wall: Duration,
    usage: Usage,
    code: Option<i32>,
    timed_out: bool,
}

#[cfg(unix)]
fn wait(
    child: &mut std::process::Child,
    start: Instant,
    timeout: Duration,
    sample_memory: bool,
) -> Result<Waited> {
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
    let sampler = sample_memory.then(|| {
        let done = Arc::clone(&done);
        std::thread::spawn(move || tree::sample_until(pid as u32, &done))
    });

    // Wait for the exit without reaping (the pid stays reserved, so the
    // watchdog's kill cannot hit a stranger), then stop the helpers, then reap
    // with wait4 for the rusage.
    loop {
        // Safety: a zeroed siginfo_t is a valid out-parameter for waitid.
        let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
        // Safety: waitid on our own child's pid, writing into `info`.
        let rc = unsafe {
            libc::waitid(libc::P_PID, pid as libc::id_t, &mut info, libc::WEXITED | libc::WNOWAIT)
        };
        if rc == 0 {
            break;
        }
        let e = std::io::Error::last_os_error();
        if e.kind() != std::io::ErrorKind::Interrupted {
            return Err(e).context("waitid on the child");
        }
    }
    let wall = start.elapsed();
    let _ = stop_tx.send(());
    let _ = watchdog.join();
    done.store(true, Ordering::SeqCst);
    let (sampled_peak, processes) = sampler.map_or((0, 0), |s| s.join().unwrap_or((0, 0)));

    let mut status = 0;
    // Safety: a zeroed rusage is a valid out-parameter for wait4.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    // Safety: reaps our own child, writing into `status` and `ru`.
    let rc = unsafe { libc::wait4(pid, &mut status, 0, &mut ru) };
    if rc != pid {
        return Err(std::io::Error::last_os_error()).context("wait4 on the child");
    }
    // std's Child must not wait again: dropping a Child never waits, so
    // simply not calling wait() on it is enough.
    let secs = |tv: libc::timeval| tv.tv_sec as f64 + tv.tv_usec as f64 / 1e6;
    let max_rss = ru.ru_maxrss.max(0) as u64;
    let max_rss = if cfg!(target_vendor = "apple") { max_rss } else { max_rss * 1024 };
    let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
    Ok(Waited {
        wall,
        usage: Usage {
            user_secs: secs(ru.ru_utime),
            sys_secs: secs(ru.ru_stime),
            peak_rss_bytes: sampled_peak.max(max_rss),
            processes: if sample_memory { processes.max(1) } else { 0 },
        },
        code,
        timed_out: fired.load(Ordering::SeqCst),
    })
}

/// Not Unix: wall time only (std's wait, a polling timeout; only the child
/// itself is killed).
#[cfg(not(unix))]
fn wait(
    child: &mut std::process::Child,
    start: Instant,
    timeout: Duration,
    _sample_memory: bool,
) -> Result<Waited> {
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
    Ok(Waited { wall: start.elapsed(), usage: Usage::default(), code: status.code(), timed_out })
}

/// The process tree's memory, sampled from `/proc` (Linux).
#[cfg(unix)]
mod tree {
    use std::sync::atomic::{AtomicBool, Ordering};

    /// Samples every 20 ms until `done`; returns (sum over every process
    /// seen of its last VmHWM in bytes, how many processes were seen).
    #[cfg(target_os = "linux")]
    pub fn sample_until(root: u32, done: &AtomicBool) -> (u64, usize) {
        let mut hwm: std::collections::HashMap<u32, u64> = std::collections::HashMap::new();
        loop {
            for pid in descendants(root) {
                if let Some(bytes) = vm_hwm(pid) {
                    hwm.insert(pid, bytes);
                }
            }
            if done.load(Ordering::SeqCst) {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        (hwm.values().sum(), hwm.len())
    }

    /// Other Unix systems: nothing to sample (`ru_maxrss` is used instead).
    #[cfg(not(target_os = "linux"))]
    pub fn sample_until(_root: u32, done: &AtomicBool) -> (u64, usize) {
        let _ = done.load(Ordering::SeqCst);
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
                all.extend(text.split_whitespace().filter_map(|p| p.parse::<u32>().ok()));
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

/// Runs the executable at `exe` (in tests: `env!("CARGO_BIN_EXE_<bin>")`)
/// with `args` and a time limit of `timeout_secs` seconds.
///
/// # Panics
/// If the executable cannot be started: this is a test helper.
pub fn run_bin(exe: &str, args: &[&str], timeout_secs: u64) -> RunOutput {
    let mut cmd = Command::new(exe);
    cmd.args(args);
    run_with_timeout(cmd, Duration::from_secs(timeout_secs)).expect("the example starts")
}

/// Runs the Python twin `<crate_dir>/python/<name>.py` with `python3` (in
/// tests, `crate_dir` is `env!("CARGO_MANIFEST_DIR")`), unbuffered, with
/// `args` and a time limit of `timeout_secs` seconds.
///
/// # Panics
/// If `python3` cannot be started: this is a test helper.
pub fn run_twin(crate_dir: &str, name: &str, args: &[&str], timeout_secs: u64) -> RunOutput {
    let script = Path::new(crate_dir).join("python").join(format!("{name}.py"));
    assert!(script.is_file(), "no Python twin at {}", script.display());
    let mut cmd = Command::new("python3");
    cmd.arg("-u").arg(&script).args(args);
    run_with_timeout(cmd, Duration::from_secs(timeout_secs)).expect("python3 starts")
}

/// Assertions on a finished run, shared by every crate's tests (each test
/// file reaches them through its `tests/common/mod.rs`). Each panics with the
/// run's whole output ([`RunOutput::dump`]) when it fails.
pub mod checks {
    use super::RunOutput;

    /// Exited by itself with code 0.
    pub fn ok(out: &RunOutput) {
        assert!(out.success(), "{}", out.dump());
    }

    /// Failed by itself (a non-zero exit code, not killed by the test's time
    /// limit), with an error message rather than a Rust panic or a Python traceback.
    pub fn assert_clean_failure(out: &RunOutput) {
        assert!(!out.success() && !out.timed_out && out.code.is_some(), "{}", out.dump());
        assert!(!out.stderr.contains("panicked"), "{}", out.dump());
        assert!(!out.stderr.contains("Traceback"), "{}", out.dump());
    }

    /// Index of the first event by `who` whose message starts with `prefix`.
    pub fn pos(out: &RunOutput, who: &str, prefix: &str) -> usize {
        out.events()
            .iter()
            .position(|(_, w, m)| w == who && m.starts_with(prefix))
            .unwrap_or_else(|| panic!("no `{who}` event starting {prefix:?}\n{}", out.dump()))
    }

    /// How many events by `who` start with `prefix`.
    pub fn count(out: &RunOutput, who: &str, prefix: &str) -> usize {
        out.events().iter().filter(|(_, w, m)| w == who && m.starts_with(prefix)).count()
    }

    /// The stdout line that starts with `prefix` (not an event line).
    pub fn line<'a>(out: &'a RunOutput, prefix: &str) -> &'a str {
        out.stdout
            .lines()
            .find(|l| l.starts_with(prefix))
            .unwrap_or_else(|| panic!("no line starting {prefix:?}\n{}", out.dump()))
    }

    /// `<label>, cost = 1.234 seconds` is printed: the one timing line shape
    /// ([`crate::timing::parse_cost_line`]).
    pub fn has_cost(out: &RunOutput, label: &str) {
        let printed =
            out.stdout.lines().filter_map(crate::timing::parse_cost_line).any(|(l, _)| l == label);
        assert!(printed, "no cost line {label:?}\n{}", out.dump());
    }

    /// A path in the temp directory for a run's spans file (set it on the
    /// child: `cmd.env(shared::spans::SPANS_ENV, spans.arg())`), removed when
    /// dropped (unique per test process and call, so parallel tests never
    /// share one; it does not exist until the child creates it).
    pub struct TempSpans(pub std::path::PathBuf);

    impl TempSpans {
        /// A fresh path whose name holds `tag`.
        pub fn new(tag: &str) -> TempSpans {
            use std::sync::atomic::{AtomicUsize, Ordering};
            static N: AtomicUsize = AtomicUsize::new(0);
            let n = N.fetch_add(1, Ordering::Relaxed);
            let name = format!("spans-test-{tag}-{}-{n}.jsonl", std::process::id());
            TempSpans(std::env::temp_dir().join(name))
        }

        /// The path, as a command-line argument.
        pub fn arg(&self) -> &str {
            self.0.to_str().expect("the temp dir is UTF-8")
        }

        /// The spans the run wrote (`crate::spans::read`, for twins too),
        /// each checked to be on the program's clock: 0 <= start <= end.
        pub fn spans(&self, out: &RunOutput) -> Vec<crate::spans::Span> {
            let spans =
                crate::spans::read(&self.0).unwrap_or_else(|e| panic!("{e:#}\n{}", out.dump()));
            for s in &spans {
                assert!(0.0 <= s.start && s.start <= s.end, "{s:?}\n{}", out.dump());
            }
            spans
        }
    }

    impl Drop for TempSpans {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.0);
        }
    }

    /// The most spans open at one instant. A span that ends exactly when
    /// another starts does not overlap it (ends are counted first at a tie):
    /// a permit given back and taken again at once is not two permits.
    pub fn max_open<S: std::borrow::Borrow<crate::spans::Span>>(spans: &[S]) -> usize {
        let mut edges: Vec<(f64, i32)> =
            spans.iter().map(|s| s.borrow()).flat_map(|s| [(s.start, 1), (s.end, -1)]).collect();
        edges.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let (mut open, mut max) = (0i32, 0i32);
        for (_, step) in edges {
            open += step;
            max = max.max(open);
        }
        max as usize
    }

    /// A spans file path in a directory that does not exist.
    pub fn missing_spans_path() -> String {
        std::env::temp_dir()
            .join(format!("no-such-dir-{}", std::process::id()))
            .join("spans.jsonl")
            .display()
            .to_string()
    }

    /// A spans file that cannot be created is refused before the work:
    /// exit 1, one error line (`cannot create the spans file ...`), no panic
    /// or traceback, and no cost line (nothing was done).
    pub fn bad_spans_path_fails(out: &RunOutput) {
        assert_clean_failure(out);
        assert_eq!(out.code, Some(1), "{}", out.dump());
        let errors: Vec<&str> =
            out.stderr.lines().filter(|l| l.to_lowercase().starts_with("error")).collect();
        assert_eq!(errors.len(), 1, "{}", out.dump());
        assert!(errors[0].contains("cannot create the spans file"), "{}", out.dump());
        assert!(!out.stdout.contains(", cost = "), "no work was done\n{}", out.dump());
    }

    /// The event lines as (who, message), without the timestamps.
    pub fn said(out: &RunOutput) -> Vec<(String, String)> {
        out.events().into_iter().map(|(_, who, msg)| (who, msg)).collect()
    }
}

/// What [`interrupt_when`] saw: a run stopped by a Ctrl-C to its process group.
#[cfg(unix)]
#[derive(Debug)]
pub struct Interrupted {
    /// Everything the child printed on stdout, the `ready` line included.
    pub stdout: String,
    /// Everything it printed on stderr.
    pub stderr: String,
    /// How the child ended (after `timeout` without exiting: SIGKILL).
    pub status: std::process::ExitStatus,
    /// From the SIGINT to the child's exit (or to the SIGKILL of a timeout).
    pub stopped_after: Duration,
    /// Some process of the child's group was still alive 0.3 s after the
    /// child exited (it is SIGKILLed then, so no test leaves it behind).
    pub group_left: bool,
    /// The child had not exited `timeout` after the SIGINT and was killed.
    pub timed_out: bool,
}

#[cfg(unix)]
impl Interrupted {
    /// Exit code 130 (the shell's 128 + SIGINT) or killed by SIGINT itself.
    pub fn stopped_by_sigint(&self) -> bool {
        use std::os::unix::process::ExitStatusExt;
        !self.timed_out
            && (self.status.code() == Some(130) || self.status.signal() == Some(libc::SIGINT))
    }

    /// Panics (with [`Interrupted::dump`]) unless the run stopped well: exit
    /// 130 or killed by SIGINT, no "Traceback" or "panicked" on stderr, no
    /// process of its group left behind.
    pub fn assert_stopped_well(&self) {
        assert!(self.stopped_by_sigint(), "not stopped by the Ctrl-C\n{}", self.dump());
        for bad in ["Traceback", "panicked"] {
            assert!(!self.stderr.contains(bad), "{bad} on stderr\n{}", self.dump());
        }
        assert!(!self.group_left, "a process of its group outlived it\n{}", self.dump());
    }

    /// Everything about the run, for assertion messages.
    pub fn dump(&self) -> String {
        format!(
            "{:?} after the SIGINT: {}{}{}\n--- stdout ---\n{}--- stderr ---\n{}",
            self.stopped_after,
            self.status,
            if self.timed_out { " (timed out, killed)" } else { "" },
            if self.group_left { " (its group outlived it)" } else { "" },
            self.stdout,
            self.stderr
        )
    }
}

/// How long [`interrupt_when`] waits for the `ready` line (a slow start on
/// a busy machine is not what the test is about).
#[cfg(unix)]
pub const READY_LIMIT: Duration = Duration::from_secs(60);

/// Presses Ctrl-C on `cmd` mid-run, as a terminal does: starts it in a process
/// group of its own with SIGINT restored to its default (a child of a script's
/// `&` inherits it ignored), stdin closed, reads its stdout until a line
/// contains `ready` (so "mid-run" is the program's own word, not a sleep; at
/// most [`READY_LIMIT`]), sends SIGINT to the whole group (`killpg`), and waits
/// up to `timeout` for the child to exit (then SIGKILLs the group). Whatever of
/// the group is left 0.3 s after the exit is recorded (`group_left`) and killed.
///
/// # Errors
/// The program cannot be started, or it exits, or [`READY_LIMIT`] passes,
/// before it prints `ready` (the error holds its output).
#[cfg(unix)]
pub fn interrupt_when(cmd: Command, ready: &str, timeout: Duration) -> Result<Interrupted> {
    interrupt_when_all(cmd, &[ready], timeout)
}

/// [`interrupt_when`], released once each of `ready` has appeared in some line
/// (say, the first line of each of two child processes, so that neither is
/// still starting when the Ctrl-C comes).
///
/// # Errors
/// As [`interrupt_when`].
#[cfg(unix)]
pub fn interrupt_when_all(
    mut cmd: Command,
    ready: &[&str],
    timeout: Duration,
) -> Result<Interrupted> {
    use std::io::BufRead;
    use std::os::unix::process::CommandExt;
    use std::sync::{Arc, Mutex, mpsc};

    cmd.process_group(0).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    // Safety: signal(2) is async-signal-safe, as pre_exec requires.
    unsafe {
        cmd.pre_exec(|| {
            libc::signal(libc::SIGINT, libc::SIG_DFL);
            Ok(())
        })
    };
    let mut child = cmd.spawn().with_context(|| format!("cannot start {:?}", cmd.get_program()))?;
    let pgid = child.id() as libc::pid_t;
    let killpg = |sig| {
        // Safety: kill(2) on the group process_group(0) made for the child.
        unsafe { libc::kill(-pgid, sig) }
    };
    // stdout line by line (each one also sent to the waiting loop below).
    let stdout = Arc::new(Mutex::new(String::new()));
    let (line_tx, line_rx) = mpsc::channel::<String>();
    let out_reader = {
        let (stdout, pipe) = (Arc::clone(&stdout), child.stdout.take());
        std::thread::spawn(move || {
            let mut pipe = std::io::BufReader::new(pipe.expect("stdout is piped"));
            let mut buf = Vec::new();
            while matches!(pipe.read_until(b'\n', &mut buf), Ok(n) if n > 0) {
                let line = String::from_utf8_lossy(&buf).into_owned();
                stdout.lock().unwrap().push_str(&line);
                let _ = line_tx.send(line);
                buf.clear();
            }
        })
    };
    let stderr = Arc::new(Mutex::new(String::new()));
    let err_reader = {
        let (stderr, pipe) = (Arc::clone(&stderr), child.stderr.take());
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = pipe.expect("stderr is piped").read_to_end(&mut buf);
            *stderr.lock().unwrap() = String::from_utf8_lossy(&buf).into_owned();
        })
    };
    // The pipes end when the group is gone; a process that left the group
    // (setsid) could hold them: then what was read within 2 s is kept.
    let finish = |readers: [std::thread::JoinHandle<()>; 2]| {
        let until = Instant::now() + Duration::from_secs(2);
        while readers.iter().any(|r| !r.is_finished()) && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(5));
        }
        (stdout.lock().unwrap().clone(), stderr.lock().unwrap().clone())
    };
    let deadline = Instant::now() + READY_LIMIT;
    let mut waiting: Vec<&str> = ready.to_vec();
    let seen = loop {
        match line_rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(line) => {
                waiting.retain(|r| !line.contains(r));
                if waiting.is_empty() {
                    break true;
                }
            }
            Err(_) => break false, // the program closed stdout (ended), or time is up
        }
    };
    if !seen {
        killpg(libc::SIGKILL);
        let status = child.wait()?;
        let (stdout, stderr) = finish([out_reader, err_reader]);
        anyhow::bail!(
            "no line containing {waiting:?} ({status})\n--- stdout ---\n{stdout}--- stderr ---\n{stderr}"
        );
    }
    killpg(libc::SIGINT);
    let sent = Instant::now();
    let mut timed_out = false;
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if sent.elapsed() >= timeout {
            timed_out = true;
            killpg(libc::SIGKILL);
            break child.wait()?;
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let stopped_after = sent.elapsed();
    std::thread::sleep(Duration::from_millis(300));
    let group_left = group_alive(pgid);
    killpg(libc::SIGKILL); // whatever is left (nothing, when it stopped well)
    let (stdout, stderr) = finish([out_reader, err_reader]);
    Ok(Interrupted { stdout, stderr, status, stopped_after, group_left, timed_out })
}

/// [`interrupt_when`] on the executable at `exe` (in tests:
/// `env!("CARGO_BIN_EXE_<bin>")`) with `args`, a 5 s limit after the SIGINT.
///
/// # Panics
/// If it cannot be started, or ends before printing `ready`: a test helper.
#[cfg(unix)]
pub fn interrupt_bin(exe: &str, args: &[&str], ready: &str) -> Interrupted {
    let mut cmd = Command::new(exe);
    cmd.args(args);
    interrupt_when(cmd, ready, Duration::from_secs(5)).unwrap_or_else(|e| panic!("{exe}: {e:#}"))
}

/// [`interrupt_when`] on the Python twin `<crate_dir>/python/<name>.py`
/// (`python3 -u`, as [`run_twin`]) with `args`, a 5 s limit after the SIGINT.
///
/// # Panics
/// If it cannot be started, or ends before printing `ready`: a test helper.
#[cfg(unix)]
pub fn interrupt_twin(crate_dir: &str, name: &str, args: &[&str], ready: &str) -> Interrupted {
    let script = Path::new(crate_dir).join("python").join(format!("{name}.py"));
    let mut cmd = Command::new("python3");
    cmd.arg("-u").arg(&script).args(args);
    interrupt_when(cmd, ready, Duration::from_secs(5))
        .unwrap_or_else(|e| panic!("{name}.py: {e:#}"))
}

/// Some process of group `pgid` is alive (a zombie does not count): from
/// `/proc/*/stat` on Linux, elsewhere `kill(-pgid, 0)`.
#[cfg(unix)]
fn group_alive(pgid: libc::pid_t) -> bool {
    if cfg!(target_os = "linux") {
        let procs = std::fs::read_dir("/proc").into_iter().flatten().flatten();
        procs.into_iter().any(|entry| {
            let stat = std::fs::read_to_string(entry.path().join("stat")).unwrap_or_default();
            // After the `(comm)`: state, ppid, pgrp.
            let mut rest = stat.rsplit(')').next().unwrap_or("").split_whitespace();
            let state = rest.next().unwrap_or("Z");
            let pgrp = rest.nth(1).and_then(|p| p.parse::<libc::pid_t>().ok());
            pgrp == Some(pgid) && !matches!(state, "Z" | "X")
        })
    } else {
        // Safety: signal 0 only checks that the group exists.
        unsafe { libc::kill(-pgid, 0) == 0 }
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn a_grandchild_holding_the_pipes_is_killed_after_a_grace() {
        // The child exits at once; its grandchild keeps stdout open for 30 s.
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "sleep 30 & echo started"]);
        let out = run_with_timeout(cmd, Duration::from_secs(60)).unwrap();
        // Without the grace the run would wait for the sleep to end (30 s, well
        // inside the 60 s limit) and not count as timed out.
        assert!(out.timed_out && out.stdout == "started\n", "{out:?}");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn measures_a_child_and_its_children() {
        // A shell that starts two sleeping children: three processes.
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "sleep 0.3 & sleep 0.3 & wait; echo done"]);
        let (out, usage) = run_measured(&mut cmd, Duration::from_secs(10), true).unwrap();
        assert!(out.success(), "{out:?}");
        assert_eq!(out.stdout, "done\n");
        assert!(usage.processes >= 3, "{usage:?}");
        assert!(usage.peak_rss_bytes > 0, "{usage:?}");

        // CPU time is counted: a busy loop of about 0.2 s of CPU.
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done"]);
        let (out, usage) = run_measured(&mut cmd, Duration::from_secs(60), false).unwrap();
        assert!(out.success() && usage.user_secs + usage.sys_secs > 0.0, "{usage:?}");
        assert_eq!(usage.processes, 0, "not sampled");
    }

    fn sh(script: &str) -> Command {
        let mut cmd = Command::new("sh");
        cmd.args(["-c", script]);
        cmd
    }

    #[test]
    fn interrupt_when_presses_ctrl_c_on_the_group() {
        let five = Duration::from_secs(5);
        // Killed by the SIGINT, after its ready line: stopped well.
        let run = interrupt_when(sh("echo starting; echo ready; exec sleep 30"), "ready", five);
        let run = run.unwrap();
        run.assert_stopped_well();
        assert_eq!(run.stdout, "starting\nready\n");
        // A handler that reports and exits 130. (Short sleeps: dash runs a trap
        // only once its foreground child ends, and a SIGINT that comes between
        // the fork and the exec of `sleep 30` would not end that one.)
        let run = interrupt_when(
            sh("trap 'echo partial; exit 130' INT; echo ready; while :; do sleep 0.1; done"),
            "ready",
            five,
        );
        let run = run.unwrap();
        run.assert_stopped_well();
        assert_eq!(run.stdout, "ready\npartial\n", "{}", run.dump());
        // Not stopped well: a traceback; exit 1; SIGINT ignored (timed out).
        let bad = [
            "trap 'echo Traceback >&2; exit 130' INT; echo ready; while :; do sleep 0.1; done",
            "trap 'exit 1' INT; echo ready; while :; do sleep 0.1; done",
            "trap '' INT; echo ready; sleep 30",
        ];
        for script in bad {
            let run = interrupt_when(sh(script), "ready", Duration::from_millis(500)).unwrap();
            let failed = std::panic::catch_unwind(|| run.assert_stopped_well()).is_err();
            assert!(failed, "{script}: {}", run.dump());
        }
        // Released only once every one of several lines has come, in any order.
        let run =
            interrupt_when_all(sh("echo one; echo two; exec sleep 30"), &["two", "one"], five);
        let run = run.unwrap();
        run.assert_stopped_well();
        assert_eq!(run.stdout, "one\ntwo\n");
        // No ready line: an error with its output, not a hang.
        let err = interrupt_when(sh("echo nothing"), "ready", five).unwrap_err();
        assert!(format!("{err}").contains("nothing"), "{err}");
    }

    #[test]
    fn interrupt_when_sees_a_process_left_in_the_group() {
        // A `&` job of a script inherits SIGINT ignored: it outlives the shell.
        // (It says ready itself, so the SIGINT cannot come before it ignores it.)
        let script = "{ echo $$ ready; exec sleep 30; } & exec sleep 30";
        let run = interrupt_when(sh(script), "ready", Duration::from_secs(5)).unwrap();
        assert!(run.stopped_by_sigint() && run.group_left, "{}", run.dump());
        assert!(std::panic::catch_unwind(|| run.assert_stopped_well()).is_err());
        // ... and it is killed afterwards (the shell's pid is the group's id).
        let pgid: libc::pid_t = run.stdout.split_whitespace().next().unwrap().parse().unwrap();
        let mut tries = 0;
        while group_alive(pgid) && tries < 1_000 {
            std::thread::sleep(Duration::from_millis(10));
            tries += 1;
        }
        assert!(!group_alive(pgid), "{}", run.dump());
    }

    #[test]
    fn interrupt_when_restores_sigint_in_the_child() {
        // As if the tests ran from a script's `&`: this process ignores SIGINT,
        // and a child inherits that unless interrupt_when restores it.
        // Safety: signal(2) on this test process; other tests' children are
        // killed by SIGKILL, never SIGINT, so ignoring it changes nothing else.
        unsafe { libc::signal(libc::SIGINT, libc::SIG_IGN) };
        let run = interrupt_when(sh("echo ready; exec sleep 30"), "ready", Duration::from_secs(5));
        let run = run.unwrap();
        run.assert_stopped_well();
    }

    #[test]
    fn kills_on_timeout() {
        let mut cmd = Command::new("sleep");
        cmd.arg("10");
        let out = run_with_timeout(cmd, Duration::from_millis(200)).unwrap();
        assert!(out.timed_out && !out.success());
        // A grandchild dies with the group. (Its output goes elsewhere, so
        // only the group kill, not the end of the pipe, can end it early.)
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "sleep 30 >/dev/null 2>&1 & echo $!; wait"]);
        let out = run_with_timeout(cmd, Duration::from_millis(300)).unwrap();
        assert!(out.timed_out);
        let pid = out.stdout.trim();
        // SIGKILL is delivered asynchronously: the grandchild may still be
        // tearing down for a moment, so poll (for up to 10 s) until it is gone.
        let dead = || {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
            let state = stat.rsplit(')').next().unwrap_or("").trim_start().to_string();
            stat.is_empty() || state.starts_with('Z') || state.starts_with('X')
        };
        let mut tries = 0;
        while !dead() && tries < 1_000 {
            std::thread::sleep(Duration::from_millis(10));
            tries += 1;
        }
        assert!(dead(), "grandchild {pid} outlived the killed group");
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "echo '[  0.100s main] hi'; exit 3"]);
        let out = run_with_timeout(cmd, Duration::from_secs(5)).unwrap();
        assert_eq!(out.code, Some(3));
        assert_eq!(out.events(), vec![(0.1, "main".to_string(), "hi".to_string())]);
    }
}
