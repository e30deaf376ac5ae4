//! Helpers shared by the test files: each says `mod common;`. A file that
//! leaves one of them unused would warn about it, hence the allow.
#![allow(dead_code, unused_imports)]

pub use shared::run::RunOutput;
/// The assertions every crate's tests use (`ok`, `pos`, `count`, `line`, ...).
pub use shared::run::checks::*;

/// The crate's directory, where `run_twin` finds `python/<bin>.py`.
pub const DIR: &str = env!("CARGO_MANIFEST_DIR");

use shared::report::Report;
use shared::spans::Span;

/// The spans on row `name`, in start order.
pub fn row<'a>(spans: &'a [Span], name: &str) -> Vec<&'a Span> {
    let mut row: Vec<&Span> = spans.iter().filter(|s| s.name == name).collect();
    row.sort_by(|a, b| a.start.total_cmp(&b.start));
    row
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
