//! Running an example as a child process with a time limit: what the tests
//! (and the comparison harness) use to run every bin and every Python twin,
//! so that a deadlocked example fails its test instead of hanging it.
//!
//! Test-only: this module is compiled only with the `testkit` feature, which
//! the example crates turn on in their `[dev-dependencies]`, so no example
//! bin links it.
//!
//! Portability: on Unix the child gets a process group of its own and a
//! timeout kills the whole group; elsewhere (Windows) only the child itself is
//! killed (`Child::kill`), so a grandchild may outlive it.

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

    /// Everything the child printed, for assertion messages.
    pub fn dump(&self) -> String {
        format!(
            "exit code {:?}{}\n--- stdout ---\n{}--- stderr ---\n{}",
            self.code,
            if self.timed_out {
                " (killed: timed out)"
            } else {
                ""
            },
            self.stdout,
            self.stderr
        )
    }
}

/// Runs `cmd` to completion with stdout and stderr captured and stdin closed,
/// killing it if it has not exited after `timeout`. The child runs in a
/// process group of its own, and a timeout kills the whole group, so
/// grandchildren (a Python twin's `multiprocessing` workers, say) cannot
/// outlive it and hold its output pipes open.
///
/// # Errors
/// Only if the program cannot be started (not found, not executable).
pub fn run_with_timeout(mut cmd: Command, timeout: Duration) -> Result<RunOutput> {
    let start = Instant::now();
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        cmd.process_group(0);
    }
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot start {:?}", cmd.get_program()))?;
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
    let out = drain(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let err = drain(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let mut timed_out = false;
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if start.elapsed() >= timeout {
            timed_out = true;
            #[cfg(unix)]
            {
                let pgid = child.id() as libc::pid_t;
                // Safety: kill(2) with a negative pid signals that process group,
                // the one `process_group(0)` made for this child; no memory is touched.
                unsafe { libc::kill(-pgid, libc::SIGKILL) };
            }
            let _ = child.kill();
            break child.wait()?;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let wall_secs = start.elapsed().as_secs_f64();
    Ok(RunOutput {
        code: status.code(),
        timed_out,
        // Killing the group on timeout closed every writer of the pipes.
        stdout: out.join().unwrap_or_default(),
        stderr: err.join().unwrap_or_default(),
        wall_secs,
    })
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
    let script = Path::new(crate_dir)
        .join("python")
        .join(format!("{name}.py"));
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
        assert!(
            !out.success() && !out.timed_out && out.code.is_some(),
            "{}",
            out.dump()
        );
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
        out.events()
            .iter()
            .filter(|(_, w, m)| w == who && m.starts_with(prefix))
            .count()
    }

    /// The stdout line that starts with `prefix` (not an event line).
    pub fn line<'a>(out: &'a RunOutput, prefix: &str) -> &'a str {
        out.stdout
            .lines()
            .find(|l| l.starts_with(prefix))
            .unwrap_or_else(|| panic!("no line starting {prefix:?}\n{}", out.dump()))
    }

    /// `<label>, cost = 1.234 seconds` is printed: the one timing line shape.
    pub fn has_cost(out: &RunOutput, label: &str) {
        let l = line(out, &format!("{label}, cost = "));
        assert!(l.ends_with(" seconds"), "{}", out.dump());
    }

    /// A path in the temp directory for a run's `--spans` file, removed
    /// when dropped (unique per test process and call, so parallel tests
    /// never share one).
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
        let mut edges: Vec<(f64, i32)> = spans
            .iter()
            .map(|s| s.borrow())
            .flat_map(|s| [(s.start, 1), (s.end, -1)])
            .collect();
        edges.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let (mut open, mut max) = (0i32, 0i32);
        for (_, step) in edges {
            open += step;
            max = max.max(open);
        }
        max as usize
    }

    /// A `--spans` path in a directory that does not exist.
    pub fn missing_spans_path() -> String {
        std::env::temp_dir()
            .join(format!("no-such-dir-{}", std::process::id()))
            .join("spans.jsonl")
            .display()
            .to_string()
    }

    /// A `--spans` path that cannot be created is refused before the work:
    /// exit 1, one error line (`cannot create the spans file ...`), no panic
    /// or traceback, and no cost line (nothing was done).
    pub fn bad_spans_path_fails(out: &RunOutput) {
        assert_clean_failure(out);
        assert_eq!(out.code, Some(1), "{}", out.dump());
        let errors: Vec<&str> = out
            .stderr
            .lines()
            .filter(|l| l.to_lowercase().starts_with("error"))
            .collect();
        assert_eq!(errors.len(), 1, "{}", out.dump());
        assert!(
            errors[0].contains("cannot create the spans file"),
            "{}",
            out.dump()
        );
        assert!(
            !out.stdout.contains(", cost = "),
            "no work was done\n{}",
            out.dump()
        );
    }

    /// The event lines as (who, message), without the timestamps.
    pub fn said(out: &RunOutput) -> Vec<(String, String)> {
        out.events()
            .into_iter()
            .map(|(_, who, msg)| (who, msg))
            .collect()
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

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
            let state = stat
                .rsplit(')')
                .next()
                .unwrap_or("")
                .trim_start()
                .to_string();
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
        assert_eq!(
            out.events(),
            vec![(0.1, "main".to_string(), "hi".to_string())]
        );
    }
}
