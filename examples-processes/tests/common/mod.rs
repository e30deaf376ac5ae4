//! Helpers shared by the test files: each says `mod common;`. A file that
//! leaves one of them unused would warn about it, hence the allow.
#![allow(dead_code, unused_imports)]

pub use shared::run::RunOutput;
/// The assertions every crate's tests use (`ok`, `pos`, `count`, `line`, ...).
pub use shared::run::checks::*;

/// The crate's directory, where `run_twin` finds `python/<bin>.py`.
pub const DIR: &str = env!("CARGO_MANIFEST_DIR");

// --- No process outlives its run (added for the process examples) ---

use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

/// The environment variable that marks every process a test starts; their
/// children, and theirs, inherit it, so a leftover is found by its tag.
const TAG_VAR: &str = "CONCURRENCY_PAIRS_TEST_TAG";

/// Runs `cmd` with a time limit (as `shared::run::run_with_timeout`) and a
/// fresh tag in its environment, then asserts that no process carrying the
/// tag is still alive: every child the example (or twin) started was waited
/// for or killed. The check reads `/proc`, so it runs on Linux only.
pub fn run_tagged(mut cmd: Command, timeout_secs: u64) -> RunOutput {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let tag = format!("{}-{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed));
    cmd.env(TAG_VAR, &tag);
    let out = shared::run::run_with_timeout(cmd, Duration::from_secs(timeout_secs))
        .expect("the example starts");
    let left = strays(&tag);
    if !left.is_empty() {
        for pid in &left {
            // Clean up before failing, so one failure leaves nothing behind.
            let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
        }
        panic!("processes {left:?} outlived the run\n{}", out.dump());
    }
    out
}

/// Runs a bin of this crate (`env!("CARGO_BIN_EXE_<bin>")`) via [`run_tagged`].
pub fn bin(exe: &str, args: &[&str], timeout_secs: u64) -> RunOutput {
    let mut cmd = Command::new(exe);
    cmd.args(args);
    run_tagged(cmd, timeout_secs)
}

/// Runs the Python twin `python/<name>.py` (unbuffered) via [`run_tagged`].
pub fn twin(name: &str, args: &[&str], timeout_secs: u64) -> RunOutput {
    let script = std::path::Path::new(DIR).join("python").join(format!("{name}.py"));
    assert!(script.is_file(), "no Python twin at {}", script.display());
    let mut cmd = Command::new("python3");
    cmd.arg("-u").arg(&script).args(args);
    run_tagged(cmd, timeout_secs)
}

/// The live processes carrying `tag`, after giving killed ones up to 5 s to
/// go (a kill is delivered asynchronously). A zombie has no environment left
/// in `/proc`, so it does not count: its parent is gone and init reaps it.
pub fn strays(tag: &str) -> Vec<u32> {
    let mut left = tagged(tag);
    for _ in 0..500 {
        if left.is_empty() {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
        left = tagged(tag);
    }
    left
}

/// The processes whose environment holds `TAG_VAR=tag`, read from `/proc`.
#[cfg(target_os = "linux")]
fn tagged(tag: &str) -> Vec<u32> {
    let want = format!("{TAG_VAR}={tag}");
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    dir.filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            let env = std::fs::read(format!("/proc/{pid}/environ")).unwrap_or_default();
            env.split(|&b| b == 0).any(|kv| kv == want.as_bytes())
        })
        .collect()
}

/// Elsewhere there is no `/proc` to read: the check passes vacuously.
#[cfg(not(target_os = "linux"))]
fn tagged(_tag: &str) -> Vec<u32> {
    Vec::new()
}

// --- What the comparison harness reads: the answer line and the spans ---

use shared::spans::Span;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// The text after `answer: ` on the run's one answer line.
pub fn answer(out: &RunOutput) -> String {
    let answers: Vec<&str> =
        out.stdout.lines().filter_map(|l| l.strip_prefix("answer: ")).collect();
    assert_eq!(answers.len(), 1, "one answer line\n{}", out.dump());
    answers[0].to_string()
}

/// Runs `cmd` as [`run_tagged`] does, recording spans (`shared::spans::SPANS_ENV`,
/// inherited by its children) into a fresh file; returns the output and the
/// spans by row (see [`spans_by_row`]).
pub fn with_spans(mut cmd: Command, timeout_secs: u64) -> (RunOutput, BTreeMap<String, Vec<Span>>) {
    let path = spans_path("run");
    cmd.env(shared::spans::SPANS_ENV, &path);
    let out = run_tagged(cmd, timeout_secs);
    let rows = spans_by_row(&path, &out);
    (out, rows)
}

/// A bin of this crate as a `Command`, for [`with_spans`].
pub fn bin_cmd(exe: &str, args: &[&str]) -> Command {
    let mut cmd = Command::new(exe);
    cmd.args(args);
    cmd
}

/// The Python twin `python/<name>.py` as a `Command` (unbuffered), for [`with_spans`].
pub fn twin_cmd(name: &str, args: &[&str]) -> Command {
    let script = std::path::Path::new(DIR).join("python").join(format!("{name}.py"));
    let mut cmd = Command::new("python3");
    cmd.arg("-u").arg(&script).args(args);
    cmd
}

/// A fresh path for a spans file in the temp directory (not created).
pub fn spans_path(tag: &str) -> PathBuf {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    std::env::temp_dir().join(format!("spans-{}-{tag}-{n}.jsonl", std::process::id()))
}

/// The spans a run wrote to `path` (removed afterwards; none if it was never
/// written), grouped by row, each row in start order; every span has
/// 0 <= start <= end. Marks (an event line: start == end) are kept.
pub fn spans_by_row(path: &std::path::Path, out: &RunOutput) -> BTreeMap<String, Vec<Span>> {
    let spans = if path.exists() { shared::spans::read(path) } else { Ok(Vec::new()) };
    let _ = std::fs::remove_file(path);
    let spans = spans.unwrap_or_else(|e| panic!("{e:#}\n{}", out.dump()));
    let mut rows: BTreeMap<String, Vec<Span>> = BTreeMap::new();
    for s in spans {
        assert!(0.0 <= s.start && s.start <= s.end, "{s:?}\n{}", out.dump());
        rows.entry(s.name.clone()).or_default().push(s);
    }
    for row in rows.values_mut() {
        row.sort_by(|a, b| a.start.total_cmp(&b.start));
    }
    rows
}

/// The spans of one row never overlap: the row is one thread doing one
/// thing at a time (true by construction, not a timing claim).
pub fn one_at_a_time(row: &[Span], out: &RunOutput) {
    let row: Vec<&Span> = row.iter().filter(|s| s.start < s.end).collect(); // not the marks
    for pair in row.windows(2) {
        assert!(
            pair[0].end <= pair[1].start,
            "{:?} overlaps {:?}\n{}",
            pair[0],
            pair[1],
            out.dump()
        );
    }
}
