//! The crawler bins (`crawler`, `crawler_pipeline`) and their Python twins,
//! run as child processes with a time limit each: on their own site, on a
//! running site, on a faulty site (every page accounted for, exit code 1 iff
//! a page failed, the same seed gives the same account in Rust and Python),
//! on a dead site, and with bad flags. No test asserts a time.

use std::collections::BTreeMap;
use std::path::PathBuf;

mod accounts;
mod common;

use accounts::{
    PAGES, Printed, TIMEOUT, accounts, check_account, check_exit, faulty_site, mixed_faults,
};
use common::{DIR, assert_clean_failure, has_cost, line, ok};
use shared::run::{RunOutput, run_bin, run_twin};
use shared::site::{Site, expected_posts, posts_on_page};

const CRAWLER: &str = env!("CARGO_BIN_EXE_crawler");
const PIPELINE: &str = env!("CARGO_BIN_EXE_crawler_pipeline");

fn site() -> Site {
    faulty_site(0.0, 0.0, 0.0, 1)
}

/// A base URL where nothing listens: bind port 0, note the port, close it.
fn dead_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind port 0");
    let port = listener.local_addr().expect("local addr").port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}

fn temp_out(tag: &str) -> PathBuf {
    std::env::temp_dir().join(format!("crawlers-test-{}-{tag}.txt", std::process::id()))
}

/// `page N: K posts` events: (who, page, posts).
fn page_events(out: &RunOutput) -> Vec<(String, u32, usize)> {
    let mut found = Vec::new();
    for (_, who, msg) in out.events() {
        let Some(rest) = msg.strip_prefix("page ") else {
            continue;
        };
        let Some((page, posts)) = rest.split_once(": ") else {
            continue;
        };
        if let (Ok(page), Some(Ok(n))) =
            (page.parse(), posts.strip_suffix(" posts").map(str::parse))
        {
            found.push((who, page, n));
        }
    }
    found
}

/// A crawler run with no faults: both cost lines, every page once per
/// crawl with its known post count, two clean accounts, the followed link.
fn assert_crawled(out: &RunOutput) {
    ok(out);
    has_cost(out, "single thread");
    has_cost(out, "multi thread");
    let pages = page_events(out);
    let want: Vec<(u32, usize)> = (1..=PAGES).map(|n| (n, posts_on_page(n))).collect();
    // Single thread: main, in page order.
    let single: Vec<(u32, usize)> =
        pages.iter().filter(|p| p.0 == "main").map(|p| (p.1, p.2)).collect();
    assert_eq!(single, want, "{}", out.dump());
    // Multi thread: craw-N reports page N, in any order.
    let mut multi: Vec<(u32, usize)> = pages
        .iter()
        .filter(|p| p.0 != "main")
        .inspect(|p| assert_eq!(p.0, format!("craw-{}", p.1), "{}", out.dump()))
        .map(|p| (p.1, p.2))
        .collect();
    multi.sort_unstable();
    assert_eq!(multi, want, "{}", out.dump());
    let clean = format!("{PAGES} pages: {PAGES} ok, 0 retried, 0 failed");
    assert_eq!(out.stdout.lines().filter(|l| *l == clean).count(), 2, "{}", out.dump());
    assert!(line(out, "followed ").contains("/p/1/1.html: \""), "{}", out.dump());
    let total = expected_posts(PAGES);
    line(
        out,
        &format!("check: both crawls found {total} post links on {PAGES} pages, as expected"),
    );
}

#[test]
fn crawler_with_its_own_site() {
    let out = run_bin(CRAWLER, &["--pages", "10", "--latency-ms", "0"], 60);
    assert_crawled(&out);
}

#[test]
fn crawler_and_twin_on_a_running_site() {
    let site = site();
    let args = ["--site", site.url(), "--pages", "10"];
    assert_crawled(&run_bin(CRAWLER, &args, 60));
    assert_crawled(&run_twin(DIR, "crawler", &args, 60));
}

/// One run of `bin` (Rust, or its twin) on a fresh site with `site`'s faults,
/// plus `extra` flags; returns the run, its accounts and the site's URL.
fn faulty_run(bin: &str, twin: bool, site: Site, extra: &[&str]) -> (RunOutput, Vec<Printed>) {
    let out_file = temp_out(&format!("{bin}-{twin}-{}", site.addr().port()));
    let out_path = out_file.display().to_string();
    let mut args = vec!["--site", site.url(), "--pages", "10", "--timeout", TIMEOUT];
    if bin == "crawler_pipeline" {
        args.extend(["--out", out_path.as_str()]);
    }
    args.extend(extra);
    let out = match (bin, twin) {
        (_, true) => run_twin(DIR, bin, &args, 60),
        ("crawler", false) => run_bin(CRAWLER, &args, 60),
        _ => run_bin(PIPELINE, &args, 60),
    };
    let found = accounts(&out, site.url());
    drop(site);
    if bin == "crawler_pipeline" {
        let _ = std::fs::remove_file(out_file);
    }
    (out, found)
}

/// Every `page N: K posts` a crawler (or `parse page N: K posts, ...` the
/// pipeline) reported has page N's known count; returns the pages reported.
fn check_posts(out: &RunOutput) -> Vec<u32> {
    let mut pages = Vec::new();
    for (_, _, msg) in out.events() {
        let Some(rest) = msg.strip_prefix("parse page ").or(msg.strip_prefix("page ")) else {
            continue;
        };
        let Some((page, rest)) = rest.split_once(": ") else {
            continue;
        };
        let Some((posts, _)) = rest.split_once(" posts") else {
            continue;
        };
        let (page, posts): (u32, usize) =
            (page.parse().expect("a page"), posts.parse().expect("a count"));
        assert_eq!(posts, posts_on_page(page), "page {page}: {}", out.dump());
        pages.push(page);
    }
    pages
}

/// Bin and twin on fresh sites with the same faults: every page accounted
/// for, exit 1 iff a page failed, the post counts right, and the same
/// account from both.
fn replay(bin: &str, seed: u64, attempts: &str, crawls: usize) -> Vec<Printed> {
    let extra = ["--attempts", attempts];
    let (rs, rs_acc) = faulty_run(bin, false, mixed_faults(seed), &extra);
    let (py, py_acc) = faulty_run(bin, true, mixed_faults(seed), &extra);
    for (out, acc) in [(&rs, &rs_acc), (&py, &py_acc)] {
        assert_eq!(acc.len(), crawls, "one account per crawl: {}", out.dump());
        acc.iter().for_each(|a| check_account(a, out));
        check_exit(acc, out);
        let reported = check_posts(out);
        let fetched = acc.iter().map(|a| a.ok + a.retried).sum::<usize>();
        assert_eq!(reported.len(), fetched, "every fetched page parsed once: {}", out.dump());
        if acc.iter().all(|a| a.failed == 0) {
            line(out, "check: ");
        }
    }
    assert_eq!(rs_acc, py_acc, "the same seed, the same account:\n{}\n{}", rs.dump(), py.dump());
    rs_acc
}

#[test]
fn crawler_and_twin_under_faults_retry_and_replay() {
    // Seed 7 with 4 attempts: pages retried, none failed in the first crawl.
    let acc = replay("crawler", 7, "4", 2);
    assert!(acc[0].retried > 0 && acc[0].failed == 0, "{acc:?}");
}

#[test]
fn crawler_and_twin_under_faults_fail_some_pages_and_replay() {
    // Seed 3 with 2 attempts: some page fails for good, so exit code 1.
    let acc = replay("crawler", 3, "2", 2);
    assert!(acc.iter().any(|a| a.failed > 0), "{acc:?}");
}

#[test]
fn pipeline_and_twin_under_faults_retry_and_replay() {
    let acc = replay("crawler_pipeline", 7, "4", 1);
    assert!(acc[0].retried > 0 && acc[0].failed == 0, "{acc:?}");
}

#[test]
fn pipeline_and_twin_under_faults_fail_some_pages_and_replay() {
    let acc = replay("crawler_pipeline", 3, "2", 1);
    assert!(acc[0].failed > 0, "{acc:?}");
}

#[test]
fn every_page_failing_is_named_page_by_page() {
    for (bin, twin) in [
        ("crawler", false),
        ("crawler", true),
        ("crawler_pipeline", false),
        ("crawler_pipeline", true),
    ] {
        let (out, acc) = faulty_run(bin, twin, faulty_site(1.0, 0.0, 0.0, 1), &["--attempts", "2"]);
        assert!(!acc.is_empty(), "{}", out.dump());
        for a in &acc {
            check_account(a, &out);
            assert_eq!(a.failed, PAGES as usize, "{}", out.dump());
            let want = "failed: BASE/sitehome/p/1 after 2 attempts (HTTP 500, HTTP 500)";
            assert!(a.lines.contains(&want.to_string()), "{}", out.dump());
        }
        check_exit(&acc, &out);
    }
}

/// The three crawlers and their twins, each with `args`: (exe, twin, args).
fn every_crawler<'a>(args: &[&'a str]) -> [(&'static str, &'static str, Vec<&'a str>); 3] {
    const POOL: &str = env!("CARGO_BIN_EXE_thread_pool");
    [
        (CRAWLER, "crawler", args.to_vec()),
        (PIPELINE, "crawler_pipeline", args.to_vec()),
        (POOL, "thread_pool", args.to_vec()),
    ]
}

/// A `--site` where nothing listens (a typo'd port) ends the crawl at once,
/// before any page: one error line saying so and how to start a site, exit
/// 1, no account, in every crawler and twin.
#[test]
fn crawlers_report_a_dead_site_in_one_line() {
    let url = dead_url();
    let out_file = temp_out("dead");
    let out_path = out_file.display().to_string();
    for (exe, twin, mut args) in every_crawler(&["--site", url.as_str(), "--pages", "50"]) {
        if twin == "crawler_pipeline" {
            args.extend(["--out", out_path.as_str()]);
        }
        for out in [run_bin(exe, &args, 20), run_twin(DIR, twin, &args, 20)] {
            assert_clean_failure(&out);
            assert_eq!(out.code, Some(1), "{}", out.dump());
            line_err(&out, &format!("no blog site at {url} (connection refused)"));
            line_err(&out, "blog-site"); // how to start one
            assert!(!out.stdout.contains("failed: "), "no page tried: {}", out.dump());
            assert!(!out.stdout.contains(" pages: "), "no account: {}", out.dump());
        }
    }
    let _ = std::fs::remove_file(out_file);
    // A twin run as its header says, with no site started: the same one line.
    if std::net::TcpStream::connect("127.0.0.1:8000").is_err() {
        let out = run_twin(DIR, "crawler", &[], 20);
        assert_eq!(out.code, Some(1), "{}", out.dump());
        line_err(&out, "no blog site at http://127.0.0.1:8000 (connection refused)");
    }
}

/// The one stderr line of a failed run, which contains `want`.
fn line_err(out: &RunOutput, want: &str) {
    let errors: Vec<&str> = out.stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(errors.len(), 1, "{}", out.dump());
    assert!(errors[0].contains(want), "{want}: {}", out.dump());
}

/// A `--site` that is not an http:// URL is refused like any bad flag (one
/// error line, exit 2) in every crawler and twin; a `--out` that cannot be
/// created is one error line (exit 1). Neither is a panic or a traceback.
#[test]
fn crawlers_refuse_a_bad_site_url_and_a_bad_out_path() {
    for bad in ["notaurl", "127.0.0.1:8000", "https://127.0.0.1:8000"] {
        for (exe, twin, args) in every_crawler(&["--site", bad, "--pages", "2"]) {
            for out in [run_bin(exe, &args, 10), run_twin(DIR, twin, &args, 10)] {
                assert_clean_failure(&out);
                assert_eq!(out.code, Some(2), "{}", out.dump());
                let errors = out.stderr.lines().filter(|l| l.contains("error:")).count();
                assert_eq!(errors, 1, "{}", out.dump());
                assert!(out.stderr.contains("http://HOST:PORT"), "{}", out.dump());
            }
        }
    }
    let site = site();
    let missing = std::env::temp_dir().join(format!("no-such-dir-{}", std::process::id()));
    let out_path = missing.join("posts.txt").display().to_string();
    let args = ["--site", site.url(), "--out", out_path.as_str()];
    for out in [run_bin(PIPELINE, &args, 10), run_twin(DIR, "crawler_pipeline", &args, 10)] {
        assert_clean_failure(&out);
        assert_eq!(out.code, Some(1), "{}", out.dump());
        let errors: Vec<&str> = out.stderr.lines().filter(|l| l.contains("rror:")).collect();
        assert_eq!(errors.len(), 1, "{}", out.dump());
        assert!(errors[0].contains("cannot create"), "{}", out.dump());
    }
}

#[test]
fn bad_flags_are_one_error_line() {
    let bad: [&[&str]; 12] = [
        &["--pages", "0"],
        &["--pages", "100001"],
        &["--pages", "4294967295"],
        &["--attempts", "0"],
        &["--attempts", "21"],
        &["--timeout", "nan"],
        &["--timeout", "inf"],
        &["--timeout", "-1"],
        &["--timeout", "0"],
        &["--timeout", "601"],
        &["--timeout", "1e999"],
        &["--pages", "ten"],
    ];
    for args in bad {
        for (exe, twin) in [(CRAWLER, "crawler"), (PIPELINE, "crawler_pipeline")] {
            for out in [run_bin(exe, args, 10), run_twin(DIR, twin, args, 10)] {
                assert_clean_failure(&out);
                assert_eq!(out.code, Some(2), "{args:?}: {}", out.dump());
                let errors = out.stderr.lines().filter(|l| l.contains("error:")).count();
                assert_eq!(errors, 1, "{args:?}: {}", out.dump());
            }
        }
    }
    for args in [["--latency-ms", "10001"], ["--latency-ms", "-1"]] {
        assert_eq!(run_bin(CRAWLER, &args, 10).code, Some(2));
        assert_eq!(run_bin(PIPELINE, &args, 10).code, Some(2));
    }
}

/// The pipeline's run: every page fetched once by craw0..2 and parsed once
/// by parse0..1, and the file holds every page's posts, closed and complete.
fn assert_pipeline(out: &RunOutput, file: &PathBuf) {
    ok(out);
    let (mut fetched, mut parsed) = (Vec::new(), Vec::new());
    for (_, who, msg) in out.events() {
        if let Some(rest) = msg.strip_prefix("craw ") {
            assert!(["craw0", "craw1", "craw2"].contains(&who.as_str()), "{}", out.dump());
            let url = rest.split(',').next().expect("a URL");
            fetched
                .push(url.rsplit('/').next().and_then(|p| p.parse::<u32>().ok()).expect("a page"));
        } else if let Some(rest) = msg.strip_prefix("parse page ") {
            assert!(["parse0", "parse1"].contains(&who.as_str()), "{}", out.dump());
            parsed
                .push(rest.split(':').next().and_then(|p| p.parse::<u32>().ok()).expect("a page"));
        }
    }
    fetched.sort_unstable();
    parsed.sort_unstable();
    let all: Vec<u32> = (1..=PAGES).collect();
    assert_eq!(fetched, all, "every page fetched exactly once: {}", out.dump());
    assert_eq!(parsed, all, "every page parsed exactly once: {}", out.dump());

    let text = std::fs::read_to_string(file).expect("the results file exists");
    let mut per_page: BTreeMap<u32, usize> = BTreeMap::new();
    for line in text.lines() {
        let mut fields = line.split('\t');
        let page: u32 =
            fields.next().and_then(|p| p.parse().ok()).expect("page<TAB>href<TAB>title");
        let href = fields.next().expect("an href");
        // Absolute links, as the original blog's.
        assert!(
            href.starts_with("http://127.0.0.1:") && href.contains(&format!("/p/{page}/")),
            "{line}"
        );
        *per_page.entry(page).or_default() += 1;
    }
    let want: BTreeMap<u32, usize> = (1..=PAGES).map(|n| (n, posts_on_page(n))).collect();
    assert_eq!(per_page, want, "the file holds every page's posts:\n{text}");
    line(out, &format!("{PAGES} pages: {PAGES} ok, 0 retried, 0 failed"));
    line(out, &format!("results: {} ({} lines)", file.display(), expected_posts(PAGES)));
    let total = expected_posts(PAGES);
    line(
        out,
        &format!("check: {total} posts in the file, each of {PAGES} fetched pages exactly once"),
    );
    let _ = std::fs::remove_file(file);
}

#[test]
fn pipeline_with_its_own_site_ends_by_itself() {
    let file = temp_out("own-rs");
    let path = file.to_str().expect("a UTF-8 temp path");
    let out = run_bin(PIPELINE, &["--pages", "10", "--latency-ms", "0", "--out", path], 60);
    assert_pipeline(&out, &file);
}

#[test]
fn pipeline_and_twin_on_a_running_site() {
    let site = site();
    for twin in [false, true] {
        let file = temp_out(&format!("site-{twin}"));
        let path = file.to_str().expect("a UTF-8 temp path");
        let args = ["--site", site.url(), "--pages", "10", "--out", path];
        let out = if twin {
            run_twin(DIR, "crawler_pipeline", &args, 60)
        } else {
            run_bin(PIPELINE, &args, 60)
        };
        assert_pipeline(&out, &file);
    }
}
