//! Helpers shared by the test files: each says `mod common;`. A file that
//! leaves one of them unused would warn about it, hence the allow.
#![allow(dead_code, unused_imports)]

pub use shared::run::RunOutput;
/// The assertions every crate's tests use (`ok`, `pos`, `count`, `line`, ...).
pub use shared::run::checks::*;

/// The crate's directory, where `run_twin` finds `python/<bin>.py`.
pub const DIR: &str = env!("CARGO_MANIFEST_DIR");

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use shared::report::Report;
use shared::spans::Span;

/// A path in the temp directory for a run's `--spans` file, removed when
/// dropped (unique per test process and call, so parallel tests never share one).
pub struct TempFile(PathBuf);

impl TempFile {
    pub fn new(tag: &str) -> TempFile {
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let name = format!("examples-async-{tag}-{}-{n}.jsonl", std::process::id());
        TempFile(std::env::temp_dir().join(name))
    }

    /// The path, as a command-line argument.
    pub fn arg(&self) -> &str {
        self.0.to_str().expect("the temp dir is UTF-8")
    }

    /// The spans the run wrote (Rust's `shared::spans::read`, for twins too),
    /// each checked to be on the program's clock: 0 <= start <= end.
    pub fn spans(&self, out: &RunOutput) -> Vec<Span> {
        let spans =
            shared::spans::read(&self.0).unwrap_or_else(|e| panic!("{e:#}\n{}", out.dump()));
        for s in &spans {
            assert!(0.0 <= s.start && s.start <= s.end, "{s:?}\n{}", out.dump());
        }
        spans
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// The spans on row `name`, in start order.
pub fn row<'a>(spans: &'a [Span], name: &str) -> Vec<&'a Span> {
    let mut row: Vec<&Span> = spans.iter().filter(|s| s.name == name).collect();
    row.sort_by(|a, b| a.start.total_cmp(&b.start));
    row
}

/// The most spans open at one instant. A span that ends exactly when another
/// starts does not overlap it (ends are counted first at a tie): a permit
/// given back and taken again at once is not two permits.
pub fn max_open(spans: &[&Span]) -> usize {
    let mut edges: Vec<(f64, i32)> = spans
        .iter()
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

/// The `--json` report: the last stdout line, parsed, with its program,
/// language, workload, cost labels (one per cost line printed, in order,
/// none negative) and answer as given.
pub fn report(
    out: &RunOutput,
    program: &str,
    lang: &str,
    workload: &str,
    costs: &[&str],
    answer: &str,
) -> Report {
    let r = Report::from_stdout(&out.stdout)
        .unwrap_or_else(|| panic!("no --json report\n{}", out.dump()));
    let last = out.stdout.lines().last().unwrap_or_default();
    assert!(
        last.starts_with('{'),
        "the report is the last line\n{}",
        out.dump()
    );
    assert_eq!(
        (r.program.as_str(), r.lang.as_str(), r.workload.as_str()),
        (program, lang, workload),
        "{}",
        out.dump()
    );
    let labels: Vec<&str> = r.costs.iter().map(|c| c.label.as_str()).collect();
    assert_eq!(labels, costs, "{}", out.dump());
    let printed = out
        .stdout
        .lines()
        .filter(|l| l.contains(", cost = "))
        .count();
    assert_eq!(printed, costs.len(), "a cost per cost line\n{}", out.dump());
    assert!(r.costs.iter().all(|c| c.seconds >= 0.0), "{}", out.dump());
    assert_eq!(r.answer.as_deref(), Some(answer), "{}", out.dump());
    r
}

/// A `--spans` path in a missing directory: the run fails before its work,
/// cleanly (no panic, no traceback), with exit code 1 and one error line
/// (`Error: ...` from a bin, `error: ...` from a twin).
pub fn refuses_spans_path(out: &RunOutput) {
    assert_clean_failure(out);
    assert_eq!(out.code, Some(1), "{}", out.dump());
    let errors = out
        .stderr
        .lines()
        .filter(|l| l.to_lowercase().starts_with("error: "))
        .count();
    assert_eq!(errors, 1, "{}", out.dump());
    assert!(out.stderr.contains("spans file"), "{}", out.dump());
    assert!(
        !out.stdout.contains(", cost = "),
        "no work was done\n{}",
        out.dump()
    );
}

/// A spans path whose directory does not exist.
pub fn missing_dir_path() -> String {
    std::env::temp_dir()
        .join(format!("examples-async-no-such-dir-{}", std::process::id()))
        .join("spans.jsonl")
        .to_string_lossy()
        .into_owned()
}
