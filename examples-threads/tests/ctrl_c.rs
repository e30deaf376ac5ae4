//! Ctrl-C (issue 17): every long-running bin of this crate and its twin is
//! interrupted mid-run as a terminal does it, SIGINT to its whole process
//! group once it has printed a line that says it is at work
//! (`shared::run::interrupt_when`), and must stop well: exit code 130 or
//! killed by SIGINT, no traceback or panic, no process of its group left.
//! The crawlers also give the account of every URL (done, failed, not
//! started), and `crawler_pipeline` never leaves a partial file where its
//! results go. How fast they stop is measured by /work/plan/ctrlc_sweep.sh,
//! not asserted here. Unix only: Windows has no process groups (a console's
//! Ctrl-C reaches every process attached to it).
#![cfg(unix)]

use std::path::{Path, PathBuf};

use shared::run::{Interrupted, interrupt_bin, interrupt_twin, run_bin, run_twin};
use shared::site::{Site, SiteConfig};

const DIR: &str = env!("CARGO_MANIFEST_DIR");
const PAGES: &str = "300"; // 100 ms a page: far more than a Ctrl-C lets finish

/// A site of 300 pages, 100 ms a request, for the twins (the bins start their own).
fn site() -> Site {
    Site::start(SiteConfig { pages: 300, ..SiteConfig::default() }).expect("the blog site starts")
}

/// The bin `name` and its twin, interrupted after `ready`; each must stop well.
fn both(name: &str, exe: &str, args: &[&str], ready: &str) -> [Interrupted; 2] {
    let runs = [interrupt_bin(exe, args, ready), interrupt_twin(DIR, name, args, ready)];
    for run in &runs {
        run.assert_stopped_well();
        eprintln!("{name}: stopped {:?} after the SIGINT", run.stopped_after);
    }
    runs
}

/// The crawl's partial account: `stopped by Ctrl-C: 300 pages: a ok, b
/// retried, c failed, d not fetched`, the four adding up to every page, some
/// not fetched, and a `not fetched: pages ...` line; no `answer:` line.
fn stopped_account(run: &Interrupted) {
    let line = run.stdout.lines().find(|l| l.starts_with("stopped by Ctrl-C: "));
    let line = line.unwrap_or_else(|| panic!("no partial account\n{}", run.dump()));
    let n: Vec<usize> =
        line.split(|c: char| !c.is_ascii_digit()).filter_map(|w| w.parse().ok()).collect();
    assert_eq!(n.len(), 5, "{line}");
    assert_eq!(n[0], 300, "{line}");
    assert_eq!(n[1] + n[2] + n[3] + n[4], 300, "{line}");
    assert!(n[4] > 0, "{line}\n{}", run.dump());
    assert!(run.stdout.contains("\nnot fetched: pages "), "{}", run.dump());
    assert!(!run.stdout.contains("answer:"), "{}", run.dump());
}

#[test]
fn crawler_and_twin_give_the_account_of_every_url() {
    let site = site();
    let exe = env!("CARGO_BIN_EXE_crawler");
    for run in both("crawler", exe, &["--pages", PAGES, "--site", site.url()], "page 2:") {
        stopped_account(&run);
    }
}

#[test]
fn thread_pool_and_twin_give_the_account_of_every_url() {
    let site = site();
    let exe = env!("CARGO_BIN_EXE_thread_pool");
    for run in both("thread_pool", exe, &["--pages", PAGES, "--site", site.url()], "craw ") {
        stopped_account(&run);
    }
}

/// A fresh directory for one test's results files.
fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ctrl-c-test-{}-{tag}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temp dir");
    dir
}

/// The names in `dir`, sorted (a `.part` file left behind would show here).
fn names(dir: &Path) -> Vec<String> {
    let entries = std::fs::read_dir(dir).expect("the temp dir").flatten();
    let mut names: Vec<String> = entries.map(|e| e.file_name().to_string_lossy().into()).collect();
    names.sort();
    names
}

#[test]
fn crawler_pipeline_and_twin_leave_no_partial_file() {
    let site = site();
    let exe = env!("CARGO_BIN_EXE_crawler_pipeline");
    let dir = temp_dir("pipeline");
    let (out, none) = (dir.join("posts.txt"), dir.join("none.txt"));
    let (out_arg, none_arg) = (out.to_str().unwrap(), none.to_str().unwrap());
    std::fs::write(&out, "the last complete file\n").unwrap();
    for run in [
        interrupt_bin(exe, &["--pages", PAGES, "--out", out_arg], "parse page"),
        interrupt_twin(
            DIR,
            "crawler_pipeline",
            &["--site", site.url(), "--pages", PAGES, "--out", out_arg],
            "parse page",
        ),
        interrupt_bin(exe, &["--pages", PAGES, "--out", none_arg], "parse page"),
        interrupt_twin(
            DIR,
            "crawler_pipeline",
            &["--site", site.url(), "--pages", PAGES, "--out", none_arg],
            "parse page",
        ),
    ] {
        run.assert_stopped_well();
        stopped_account(&run);
        // The previous complete file survives; none appears where there was none.
        let kept = std::fs::read_to_string(&out).unwrap_or_default();
        assert_eq!(kept, "the last complete file\n", "{}", run.dump());
        assert_eq!(names(&dir), ["posts.txt"], "{}", run.dump());
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn two_crawler_pipelines_at_once_both_succeed() {
    let site = site();
    let exe = env!("CARGO_BIN_EXE_crawler_pipeline");
    let dir = temp_dir("two");
    let out = dir.join("posts.txt");
    let out_arg = out.to_str().unwrap();
    // Different page counts: were one to read the other's file, its check would fail.
    let runs = std::thread::scope(|s| {
        let a = ["--site", site.url(), "--pages", "20", "--out", out_arg];
        let b = ["--site", site.url(), "--pages", "30", "--out", out_arg];
        let runs = [
            s.spawn(move || run_bin(exe, &a, 120)),
            s.spawn(move || run_bin(exe, &b, 120)),
            s.spawn(move || run_twin(DIR, "crawler_pipeline", &a, 120)),
            s.spawn(move || run_twin(DIR, "crawler_pipeline", &b, 120)),
        ];
        runs.map(|r| r.join().unwrap())
    });
    for run in &runs {
        assert!(run.success(), "{}", run.dump());
    }
    // What is there is one whole run's file, and no part file is left.
    let lines = std::fs::read_to_string(&out).unwrap().lines().count();
    let whole: Vec<usize> = runs.iter().map(|r| results_lines(&r.stdout)).collect();
    assert!(whole.contains(&lines), "{lines} lines, runs wrote {whole:?}");
    assert_eq!(names(&dir), ["posts.txt"]);
    let _ = std::fs::remove_dir_all(&dir);
}

/// N in `results: PATH (N lines)`.
fn results_lines(stdout: &str) -> usize {
    let line = stdout.lines().find(|l| l.starts_with("results: ")).expect("a results line");
    let n = line.rsplit('(').next().and_then(|t| t.split(' ').next());
    n.and_then(|n| n.parse().ok()).expect("N lines")
}

#[test]
fn stop_pause_and_twin_stop() {
    let exe = env!("CARGO_BIN_EXE_stop_pause");
    both("stop_pause", exe, &["--run-secs", "60"], "work step 3");
}

#[test]
fn producer_consumer_and_twin_stop() {
    let exe = env!("CARGO_BIN_EXE_producer_consumer");
    let args = ["--items", "100000", "--consume-secs", "0.05"];
    both("producer_consumer", exe, &args, "got 5");
}

#[test]
fn spinner_thread_and_twin_stop() {
    let exe = env!("CARGO_BIN_EXE_spinner_thread");
    both("spinner_thread", exe, &["--slow-secs", "60"], "slow job started");
}

#[test]
fn pool_vs_spawn_and_twin_stop() {
    let exe = env!("CARGO_BIN_EXE_pool_vs_spawn");
    both("pool_vs_spawn", exe, &["--tasks", "10000000"], "tasks, at most");
}

#[test]
fn cpu_bound_stops() {
    // (cpu_bound.py is H-compare's; the sweep measures it.)
    let run = interrupt_bin(env!("CARGO_BIN_EXE_cpu_bound"), &[], "checking");
    run.assert_stopped_well();
}

#[test]
fn the_other_long_runs_and_twins_stop() {
    // (bin, exe, flags that make it run long, a line both print once at work)
    let runs: [(&str, &str, &[&str], &str); 6] = [
        (
            "join_timeout",
            env!("CARGO_BIN_EXE_join_timeout"),
            &["--work-secs", "60", "--timeout", "0.1"],
            "timed out",
        ),
        (
            "daemon",
            env!("CARGO_BIN_EXE_daemon"),
            &["--join", "--worker-secs", "10", "--main-secs", "0.1"],
            "step 2/10",
        ),
        ("semaphore", env!("CARGO_BIN_EXE_semaphore"), &["--job-secs", "30"], "acquired"),
        (
            "sing_dance",
            env!("CARGO_BIN_EXE_sing_dance"),
            &["--iterations", "1000", "--interval", "0.1"],
            "singing 2/",
        ),
        (
            "thread_subclass",
            env!("CARGO_BIN_EXE_thread_subclass"),
            &["--iterations", "1000", "--interval", "0.1"],
            "iteration 2/",
        ),
        (
            "condition",
            env!("CARGO_BIN_EXE_condition"),
            &["--exchanges", "1000", "--pause", "0.2"],
            "Here.",
        ),
    ];
    for (name, exe, args, ready) in runs {
        both(name, exe, args, ready);
    }
}
