//! What the comparison harness asks of the bins and their twins: `--only`
//! (one variant per process), `--json` (the report line, the same answer in
//! Rust and Python and across variants) and `--spans FILE` (who ran when),
//! for `crawler`, `thread_pool`, `cpu_bound`, `sing_dance` and `semaphore`.
//! Every check on spans is one that no scheduler can break: the rows and
//! labels the program must produce, `0 <= start <= end`, that one thread's
//! spans never overlap, and that spans under a semaphore never overlap more
//! than its permits. No test asserts a time, or that spans overlap.

use std::collections::{BTreeMap, BTreeSet};

mod accounts;
mod common;

use accounts::{PAGES, faulty_site};
use common::{
    DIR, TempSpans, assert_clean_failure, bad_spans_path_fails, has_cost, line, max_open,
    missing_spans_path, ok,
};
use shared::report::{Report, crawl_answer};
use shared::run::{RunOutput, run_bin, run_twin};
use shared::site::expected_posts;
use shared::spans::Span;

const CRAWLER: &str = env!("CARGO_BIN_EXE_crawler");
const POOL: &str = env!("CARGO_BIN_EXE_thread_pool");
const CPU: &str = env!("CARGO_BIN_EXE_cpu_bound");
const SING: &str = env!("CARGO_BIN_EXE_sing_dance");
const SEMAPHORE: &str = env!("CARGO_BIN_EXE_semaphore");

/// Runs the bin (`twin == false`) or its twin with `args`.
fn run(exe: &str, twin: &str, python: bool, args: &[&str], secs: u64) -> RunOutput {
    if python {
        run_twin(DIR, twin, args, secs)
    } else {
        run_bin(exe, args, secs)
    }
}

/// The run's `--json` report, checked for its program, language, workload
/// and costs: one per label given, in order, each `seconds >= 0`, and each
/// label's cost line printed.
fn report(out: &RunOutput, program: &str, python: bool, workload: &str, costs: &[&str]) -> Report {
    let r = Report::from_stdout(&out.stdout)
        .unwrap_or_else(|| panic!("no report line\n{}", out.dump()));
    let last = out.stdout.lines().last().unwrap_or_default();
    assert!(
        last.starts_with('{'),
        "the report is the last line\n{}",
        out.dump()
    );
    let lang = if python { "python" } else { "rust" };
    assert_eq!(
        (r.program.as_str(), r.lang.as_str()),
        (program, lang),
        "{}",
        out.dump()
    );
    assert_eq!(r.workload, workload, "{}", out.dump());
    let labels: Vec<&str> = r.costs.iter().map(|c| c.label.as_str()).collect();
    assert_eq!(labels, costs, "{}", out.dump());
    for c in &r.costs {
        assert!(c.seconds >= 0.0, "{c:?}\n{}", out.dump());
        has_cost(out, &c.label);
    }
    r
}

/// A report parameter, as a number or a string.
fn param(r: &Report, name: &str) -> String {
    match r.params.get(name) {
        Some(v) => v.as_str().map_or_else(|| v.to_string(), str::to_string),
        None => panic!("no param {name:?} in {:?}", r.params),
    }
}

/// Spans by row, each row's in start order.
fn by_row(spans: &[Span]) -> BTreeMap<String, Vec<Span>> {
    let mut rows: BTreeMap<String, Vec<Span>> = BTreeMap::new();
    for s in spans {
        rows.entry(s.name.clone()).or_default().push(s.clone());
    }
    for row in rows.values_mut() {
        row.sort_by(|a, b| a.start.total_cmp(&b.start));
    }
    rows
}

/// One thread does one thing at a time: no two spans of a row overlap.
fn rows_never_overlap(spans: &[Span], out: &RunOutput) {
    for (row, spans) in by_row(spans) {
        for w in spans.windows(2) {
            assert!(
                w[0].end <= w[1].start,
                "{row}: {:?} overlaps {:?}\n{}",
                w[0],
                w[1],
                out.dump()
            );
        }
    }
}

/// The labels of `spans`, sorted.
fn labels(spans: &[Span]) -> Vec<String> {
    let mut l: Vec<String> = spans.iter().map(|s| s.what.clone()).collect();
    l.sort();
    l
}

/// `page 1` .. `page n` (with `prefix`), sorted as [`labels`] sorts.
fn pages(prefix: &str, n: u32) -> Vec<String> {
    let mut l: Vec<String> = (1..=n).map(|p| format!("{prefix}{p}")).collect();
    l.sort();
    l
}

// ---------- crawler ----------

#[test]
fn crawler_only_json_and_spans() {
    let site = faulty_site(0.0, 0.0, 0.0, 1);
    let answer = crawl_answer(expected_posts(PAGES), PAGES);
    for python in [false, true] {
        for only in ["single", "multi", "all"] {
            let spans = TempSpans::new(&format!("crawler-{python}-{only}"));
            let args = [
                "--site",
                site.url(),
                "--pages",
                "10",
                "--only",
                only,
                "--json",
                "--spans",
                spans.arg(),
            ];
            let out = run(CRAWLER, "crawler", python, &args, 60);
            ok(&out);
            let costs: &[&str] = match only {
                "single" => &["single thread"],
                "multi" => &["multi thread"],
                _ => &["single thread", "multi thread"],
            };
            let r = report(&out, "crawler", python, "crawl", costs);
            assert_eq!(
                (param(&r, "pages"), param(&r, "only")),
                ("10".into(), only.into())
            );
            assert!(
                !r.params.contains_key("latency_ms"),
                "a --site has its own latency: {r:?}"
            );
            assert_eq!(r.answer.as_deref(), Some(answer.as_str()), "{}", out.dump());
            // The followed link is a step of the full demo only.
            assert_eq!(
                out.stdout.contains("\nfollowed "),
                only == "all",
                "{}",
                out.dump()
            );
            let crawls = match only {
                "single" => "the single-thread crawl",
                "multi" => "the multi-thread crawl",
                _ => "both crawls",
            };
            line(
                &out,
                &format!("check: {crawls} found {} post links", expected_posts(PAGES)),
            );

            // One span per page and crawl: `main` one page after another, `craw-N` page N.
            let spans = spans.spans(&out);
            let (single, multi): (Vec<Span>, Vec<Span>) =
                spans.into_iter().partition(|s| s.name == "main");
            let want = |crawl: &str| {
                if only == crawl || only == "all" {
                    pages("page ", PAGES)
                } else {
                    vec![]
                }
            };
            assert_eq!(labels(&single), want("single"), "{}", out.dump());
            assert_eq!(labels(&multi), want("multi"), "{}", out.dump());
            rows_never_overlap(&single, &out);
            for s in &multi {
                assert_eq!(
                    s.name.strip_prefix("craw-"),
                    s.what.strip_prefix("page "),
                    "{s:?}"
                );
            }
        }
    }
}

#[test]
fn crawler_reports_the_latency_of_its_own_site() {
    let out = run_bin(
        CRAWLER,
        &[
            "--pages",
            "3",
            "--latency-ms",
            "0",
            "--only",
            "multi",
            "--json",
        ],
        60,
    );
    ok(&out);
    let r = report(&out, "crawler", false, "crawl", &["multi thread"]);
    assert_eq!(param(&r, "latency_ms"), "0");
    assert_eq!(r.answer, Some(crawl_answer(expected_posts(3), 3)));
}

// ---------- thread_pool ----------

#[test]
fn thread_pool_only_json_and_spans() {
    let site = faulty_site(0.0, 0.0, 0.0, 1);
    let answer = crawl_answer(expected_posts(PAGES), PAGES);
    let workers = 3;
    for python in [false, true] {
        for only in ["map", "as-completed", "all"] {
            let spans = TempSpans::new(&format!("pool-{python}-{only}"));
            let args = [
                "--site",
                site.url(),
                "--pages",
                "10",
                "--workers",
                "3",
                "--only",
                only,
                "--json",
                "--spans",
                spans.arg(),
            ];
            let out = run(POOL, "thread_pool", python, &args, 60);
            ok(&out);
            let costs: &[&str] = match only {
                "map" => &["map"],
                "as-completed" => &["submit + as_completed"],
                _ => &["map", "submit + as_completed"],
            };
            let r = report(&out, "thread_pool", python, "crawl", costs);
            let params = (param(&r, "pages"), param(&r, "workers"), param(&r, "only"));
            assert_eq!(
                params,
                ("10".into(), "3".into(), only.into()),
                "{}",
                out.dump()
            );
            assert_eq!(r.answer.as_deref(), Some(answer.as_str()), "{}", out.dump());
            let how = if only == "map" {
                "as map returned them"
            } else {
                "after sorting"
            };
            line(
                &out,
                &format!(
                    "check: {} post links on 10 parsed pages, in page order {how}",
                    expected_posts(PAGES)
                ),
            );
            assert_eq!(
                out.stdout.contains("re-sorted by index"),
                only != "map",
                "{}",
                out.dump()
            );

            // A span per page fetched (and, in the full run, per page parsed),
            // each on a pool thread's row, one job at a time per thread.
            let spans = spans.spans(&out);
            let mut want = pages("page ", PAGES);
            if only == "all" {
                want.extend(pages("parse page ", PAGES));
                want.sort();
            }
            assert_eq!(labels(&spans), want, "{}", out.dump());
            let rows: BTreeSet<String> = spans.iter().map(|s| s.name.clone()).collect();
            let pool: BTreeSet<String> = (0..workers).map(|i| format!("pool-{i}")).collect();
            assert!(
                rows.is_subset(&pool) && !rows.is_empty(),
                "{rows:?}\n{}",
                out.dump()
            );
            rows_never_overlap(&spans, &out);
        }
    }
}

#[test]
fn thread_pool_demo_orders_takes_none_of_the_harness_flags() {
    for flag in [&["--json"][..], &["--only", "map"], &["--spans", "x.jsonl"]] {
        let args: Vec<&str> = ["--demo-orders"]
            .into_iter()
            .chain(flag.iter().copied())
            .collect();
        for python in [false, true] {
            let out = run(POOL, "thread_pool", python, &args, 10);
            assert_clean_failure(&out);
            assert_eq!(out.code, Some(2), "{args:?}\n{}", out.dump());
            let errors = out.stderr.lines().filter(|l| l.contains("error:")).count();
            assert_eq!(errors, 1, "{args:?}\n{}", out.dump());
        }
    }
}

// ---------- cpu_bound ----------

#[test]
fn cpu_bound_only_json_and_spans() {
    // Pure Python trial division: ~0.3 s a number, so 2 numbers.
    let mut answers = BTreeSet::new();
    let runs = [
        (false, "single"),
        (false, "pool"),
        (false, "all"),
        (true, "single"),
        (true, "pool"),
        (true, "process"),
    ];
    for (python, only) in runs {
        let spans = TempSpans::new(&format!("cpu-{python}-{only}"));
        let args = [
            "--count",
            "2",
            "--threads",
            "2",
            "--only",
            only,
            "--json",
            "--spans",
            spans.arg(),
        ];
        let out = run(CPU, "cpu_bound", python, &args, 60);
        ok(&out);
        let costs: &[&str] = match only {
            "single" => &["single thread"],
            "pool" => &["thread pool"],
            "process" => &["process pool"],
            _ => &["single thread", "thread pool"],
        };
        let r = report(&out, "cpu_bound", python, "primes", costs);
        let params = (param(&r, "count"), param(&r, "threads"), param(&r, "only"));
        assert_eq!(
            params,
            ("2".into(), "2".into(), only.into()),
            "{}",
            out.dump()
        );
        answers.insert(r.answer.clone().unwrap_or_default());
        assert_eq!(
            out.stdout.contains("speedup = "),
            only == "all",
            "{}",
            out.dump()
        );
        let who = match only {
            "single" => "the single thread gives",
            "pool" => "the thread pool gives",
            "process" => "the process pool gives",
            _ => "both give the same",
        };
        line(&out, &format!("check: {who} 2 answers (all prime)"));

        // A span per is_prime call, on the row of who ran it, one call at a time per row.
        let spans = spans.spans(&out);
        let calls = ["is_prime #1", "is_prime #2"];
        let mut want: Vec<&str> = if only == "all" {
            [calls, calls].concat()
        } else {
            calls.to_vec()
        };
        want.sort();
        assert_eq!(labels(&spans), want, "{}", out.dump());
        for s in &spans {
            let row_ok = match only {
                "single" => s.name == "main",
                "pool" => ["pool-0", "pool-1"].contains(&s.name.as_str()),
                "process" => s
                    .name
                    .strip_prefix("process ")
                    .is_some_and(|p| p.parse::<u32>().is_ok()),
                _ => ["main", "pool-0", "pool-1"].contains(&s.name.as_str()),
            };
            assert!(row_ok, "{s:?}\n{}", out.dump());
        }
        rows_never_overlap(&spans, &out);
    }
    // The same answer in Rust and Python, for every variant.
    assert_eq!(answers.into_iter().collect::<Vec<_>>(), ["2 of 2 prime"]);
}

/// Without `--threads`, the report names the pool's real size (one per CPU).
#[test]
fn cpu_bound_reports_its_default_pool_size() {
    for python in [false, true] {
        let args = ["--count", "1", "--only", "single", "--json"];
        let out = run(CPU, "cpu_bound", python, &args, 30);
        ok(&out);
        let r = report(&out, "cpu_bound", python, "primes", &["single thread"]);
        let threads = r.params.get("threads").and_then(|t| t.as_u64());
        assert!(threads.is_some_and(|t| t >= 1), "{r:?}\n{}", out.dump());
        assert_eq!(r.answer.as_deref(), Some("1 of 1 prime"), "{}", out.dump());
    }
}

// ---------- sing_dance ----------

#[test]
fn sing_dance_spans_a_line_each() {
    for python in [false, true] {
        let spans = TempSpans::new(&format!("sing-{python}"));
        let args = [
            "--iterations",
            "3",
            "--interval",
            "0.01",
            "--spans",
            spans.arg(),
        ];
        let out = run(SING, "sing_dance", python, &args, 10);
        ok(&out);
        let spans = spans.spans(&out);
        let rows = by_row(&spans);
        assert_eq!(
            rows.keys().collect::<Vec<_>>(),
            ["dance", "sing"],
            "{}",
            out.dump()
        );
        for (row, spans) in &rows {
            let want: Vec<String> = (1..=3).map(|i| format!("{row} {i}/3")).collect();
            let got: Vec<&str> = spans.iter().map(|s| s.what.as_str()).collect();
            assert_eq!(
                got,
                want,
                "each thread's lines, in its order\n{}",
                out.dump()
            );
        }
        rows_never_overlap(&spans, &out);
    }
}

// ---------- semaphore ----------

#[test]
fn semaphore_spans_never_exceed_the_permits() {
    for python in [false, true] {
        // Timed jobs: at most `permits` open at any instant.
        let spans = TempSpans::new(&format!("sem-{python}"));
        let args = [
            "--jobs",
            "7",
            "--permits",
            "3",
            "--job-secs",
            "0.02",
            "--spans",
            spans.arg(),
        ];
        let out = run(SEMAPHORE, "semaphore", python, &args, 30);
        ok(&out);
        let spans = spans.spans(&out);
        assert!(max_open(&spans) <= 3, "{spans:?}\n{}", out.dump());
        let rows: Vec<String> = by_row(&spans).into_keys().collect();
        let mut want: Vec<String> = (1..=7).map(|i| format!("spider-{i}")).collect();
        want.sort();
        assert_eq!(rows, want, "{}", out.dump());
        assert_eq!(labels(&spans), vec!["job"; 7], "{}", out.dump());

        // --stepped: main lets a spider go only once all the permits are held,
        // and each span is open from acquire to release, so exactly `permits`.
        for (jobs, permits) in [(7usize, 3usize), (3, 1)] {
            let spans = TempSpans::new(&format!("sem-stepped-{python}-{permits}"));
            let (j, p) = (jobs.to_string(), permits.to_string());
            let args = [
                "--jobs",
                &j,
                "--permits",
                &p,
                "--stepped",
                "--spans",
                spans.arg(),
            ];
            let out = run(SEMAPHORE, "semaphore", python, &args, 30);
            ok(&out);
            let spans = spans.spans(&out);
            assert_eq!(spans.len(), jobs, "{}", out.dump());
            assert_eq!(max_open(&spans), permits, "{spans:?}\n{}", out.dump());
        }
    }
}

// ---------- bad --only values ----------

#[test]
fn an_unknown_only_is_refused_by_bin_and_twin() {
    common::refused(CRAWLER, "crawler", &["--only", "threads"], 2, "threads");
    common::refused(POOL, "thread_pool", &["--only", "submit"], 2, "submit");
    common::refused(CPU, "cpu_bound", &["--only", "gil"], 2, "gil");
    // The process pool is the twin's alone.
    let out = run_bin(CPU, &["--only", "process"], 10);
    assert_clean_failure(&out);
    assert_eq!(out.code, Some(2), "{}", out.dump());
}

// ---------- a bad --spans path ----------

#[test]
fn a_spans_file_that_cannot_be_created_is_one_error_line() {
    let path = missing_spans_path();
    let site = faulty_site(0.0, 0.0, 0.0, 1);
    let bins: [(&str, &str, Vec<&str>); 5] = [
        (
            CRAWLER,
            "crawler",
            vec!["--site", site.url(), "--pages", "2"],
        ),
        (
            POOL,
            "thread_pool",
            vec!["--site", site.url(), "--pages", "2"],
        ),
        (CPU, "cpu_bound", vec!["--count", "1"]),
        (
            SING,
            "sing_dance",
            vec!["--iterations", "1", "--interval", "0"],
        ),
        (
            SEMAPHORE,
            "semaphore",
            vec!["--jobs", "1", "--job-secs", "0"],
        ),
    ];
    for (exe, twin, mut args) in bins {
        args.extend(["--spans", path.as_str()]);
        for python in [false, true] {
            // It fails before the work: one error line, no cost line.
            bad_spans_path_fails(&run(exe, twin, python, &args, 30));
        }
    }
    // and creates no directory on the way
    let dir = std::path::Path::new(&path).parent().unwrap();
    assert!(!dir.exists());
}
