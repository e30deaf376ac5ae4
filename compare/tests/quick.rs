//! `compare --quick` against the bins that exist: the table has a row per
//! contender, every measured figure is present and positive, and the JSON
//! and CSV files parse. No test asserts a time or a ratio.

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use compare::contenders::{self, Workloads};
use serde_json::Value;
use shared::run::{RunOutput, run_with_timeout};

const COMPARE: &str = env!("CARGO_BIN_EXE_compare");

/// A fresh directory under the system temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("compare-test-{}-{tag}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs `compare` with `args`, killed (its whole process group) after `secs`:
/// the workspace's one runner, `shared::run`.
fn compare(args: &[&str], secs: u64) -> RunOutput {
    let mut cmd = Command::new(COMPARE);
    cmd.args(args);
    let out = run_with_timeout(cmd, Duration::from_secs(secs)).expect("compare starts");
    assert!(!out.timed_out, "compare {args:?} did not finish in {secs} s");
    out
}

fn text(out: &RunOutput) -> String {
    out.dump()
}

/// Makes sure every bin of the workspace is built, beside `compare`, in this
/// test's profile, with the very features `cargo test --workspace` builds
/// them with: `cargo test --workspace --no-run`. Under `cargo test
/// --workspace` that is a no-op check of a second or two; a plain
/// `cargo build --workspace --bins` here would resolve features without the
/// dev-dependencies, rebuild half the workspace (clap, shared, the example
/// crates...) and swap the bins the other tests run.
fn build_the_bins() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.args(["test", "--workspace", "--no-run", "--quiet"]);
    if !cfg!(debug_assertions) {
        cmd.arg("--release");
    }
    let status = cmd.current_dir(env!("CARGO_MANIFEST_DIR")).status().unwrap();
    assert!(status.success(), "cargo test --workspace --no-run: {status}");
}

fn positive(side: &Value, field: &str, what: &str) {
    let median = side[field]["median"].as_f64();
    assert!(median.is_some_and(|m| m > 0.0), "{what}: {field} is {:?}", side[field]);
}

#[test]
fn quick_has_a_row_per_contender_with_every_figure() {
    build_the_bins();
    let dir = TempDir::new("quick");
    let out = compare(&["--quick", "--out", dir.0.to_str().unwrap()], 300);
    let all = text(&out);
    assert!(out.success(), "{all}");
    let stdout = &out.stdout;

    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.0.join("compare.json")).unwrap())
            .unwrap();
    let rows = json["rows"].as_array().unwrap();
    let expected = contenders::all(&Workloads::QUICK, "http://127.0.0.1:1", 2);
    assert_eq!(rows.len(), expected.len(), "{all}");
    for (row, c) in rows.iter().zip(&expected) {
        let what = format!("{} / {}", c.job, c.granularity);
        assert_eq!(row["job"], c.job, "{what}");
        assert_eq!(row["granularity"], c.granularity, "{what}");
        // the table shows the row
        assert!(
            stdout.lines().any(|l| l.contains(c.job) && l.contains(c.granularity)),
            "{what}: no table row\n{all}"
        );
        for (lang, exists) in [("rust", c.rust.is_some()), ("python", c.python.is_some())] {
            let side = &row[lang];
            if !exists {
                assert!(side.is_null(), "{what}: {lang} {side}");
                continue;
            }
            // every contender of this workspace is built and written
            assert_eq!(side["status"], "measured", "{what}: {lang} {side}\n{all}");
            assert_eq!(side["runs"].as_array().unwrap().len(), 1, "{what}");
            positive(side, "wall_secs", &what);
            if compare::measure::SUPPORTED {
                positive(side, "cpu_secs", &what);
                positive(side, "utilisation", &what);
                positive(side, "peak_rss_mib", &what);
            }
            assert!(side["answer"].is_string(), "{what}: {side}");
            // read from the cost lines it printed for a person
            let costs = side["runs"][0]["costs"].as_array().unwrap();
            assert!(!costs.is_empty(), "{what}: {lang} printed no cost line: {side}");
        }
        if c.rust.is_some() && c.python.is_some() {
            assert!(row["wall_ratio"]["median"].as_f64().is_some_and(|r| r > 0.0), "{what}");
            if compare::measure::SUPPORTED {
                let m = row["memory_ratio"]["median"].as_f64();
                assert!(m.is_some_and(|r| r > 0.0), "{what}");
            }
        }
    }
    // every contender of a job computed the same thing
    for job in contenders::JOBS {
        let mut answers: Vec<&str> = rows
            .iter()
            .filter(|r| r["job"] == job)
            .flat_map(|r| [&r["rust"], &r["python"]])
            .filter_map(|s| s["answer"].as_str())
            .collect();
        answers.dedup();
        assert_eq!(answers.len(), 1, "{job}: {answers:?}");
    }

    // the CSV files parse, one line per side and one per run
    let sides =
        expected.iter().map(|c| c.rust.iter().count() + c.python.iter().count()).sum::<usize>();
    for (file, lines) in [("compare.csv", sides), ("runs.csv", sides)] {
        let mut r = csv::Reader::from_path(dir.0.join(file)).unwrap();
        assert_eq!(r.records().map(Result::unwrap).count(), lines, "{file}");
    }
    for job in contenders::JOBS {
        let svg = std::fs::read_to_string(dir.0.join(format!("chart-{job}.svg"))).unwrap();
        assert!(svg.contains("<svg") && svg.contains("single thread"), "{job}");
    }
    assert!(std::fs::read_to_string(dir.0.join("compare.md")).unwrap().contains("| job"));
}

#[test]
fn contenders_not_built_are_listed_as_missing() {
    let dir = TempDir::new("missing");
    let empty = TempDir::new("empty-bin-dir");
    let args = ["--quick", "--job", "primes", "--bin-dir", empty.0.to_str().unwrap()];
    let out = compare(&[&args[..], &["--out", dir.0.to_str().unwrap()]].concat(), 120);
    let all = text(&out);
    // missing is not failed: it says so and exits 0
    assert!(out.success(), "{all}");
    let stdout = &out.stdout;
    assert!(stdout.contains("primes / single thread, rust missing: "), "{all}");
    assert!(stdout.contains("is not built (cargo build --release -p examples-threads"), "{all}");
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.0.join("compare.json")).unwrap())
            .unwrap();
    let rows = json["rows"].as_array().unwrap();
    assert!(rows.iter().all(|r| r["job"] == "primes"), "{json}");
    assert!(rows.iter().any(|r| r["rust"]["status"] == "missing"), "{json}");
    assert!(rows.iter().any(|r| r["python"]["status"] == "measured"), "{json}");
}

#[test]
fn bad_input_is_one_message_and_a_non_zero_exit() {
    let out = compare(&["--runs", "0"], 30);
    assert_eq!(out.code, Some(2), "{}", text(&out));
    let dir = TempDir::new("bad");
    let svg = dir.0.join("t.svg");
    let missing = dir.0.join("no-such-spans.jsonl");
    let args = ["timeline", missing.to_str().unwrap(), "-o", svg.to_str().unwrap()];
    let out = compare(&args, 30);
    let stderr = &out.stderr;
    assert_eq!(out.code, Some(1), "{}", text(&out));
    assert!(stderr.contains("cannot read the spans file"), "{}", text(&out));
    assert!(!stderr.contains("panicked") && !stderr.contains("stack backtrace"), "{stderr}");
}
