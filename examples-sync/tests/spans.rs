//! Who ran when, as `shared` records it by itself when `CONCURRENCY_PAIRS_SPANS`
//! names a file (compare and these tests set it; the bins take no flag). The
//! `gil` bin's holds of the simulated GIL (recorded by `examples_sync::Gil`)
//! begin after the lock is taken and end before it is handed over, so the
//! holds of different threads never overlap: that is checked, as are the
//! rows, the number of holds (one per hand-over, plus each thread's last) and
//! the order of the runs, none of which a scheduler can change. The twin's
//! spans (recorded by `blog_spider`) are checked for their shape. No time is
//! asserted.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

mod common;

use common::*;
use shared::run::run_with_timeout;
use shared::spans::{SPANS_ENV, Span};

/// Runs `cmd` with the spans file `path` in its environment; the spans by row.
fn run_recording(mut cmd: Command, path: &TempSpans) -> (RunOutput, BTreeMap<String, Vec<Span>>) {
    cmd.env(SPANS_ENV, &path.0);
    let out = run_with_timeout(cmd, Duration::from_secs(60)).expect("the example starts");
    ok(&out);
    let mut rows: BTreeMap<String, Vec<Span>> = BTreeMap::new();
    for s in path.spans(&out) {
        rows.entry(s.name.clone()).or_default().push(s);
    }
    (out, rows)
}

/// No two of `spans` overlap in time (sorted by start, each starts after the one before ends).
fn never_overlap(spans: &mut [&Span], what: &str, out: &RunOutput) {
    spans.sort_by(|a, b| a.start.total_cmp(&b.start));
    for w in spans.windows(2) {
        assert!(w[0].end <= w[1].start, "{what}: {:?} overlaps {:?}\n{}", w[0], w[1], out.dump());
    }
}

fn holds<'a>(rows: &'a BTreeMap<String, Vec<Span>>, row: &str) -> Vec<&'a Span> {
    let spans = rows.get(row).map_or(&[][..], Vec::as_slice);
    spans.iter().filter(|s| s.what == "holds the GIL").collect()
}

#[test]
fn gil_holds_never_overlap() {
    let path = TempSpans::new("gil-rs");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_gil"));
    cmd.args(["--numbers", "3000", "--switch-interval", "0.001"]);
    let (out, rows) = run_recording(cmd, &path);
    // Only the gil-N threads hold the GIL, one hold at a time on each row.
    for (row, spans) in &rows {
        let held: Vec<&Span> = spans.iter().filter(|s| s.what == "holds the GIL").collect();
        assert_eq!(!held.is_empty(), row.starts_with("gil-"), "{row}: {spans:?}");
    }
    // The lesson: whichever thread holds the GIL, no other holds it too.
    let mut all: Vec<&Span> =
        holds(&rows, "gil-1").into_iter().chain(holds(&rows, "gil-2")).collect();
    never_overlap(&mut all, "the GIL's holds", &out);
    // A hold ends at each hand-over, and at each thread's end.
    let hands = line(&out, "the GIL changed hands ");
    let n: usize =
        hands["the GIL changed hands ".len()..].split(' ').next().unwrap().parse().unwrap();
    assert_eq!(all.len(), n + 2, "{}", out.dump());
    // The runs one after another: the single thread's cost span ends before any hold begins.
    let single = rows["main"].iter().find(|s| s.what == "1 thread").expect("a `1 thread` span");
    assert!(all.iter().all(|h| single.end <= h.start), "{}", out.dump());
}

#[test]
fn gil_twin_records_its_runs() {
    let path = TempSpans::new("gil-py");
    let mut cmd = Command::new("python3");
    cmd.arg("-u").arg(Path::new(DIR).join("python/gil.py")).args(["--numbers", "40"]);
    let (out, rows) = run_recording(cmd, &path);
    let main: Vec<&str> = rows["main"].iter().map(|s| s.what.as_str()).collect();
    for label in ["1 thread", "2 threads with GIL", "2 processes without a shared GIL"] {
        assert!(main.contains(&label), "{label}: {main:?}\n{}", out.dump());
    }
}

#[test]
fn spans_file_that_cannot_be_created_is_one_error_line() {
    let bad = missing_spans_path();
    let mut bin = Command::new(env!("CARGO_BIN_EXE_gil"));
    bin.args(["--numbers", "10"]);
    let mut twin = Command::new("python3");
    twin.arg("-u").arg(Path::new(DIR).join("python/gil.py")).args(["--numbers", "10"]);
    for mut cmd in [bin, twin] {
        cmd.env(SPANS_ENV, &bad);
        let out = run_with_timeout(cmd, Duration::from_secs(30)).expect("the example starts");
        bad_spans_path_fails(&out); // before the work: one error line, no cost line
    }
}
