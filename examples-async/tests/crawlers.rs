//! The async crawlers and their Python twins, run as child processes against
//! a local blog site (a few pages, 10 ms per request, or 0 ms with faults)
//! with a time limit each. The Rust bins start their own site or take
//! `--site`; the twins always get `--site`. No test asserts a time: only
//! counts, accounts, event order, messages and exit codes.

use std::time::Duration;

mod common;

use common::{
    DIR, TempSpans, assert_clean_failure, bad_spans_path_fails, has_cost, line, max_open,
    missing_spans_path, ok, report, row,
};
use shared::crawl::parse_summary;
use shared::report::{CRAWL, crawl_answer};
use shared::run::{RunOutput, run_bin, run_twin};
use shared::site::{Faults, Site, SiteConfig, expected_posts, posts_on_page};

const ASYNC: &str = env!("CARGO_BIN_EXE_crawler_async");
const SEMAPHORE: &str = env!("CARGO_BIN_EXE_crawler_semaphore");
const RUNTIMES: &str = env!("CARGO_BIN_EXE_crawler_runtimes");

fn site(pages: u32, faults: Faults) -> Site {
    let latency = if faults == Faults::default() { 10 } else { 0 };
    Site::start(SiteConfig {
        pages,
        latency: Duration::from_millis(latency),
        faults,
        ..SiteConfig::default()
    })
    .expect("the blog site starts")
}

fn faulty(seed: u64) -> Faults {
    Faults {
        error_rate: 0.3,
        slow_rate: 0.2,
        slow_extra: Duration::from_secs(2),
        drop_rate: 0.2,
        seed,
    }
}

/// Every account summary line, parsed: (pages, ok, retried, failed).
fn accounts(out: &RunOutput) -> Vec<(usize, usize, usize, usize)> {
    out.stdout.lines().filter_map(parse_summary).collect()
}

/// `page N: K posts` events, as (who, N, K).
fn page_lines(out: &RunOutput) -> Vec<(String, u32, usize)> {
    out.events()
        .into_iter()
        .filter_map(|(_, who, msg)| {
            let (n, k) = msg.strip_prefix("page ")?.split_once(": ")?;
            Some((
                who,
                n.parse().ok()?,
                k.strip_suffix(" posts")?.parse().ok()?,
            ))
        })
        .collect()
}

// --- crawler_async -------------------------------------------------------------

fn assert_crawled_async(out: &RunOutput, pages: u32) {
    ok(out);
    has_cost(out, "single thread");
    has_cost(out, "async");
    let clean = (pages as usize, pages as usize, 0, 0);
    assert_eq!(accounts(out), [clean, clean], "{}", out.dump());
    let lines = page_lines(out);
    // Single thread: `main`, in page order. Async: task craw-N reports page N, any order.
    let single: Vec<_> = lines
        .iter()
        .filter(|(w, _, _)| w == "main")
        .cloned()
        .collect();
    let want: Vec<_> = (1..=pages)
        .map(|n| ("main".to_string(), n, posts_on_page(n)))
        .collect();
    assert_eq!(single, want, "{}", out.dump());
    let mut tasks: Vec<_> = lines.into_iter().filter(|(w, _, _)| w != "main").collect();
    tasks.sort_by_key(|(_, n, _)| *n);
    let want: Vec<_> = (1..=pages)
        .map(|n| (format!("craw-{n}"), n, posts_on_page(n)))
        .collect();
    assert_eq!(tasks, want, "{}", out.dump());
    line(
        out,
        &format!(
            "check: every crawl found {} post links on {pages} pages",
            expected_posts(pages)
        ),
    );
}

#[test]
fn crawler_async_with_its_own_site() {
    let out = run_bin(ASYNC, &["--pages", "5", "--latency-ms", "10"], 60);
    assert_crawled_async(&out, 5);
}

#[test]
fn crawler_async_and_twin_on_a_running_site() {
    let site = site(5, Faults::default());
    let args = ["--site", site.url(), "--pages", "5"];
    assert_crawled_async(&run_bin(ASYNC, &args, 60), 5);
    assert_crawled_async(&run_twin(DIR, "crawler_async", &args, 60), 5);
}

/// `--only` runs one crawl (with its check), `--no-single` is `--only async`,
/// and `--json` ends each run with its report: the costs of the crawls it ran
/// and the one answer every variant, in Rust and Python, must give.
#[test]
fn crawler_async_runs_one_crawl_and_reports_it() {
    let answer = crawl_answer(expected_posts(5), 5);
    let variants: [(&[&str], &str, &[&str]); 4] = [
        (&[], "all", &["single thread", "async"]),
        (&["--only", "single"], "single", &["single thread"]),
        (&["--only", "async"], "async", &["async"]),
        (&["--no-single"], "async", &["async"]),
    ];
    let site = site(5, Faults::default());
    for (flags, only, costs) in variants {
        // The bin's own site: `latency_ms` shapes the work, so it is a param.
        let mut args = vec!["--pages", "5", "--latency-ms", "10", "--json"];
        args.extend_from_slice(flags);
        let out = run_bin(ASYNC, &args, 60);
        ok(&out);
        let r = report(&out, "crawler_async", "rust", CRAWL, costs, &answer);
        let keys: Vec<&str> = r.params.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            ["latency_ms", "only", "pages", "permits"],
            "{}",
            out.dump()
        );
        assert!(r.params["latency_ms"] == 10 && r.params["pages"] == 5);
        assert!(r.params["only"] == only && r.params["permits"].is_null());
        // One crawl's account per crawl run; only the single crawl speaks as `main`.
        assert_eq!(accounts(&out).len(), costs.len(), "{}", out.dump());
        let mains = page_lines(&out)
            .iter()
            .filter(|(w, ..)| w == "main")
            .count();
        let want = if only == "async" { 0 } else { 5 };
        assert_eq!(mains, want, "{}", out.dump());

        // On a running site, Rust and Python report the same params and answer.
        let mut args = vec![
            "--site",
            site.url(),
            "--pages",
            "5",
            "--permits",
            "3",
            "--json",
        ];
        args.extend_from_slice(flags);
        let rs = run_bin(ASYNC, &args, 60);
        let py = run_twin(DIR, "crawler_async", &args, 60);
        ok(&rs);
        ok(&py);
        let r = report(&rs, "crawler_async", "rust", CRAWL, costs, &answer);
        let p = report(&py, "crawler_async", "python", CRAWL, costs, &answer);
        assert!(r.params["permits"] == 3 && r.params["only"] == only);
        assert_eq!(r.params, p.params, "\n{}\n{}", rs.dump(), py.dump());
        assert_eq!(r.answer, p.answer);
        assert_eq!(accounts(&py).len(), costs.len(), "{}", py.dump());
    }
}

/// `--spans`: the single crawl is one row, `main`, a page after another (one
/// thread: they never overlap); the async crawl is one row per task, one span
/// each, opened after the task's permit, so never more than `--permits` open.
fn assert_crawl_spans(out: &RunOutput, file: &TempSpans, pages: u32, permits: usize) {
    let spans = file.spans(out);
    let tasks: Vec<_> = spans
        .iter()
        .filter(|s| s.name.starts_with("task-"))
        .collect();
    assert!(
        max_open(&tasks) <= permits,
        "more than {permits} open\n{}",
        out.dump()
    );
    ok(out);
    let main = row(&spans, "main");
    let whats: Vec<&str> = main.iter().map(|s| s.what.as_str()).collect();
    let want: Vec<String> = (1..=pages).map(|n| format!("page {n}")).collect();
    assert_eq!(whats, want, "{}", out.dump());
    assert_eq!(
        max_open(&main),
        1,
        "the single crawl overlapped\n{}",
        out.dump()
    );
    for n in 1..=pages {
        let task = row(&spans, &format!("task-{n}"));
        assert_eq!(task.len(), 1, "task-{n}\n{}", out.dump());
        assert_eq!(task[0].what, format!("page {n}"), "{}", out.dump());
    }
    assert_eq!(
        spans.len(),
        2 * pages as usize,
        "no other rows\n{}",
        out.dump()
    );
}

#[test]
fn crawler_async_and_twin_write_who_fetched_when() {
    let file = TempSpans::new("crawler-async");
    let args = [
        "--pages",
        "6",
        "--latency-ms",
        "10",
        "--permits",
        "2",
        "--spans",
        file.arg(),
    ];
    assert_crawl_spans(&run_bin(ASYNC, &args, 60), &file, 6, 2);
    let site = site(6, Faults::default());
    let args = [
        "--site",
        site.url(),
        "--pages",
        "6",
        "--permits",
        "2",
        "--spans",
        file.arg(),
    ];
    assert_crawl_spans(&run_twin(DIR, "crawler_async", &args, 60), &file, 6, 2);
    // Only the crawl run is drawn.
    let args = [
        "--site",
        site.url(),
        "--pages",
        "6",
        "--only",
        "async",
        "--spans",
        file.arg(),
    ];
    // One run at a time: each run empties the file first.
    let runs: [&dyn Fn() -> RunOutput; 2] = [&|| run_bin(ASYNC, &args, 60), &|| {
        run_twin(DIR, "crawler_async", &args, 60)
    }];
    for run in runs {
        let out = run();
        ok(&out);
        let spans = file.spans(&out);
        assert!(
            spans.iter().all(|s| s.name.starts_with("task-")),
            "{}",
            out.dump()
        );
        assert_eq!(spans.len(), 6, "{}", out.dump());
    }
}

// --- crawler_semaphore ------------------------------------------------------------

/// The in-flight counts printed at each acquire and release, in order.
fn in_flight(out: &RunOutput) -> Vec<usize> {
    out.events()
        .into_iter()
        .filter_map(|(_, _, msg)| msg.rsplit_once("in flight = ")?.1.parse().ok())
        .collect()
}

/// The semaphore bound both ways: never above `permits`, and reached.
fn assert_bounded(out: &RunOutput, pages: u32, permits: usize) {
    ok(out);
    has_cost(out, "async");
    let counts = in_flight(out);
    assert_eq!(
        counts.len(),
        2 * pages as usize,
        "one acquire and one release per page\n{}",
        out.dump()
    );
    let max = counts.iter().copied().max().unwrap_or(0);
    assert!(
        max <= permits,
        "{max} in flight, more than {permits} permits\n{}",
        out.dump()
    );
    let bound = permits.min(pages as usize);
    assert_eq!(
        max,
        bound,
        "the {bound} permits were never all in use\n{}",
        out.dump()
    );
    assert_eq!(
        accounts(out),
        [(pages as usize, pages as usize, 0, 0)],
        "{}",
        out.dump()
    );
    line(
        out,
        &format!("check: at most {permits} in flight, and {bound} reached"),
    );
    line(
        out,
        &format!(
            "check: {} post links on {pages} pages",
            expected_posts(pages)
        ),
    );
}

#[test]
fn crawler_semaphore_holds_and_reaches_its_bound() {
    let site = site(12, Faults::default());
    for (permits, pages) in [("3", "12"), ("5", "4")] {
        let args = ["--site", site.url(), "--pages", pages, "--permits", permits];
        let (p, n) = (permits.parse().unwrap(), pages.parse().unwrap());
        assert_bounded(&run_bin(SEMAPHORE, &args, 60), n, p);
        assert_bounded(&run_twin(DIR, "crawler_semaphore", &args, 60), n, p);
    }
}

/// `--spans`: one span per task, on its own row, spanning its fetch while it
/// holds its permit; so at no instant more than `--permits` are open, which
/// holds whatever the timing (checked before the run's own verdict, so a run
/// that broke the bound shows it here).
#[test]
fn crawler_semaphore_spans_never_exceed_the_permits() {
    let site = site(12, Faults::default());
    let file = TempSpans::new("crawler-semaphore");
    let args = [
        "--site",
        site.url(),
        "--pages",
        "12",
        "--permits",
        "3",
        "--spans",
        file.arg(),
    ];
    // One run at a time: each run empties the file first.
    let runs: [&dyn Fn() -> RunOutput; 2] = [&|| run_bin(SEMAPHORE, &args, 60), &|| {
        run_twin(DIR, "crawler_semaphore", &args, 60)
    }];
    for run in runs {
        let out = run();
        let spans = file.spans(&out);
        let all: Vec<_> = spans.iter().collect();
        let open = max_open(&all);
        assert!(
            open <= 3,
            "{open} fetches at once, over 3 permits\n{}",
            out.dump()
        );
        ok(&out);
        assert_eq!(spans.len(), 12, "{}", out.dump());
        for n in 1..=12 {
            let task = row(&spans, &format!("task-{n}"));
            assert_eq!(task.len(), 1, "task-{n}\n{}", out.dump());
            assert_eq!(task[0].what, format!("page {n}"), "{}", out.dump());
        }
    }
}

// --- crawler_runtimes --------------------------------------------------------------

#[test]
fn crawler_runtimes_crawls_on_every_runtime() {
    let out = run_bin(RUNTIMES, &["--pages", "5", "--latency-ms", "10"], 60);
    ok(&out);
    for label in ["single thread", "tokio", "smol", "async-std"] {
        has_cost(&out, label);
    }
    assert_eq!(accounts(&out), [(5, 5, 0, 0); 4], "{}", out.dump());
    line(
        &out,
        &format!(
            "check: every crawl found {} post links on 5 pages",
            expected_posts(5)
        ),
    );
}

/// `--only <runtime>` crawls on that runtime alone; `--json` reports it, with
/// the same answer for every runtime.
#[test]
fn crawler_runtimes_runs_one_runtime_and_reports_it() {
    let answer = crawl_answer(expected_posts(5), 5);
    let all = ["single thread", "tokio", "smol", "async-std"];
    let variants = [
        ("all", &all[..]),
        ("single", &all[..1]),
        ("tokio", &all[1..2]),
        ("smol", &all[2..3]),
        ("async-std", &all[3..]),
    ];
    for (only, costs) in variants {
        let args = [
            "--pages",
            "5",
            "--latency-ms",
            "10",
            "--only",
            only,
            "--json",
        ];
        let out = run_bin(RUNTIMES, &args, 60);
        ok(&out);
        let r = report(&out, "crawler_runtimes", "rust", CRAWL, costs, &answer);
        let keys: Vec<&str> = r.params.keys().map(String::as_str).collect();
        assert_eq!(keys, ["latency_ms", "only", "pages"], "{}", out.dump());
        assert!(
            r.params["only"] == only && r.params["pages"] == 5,
            "{}",
            out.dump()
        );
        assert_eq!(
            accounts(&out),
            vec![(5, 5, 0, 0); costs.len()],
            "{}",
            out.dump()
        );
    }
}

// --- under faults -------------------------------------------------------------------

/// Every account adds up to every page; exit 1 iff a page failed; failures
/// are listed with their causes.
fn assert_accounted(out: &RunOutput, pages: usize, crawls: usize) -> usize {
    let all = accounts(out);
    assert_eq!(all.len(), crawls, "one account per crawl\n{}", out.dump());
    for &(n, ok, retried, failed) in &all {
        assert_eq!(n, pages, "{}", out.dump());
        assert_eq!(
            ok + retried + failed,
            pages,
            "the account adds up to every page\n{}",
            out.dump()
        );
    }
    let failed: usize = all.iter().map(|a| a.3).sum();
    let listed = out
        .stdout
        .lines()
        .filter(|l| l.starts_with("failed: "))
        .count();
    assert_eq!(listed, failed, "every failed URL is listed\n{}", out.dump());
    for l in out
        .stdout
        .lines()
        .filter(|l| l.starts_with("failed: ") || l.starts_with("retried: "))
    {
        let causes = l.rsplit_once(" (").map(|(_, c)| c).unwrap_or_default();
        let named = [
            "HTTP 5",
            "timed out after",
            "connection dropped",
            "connection refused",
        ];
        assert!(
            named.iter().any(|c| causes.contains(c)),
            "a cause is named: {l}\n{}",
            out.dump()
        );
    }
    if failed > 0 {
        assert_clean_failure(out);
        assert!(
            out.stderr.contains("failed after their retries"),
            "{}",
            out.dump()
        );
    } else {
        ok(out);
    }
    failed
}

const PAGES: u32 = 10;

/// (bin or twin, extra flags, crawls it accounts for)
fn faulty_runs(seed: u64, attempts: &str) -> Vec<(&'static str, RunOutput, usize)> {
    let timeout = "0.5"; // a slow answer (2 s extra) times out
    let mut runs = Vec::new();
    let bins: [(&str, Option<&str>, &[&str], usize); 5] = [
        ("crawler_async", Some(ASYNC), &["--no-single"], 1),
        ("crawler_async", None, &["--no-single"], 1),
        ("crawler_semaphore", Some(SEMAPHORE), &["--permits", "4"], 1),
        ("crawler_semaphore", None, &["--permits", "4"], 1),
        ("crawler_runtimes", Some(RUNTIMES), &[], 4),
    ];
    for (name, exe, extra, crawls) in bins {
        let site = site(PAGES, faulty(seed)); // fresh: the fault counters start at zero
        let pages = PAGES.to_string();
        let mut args = vec![
            "--site",
            site.url(),
            "--pages",
            &pages,
            "--attempts",
            attempts,
            "--timeout",
            timeout,
        ];
        args.extend_from_slice(extra);
        let out = match exe {
            Some(exe) => run_bin(exe, &args, 60),
            None => run_twin(DIR, name, &args, 60),
        };
        runs.push((name, out, crawls));
    }
    runs
}

#[test]
fn crawlers_account_for_every_page_of_a_faulty_site() {
    let mut failed_somewhere = false;
    for (name, out, crawls) in faulty_runs(7, "2") {
        let failed = assert_accounted(&out, PAGES as usize, crawls);
        failed_somewhere |= failed > 0;
        if name == "crawler_semaphore" {
            // The bound is checked on a faulty run too, before the exit on failures.
            line(&out, "check: at most 4 in flight, and 4 reached");
        }
    }
    // With two attempts against these rates, some page fails: the exit-1 path is exercised.
    assert!(
        failed_somewhere,
        "seed 7 with 2 attempts should leave a page failed"
    );
}

#[test]
fn crawlers_recover_every_page_when_retries_suffice() {
    // Seed 11 with 8 attempts: every page gets through in the end (replayable:
    // faults depend on the seed, the path and the attempt, not the order).
    for (name, out, crawls) in faulty_runs(11, "8") {
        assert_eq!(assert_accounted(&out, PAGES as usize, crawls), 0, "{name}");
        let retried: usize = accounts(&out).iter().map(|a| a.2).sum();
        assert!(
            retried > 0,
            "{name}: the faults were met and retried\n{}",
            out.dump()
        );
        assert!(
            out.stdout
                .contains(&format!("{} post links", expected_posts(PAGES))),
            "{name}\n{}",
            out.dump()
        );
    }
}

#[test]
fn the_semaphore_crawl_and_its_twin_give_the_same_account() {
    // The faults are replayed per URL and attempt, so both crawls meet the same ones.
    let lines = |exe: Option<&str>| {
        let site = site(PAGES, faulty(5));
        let args = [
            "--site",
            site.url(),
            "--pages",
            "10",
            "--permits",
            "4",
            "--attempts",
            "3",
            "--timeout",
            "0.5",
        ];
        let out = match exe {
            Some(exe) => run_bin(exe, &args, 60),
            None => run_twin(DIR, "crawler_semaphore", &args, 60),
        };
        let base = site.url().to_string();
        let account: Vec<String> = out
            .stdout
            .lines()
            .filter(|l| {
                parse_summary(l).is_some()
                    || l.starts_with("retried: ")
                    || l.starts_with("failed: ")
            })
            .map(|l| l.replace(&base, "SITE"))
            .collect();
        (account, out)
    };
    let (rs, rs_out) = lines(Some(SEMAPHORE));
    let (py, py_out) = lines(None);
    assert_eq!(rs, py, "\n{}\n{}", rs_out.dump(), py_out.dump());
}

#[test]
fn bad_flags_are_rejected_cleanly() {
    for args in [
        &["--pages", "0"][..],
        &["--pages", "100001"],
        &["--timeout", "nan"],
        &["--attempts", "0"],
    ] {
        for exe in [ASYNC, SEMAPHORE, RUNTIMES] {
            assert_clean_failure(&run_bin(exe, args, 30));
        }
        for twin in ["crawler_async", "crawler_semaphore"] {
            let out = run_twin(DIR, twin, args, 30);
            assert_clean_failure(&out);
            assert_eq!(out.code, Some(2), "{}", out.dump());
        }
    }
    let out = run_bin(SEMAPHORE, &["--permits", "0"], 30);
    assert_clean_failure(&out);
    // --only takes its variants' names; --no-single is --only async, not both.
    for args in [
        &["--only", "threads"][..],
        &["--only", "async", "--no-single"],
    ] {
        assert_clean_failure(&run_bin(ASYNC, args, 30));
        let out = run_twin(DIR, "crawler_async", args, 30);
        assert_clean_failure(&out);
        assert_eq!(out.code, Some(2), "{}", out.dump());
    }
    assert_clean_failure(&run_bin(RUNTIMES, &["--only", "gevent"], 30));
    // A spans file that cannot be created fails before the crawl.
    let bad = missing_spans_path();
    for exe in [ASYNC, SEMAPHORE] {
        bad_spans_path_fails(&run_bin(exe, &["--pages", "2", "--spans", &bad], 30));
    }
    for twin in ["crawler_async", "crawler_semaphore"] {
        bad_spans_path_fails(&run_twin(DIR, twin, &["--pages", "2", "--spans", &bad], 30));
    }
}
