//! `compare --quick` against the bins that exist: the table has a row per
//! contender, every measured figure is present and positive, and the JSON
//! and CSV files parse. No test asserts a time or a ratio.

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use compare::contenders::{self, Workloads};
use compare::python::{self, Python};
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

/// The Pythons the quick test runs the twins on: `python3` and, where it is
/// another interpreter, the system's `/usr/bin/python3` (here: pyenv's 3.11.7
/// and Debian's 3.11.2), as `--python` flags and as compare sees them.
fn pythons() -> (Vec<String>, Vec<Python>) {
    let mut given = vec!["python3".to_string()];
    let mut seen = vec![python::probe("python3").expect("python3 runs")];
    if let Ok(system) = python::probe("/usr/bin/python3")
        && system.exe != seen[0].exe
    {
        given.push("/usr/bin/python3".to_string());
        seen.push(system);
    }
    let flags = given.into_iter().flat_map(|g| ["--python".to_string(), g]).collect();
    (flags, seen)
}

#[test]
fn quick_has_a_row_per_contender_with_every_figure() {
    build_the_bins();
    let dir = TempDir::new("quick");
    let (flags, pythons) = pythons();
    // a run that hangs is FAILED after 60 s (and named), not the whole test after 300 s
    let mut args = vec!["--quick", "--timeout", "60", "--out", dir.0.to_str().unwrap()];
    args.extend(flags.iter().map(String::as_str));
    let out = compare(&args, 300);
    let all = text(&out);
    assert!(out.success(), "{all}");
    let stdout = &out.stdout;

    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.0.join("compare.json")).unwrap())
            .unwrap();
    let rows = json["rows"].as_array().unwrap();
    let expected = contenders::all(&Workloads::QUICK, "http://127.0.0.1:1", 2);
    // one set of rows per Python, each headed by its label in the table
    assert_eq!(rows.len(), expected.len() * pythons.len(), "{all}");
    assert_eq!(json["pythons"].as_array().unwrap().len(), pythons.len(), "{all}");
    for p in &pythons {
        assert!(
            stdout.contains(&format!("{}: {}", p.label, p.exe)),
            "{}: no table\n{all}",
            p.label
        );
    }
    for (i, row) in rows.iter().enumerate() {
        let (c, py) = (&expected[i % expected.len()], &pythons[i / expected.len()]);
        let what = format!("{} / {} / {}", c.job, c.granularity, py.label);
        assert_eq!(row["job"], c.job, "{what}");
        assert_eq!(row["granularity"], c.granularity, "{what}");
        assert_eq!(row["python_label"], py.label.as_str(), "{what}");
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
            // an interpreter pool needs Python 3.14: before it, "not run" and why
            if lang == "python" && c.interpreter_pool && !py.interpreter_pool {
                assert_eq!(side["status"], "not_run", "{what}: {side}");
                assert!(side["error"].as_str().unwrap().starts_with("needs Python 3.14"), "{side}");
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
        if row["rust"]["status"] == "measured" && row["python"]["status"] == "measured" {
            assert!(row["wall_ratio"]["median"].as_f64().is_some_and(|r| r > 0.0), "{what}");
            if compare::measure::SUPPORTED {
                let m = row["memory_ratio"]["median"].as_f64();
                assert!(m.is_some_and(|r| r > 0.0), "{what}");
            }
        }
    }
    // every contender of a job computed the same thing, under every Python
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

    // the CSV files parse, one line per side of each set (a Rust side is in
    // every set) and one per run of a measured side
    let sides =
        expected.iter().map(|c| c.rust.iter().count() + c.python.iter().count()).sum::<usize>();
    let not_run =
        |p: &Python| expected.iter().filter(|c| c.interpreter_pool && !p.interpreter_pool).count();
    let runs: usize = pythons.iter().map(|p| sides - not_run(p)).sum();
    for (file, lines) in [("compare.csv", sides * pythons.len()), ("runs.csv", runs)] {
        let mut r = csv::Reader::from_path(dir.0.join(file)).unwrap();
        assert_eq!(r.records().map(Result::unwrap).count(), lines, "{file}");
    }
    for job in contenders::JOBS {
        let svg = std::fs::read_to_string(dir.0.join(format!("chart-{job}.svg"))).unwrap();
        assert!(svg.contains("<svg") && svg.contains("single thread"), "{job}");
        for p in pythons.iter().filter(|_| pythons.len() > 1) {
            assert!(svg.contains(&format!("single thread - {}", p.label)), "{job}: {}", p.label);
        }
    }
    let md = std::fs::read_to_string(dir.0.join("compare.md")).unwrap();
    assert_eq!(md.matches("| job").count(), pythons.len(), "{md}");
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
    // a bad number names its flag, a negative one too (not "unexpected argument '-1'")
    for bad in ["0", "-1"] {
        let out = compare(&["--runs", bad], 30);
        assert_eq!(out.code, Some(2), "{}", text(&out));
        let said = format!("invalid value '{bad}' for '--runs <RUNS>'");
        assert!(out.stderr.contains(&said), "{}", text(&out));
    }
    // a --python that is not one: one line naming the flag, exit 1
    let out = compare(&["--job", "primes", "--python", "/bin/false"], 30);
    assert_eq!(out.code, Some(1), "{}", text(&out));
    assert!(out.stderr.contains("--python /bin/false: not a Python 3"), "{}", text(&out));
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

/// Ctrl-C mid-run, as a terminal sends it (SIGINT to compare's process
/// group): the run compare measures sits in a group of its own, which the
/// SIGINT does not reach, so compare must end it, then exit 130, writing
/// nothing. The measured run here is a stand-in for `cpu_bound` that says on
/// compare's own stdout (through /proc, as compare pipes what a run prints)
/// that it runs, and its pid, then sleeps for a minute.
#[cfg(target_os = "linux")]
#[test]
fn ctrl_c_ends_the_measured_run_and_exits_130() {
    use std::os::unix::fs::PermissionsExt;

    let bins = TempDir::new("ctrl-c-bins");
    let fake = bins.0.join("cpu_bound");
    let script =
        "#!/bin/sh\necho \"measured run $$ is running\" > /proc/$PPID/fd/1\nexec sleep 60\n";
    std::fs::write(&fake, script).unwrap();
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    let out = TempDir::new("ctrl-c-out");
    let mut cmd = Command::new(COMPARE);
    cmd.args(["--quick", "--job", "primes", "--bin-dir", bins.0.to_str().unwrap()]);
    cmd.args(["--out", out.0.to_str().unwrap()]);
    let run = shared::run::interrupt_when(cmd, "measured run ", Duration::from_secs(5)).unwrap();
    run.assert_stopped_well();
    assert_eq!(run.status.code(), Some(130), "{}", run.dump());
    assert!(run.stderr.contains("compare: interrupted (Ctrl-C)"), "{}", run.dump());
    eprintln!("compare stopped {:?} after the Ctrl-C", run.stopped_after);
    // the measured run's own group is gone too (zombies aside: nobody may reap them here)
    let pid = run.stdout.split("measured run ").nth(1).and_then(|r| r.split(' ').next());
    let pid: u32 = pid.and_then(|p| p.parse().ok()).expect("the run's pid");
    std::thread::sleep(Duration::from_millis(300));
    let alive: Vec<String> = std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter_map(|e| std::fs::read_to_string(e.path().join("stat")).ok())
        .filter(|stat| {
            // after the `(comm)`: state, ppid, pgrp
            let rest: Vec<&str> =
                stat.rsplit(')').next().unwrap_or("").split_whitespace().collect();
            rest.len() > 2 && rest[2] == pid.to_string() && rest[0] != "Z"
        })
        .collect();
    assert!(
        alive.is_empty(),
        "the measured run's group outlived compare: {alive:?}\n{}",
        run.dump()
    );
    // nothing written: a run cut short measures nothing
    assert!(!out.0.join("compare.json").exists(), "{}", run.dump());
}
