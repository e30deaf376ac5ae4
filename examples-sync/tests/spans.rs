//! `gil --spans FILE` and its twin: who ran when. The Rust bin's holds of
//! the simulated GIL are recorded after the lock is taken and ended before
//! it is handed over, so the holds of different threads never overlap: that
//! is checked, as are the rows, the labels, the number of holds (one per
//! hand-over, plus each thread's last) and the order of the three runs,
//! none of which a scheduler can change. The twin's spans (when a CPython
//! thread surely ran) are checked for their shape only. No time is asserted,
//! and no test asserts that spans overlap.

use std::collections::BTreeMap;
use std::path::PathBuf;

mod common;

use common::*;
use shared::run::{run_bin, run_twin};
use shared::spans::Span;

const GIL: &str = env!("CARGO_BIN_EXE_gil");

fn temp(tag: &str) -> PathBuf {
    std::env::temp_dir().join(format!(
        "sync-spans-test-{}-{tag}.jsonl",
        std::process::id()
    ))
}

/// The spans written to `path` (then removed), each `0 <= start <= end`, by row.
fn read(path: &PathBuf, out: &RunOutput) -> BTreeMap<String, Vec<Span>> {
    let spans = shared::spans::read(path).unwrap_or_else(|e| panic!("{e:#}\n{}", out.dump()));
    let _ = std::fs::remove_file(path);
    let mut rows: BTreeMap<String, Vec<Span>> = BTreeMap::new();
    for s in spans {
        assert!(0.0 <= s.start && s.start <= s.end, "{s:?}\n{}", out.dump());
        rows.entry(s.name.clone()).or_default().push(s);
    }
    rows
}

/// No two of `spans` overlap in time (sorted by start, each starts after
/// the one before ends).
fn never_overlap(spans: &mut [Span], what: &str, out: &RunOutput) {
    spans.sort_by(|a, b| a.start.total_cmp(&b.start));
    for w in spans.windows(2) {
        assert!(
            w[0].end <= w[1].start,
            "{what}: {:?} overlaps {:?}\n{}",
            w[0],
            w[1],
            out.dump()
        );
    }
}

#[test]
fn gil_holds_never_overlap() {
    let path = temp("rs");
    let spans = path.display().to_string();
    let args = [
        "--numbers",
        "3000",
        "--switch-interval",
        "0.001",
        "--spans",
        &spans,
    ];
    let out = run_bin(GIL, &args, 60);
    ok(&out);
    let rows = read(&path, &out);
    let names: Vec<&str> = rows.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        ["free-1", "free-2", "gil-1", "gil-2", "main"],
        "{}",
        out.dump()
    );
    for (row, spans) in &rows {
        let want = if row.starts_with("gil-") {
            "holds the GIL"
        } else {
            "runs, no GIL"
        };
        assert!(spans.iter().all(|s| s.what == want), "{row}: {spans:?}");
        never_overlap(&mut spans.clone(), row, &out); // one thread, one thing at a time
    }
    // The lesson: whichever thread holds the GIL, no other holds it too.
    let mut holds: Vec<Span> = rows["gil-1"]
        .iter()
        .chain(&rows["gil-2"])
        .cloned()
        .collect();
    never_overlap(&mut holds, "the GIL's holds", &out);
    // A hold ends at each hand-over, and at each thread's end.
    let hands = line(&out, "the GIL changed hands ");
    let n: usize = hands["the GIL changed hands ".len()..]
        .split(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no count in {hands:?}"));
    assert_eq!(holds.len(), n + 2, "{}", out.dump());
    // The three runs one after another: main alone, then gil-N, then free-N.
    let last_end = |names: &[&str]| {
        names
            .iter()
            .flat_map(|r| &rows[*r])
            .map(|s| s.end)
            .fold(0.0, f64::max)
    };
    let first_start = |names: &[&str]| {
        names
            .iter()
            .flat_map(|r| &rows[*r])
            .map(|s| s.start)
            .fold(f64::INFINITY, f64::min)
    };
    assert!(
        last_end(&["main"]) <= first_start(&["gil-1", "gil-2"]),
        "{}",
        out.dump()
    );
    assert!(
        last_end(&["gil-1", "gil-2"]) <= first_start(&["free-1", "free-2"]),
        "{}",
        out.dump()
    );
}

#[test]
fn gil_twin_spans_have_their_shape() {
    let path = temp("py");
    let spans = path.display().to_string();
    let out = run_twin(DIR, "gil", &["--numbers", "200", "--spans", &spans], 60);
    ok(&out);
    let rows = read(&path, &out);
    for row in ["main", "gil-1", "gil-2"] {
        let spans = rows
            .get(row)
            .unwrap_or_else(|| panic!("no {row} row\n{}", out.dump()));
        assert!(
            spans.iter().all(|s| s.what == "holds the GIL"),
            "{row}: {spans:?}"
        );
    }
    // main, gil-1, gil-2 and a row per worker process that ran a share.
    let processes: Vec<&String> = rows.keys().filter(|r| r.starts_with("process ")).collect();
    assert_eq!(
        rows.len(),
        3 + processes.len(),
        "{:?}
{}",
        rows.keys(),
        out.dump()
    );
    assert!(
        (1..=2).contains(&processes.len()),
        "{:?}\n{}",
        rows.keys(),
        out.dump()
    );
    for row in processes {
        assert!(row["process ".len()..].parse::<u32>().is_ok(), "{row}");
        assert!(
            rows[row].iter().all(|s| s.what == "holds its own GIL"),
            "{row}"
        );
    }
    for (row, spans) in &rows {
        assert!(!spans.is_empty(), "{row}");
        never_overlap(&mut spans.clone(), row, &out); // a thread's merged runs, in turn
    }
}

#[test]
fn gil_spans_file_that_cannot_be_created_is_one_error_line() {
    let path = missing_spans_path();
    let args = ["--numbers", "10", "--spans", path.as_str()];
    for out in [run_bin(GIL, &args, 30), run_twin(DIR, "gil", &args, 30)] {
        // before the work: one error line, no cost line
        bad_spans_path_fails(&out);
    }
    assert!(!std::path::Path::new(&path).parent().unwrap().exists());
}
