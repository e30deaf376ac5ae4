//! `crawler_proc` and its twin: the blog crawl on a pool of worker
//! processes. Each run is a child of the test with small flags and a time
//! limit, tagged so that no worker may outlive it (`common::bin` /
//! `common::twin`); the checks: every page crawled once, by a worker, with
//! its known post count, the account, the answer, the spans (one per page,
//! on its worker's row, never overlapping within a row), a dead site and bad
//! flags. No test asserts a time.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use common::{
    answer, assert_clean_failure, bin, bin_cmd, has_cost, line, ok, one_at_a_time, twin, twin_cmd,
    with_spans,
};
use shared::run::RunOutput;
use shared::site::{Site, SiteConfig, expected_posts, posts_on_page};

const EXE: &str = env!("CARGO_BIN_EXE_crawler_proc");
const PAGES: u32 = 8;

fn site() -> Site {
    Site::start(SiteConfig { pages: PAGES, latency: Duration::ZERO, ..SiteConfig::default() })
        .expect("the test site starts")
}

/// A base URL where nothing listens: bind port 0, note the port, close it.
fn dead_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind port 0");
    let port = listener.local_addr().expect("local addr").port();
    format!("http://127.0.0.1:{port}")
}

/// A clean crawl of PAGES pages on `workers` workers: each page reported
/// once, by a `worker (pid P)`, with its known count; at most `workers`
/// distinct workers; the cost line, the clean account and the answer.
/// Returns page -> the worker that reported it.
fn crawled(out: &RunOutput, workers: usize) -> BTreeMap<u32, String> {
    ok(out);
    let mut by_page = BTreeMap::new();
    for (_, who, msg) in out.events() {
        let Some((page, posts)) = msg.strip_prefix("page ").and_then(|m| m.split_once(": ")) else {
            continue;
        };
        let page: u32 = page.parse().expect("a page number");
        let want = format!("{} posts", posts_on_page(page));
        assert_eq!(posts, want, "page {page}\n{}", out.dump());
        assert!(who.starts_with("worker (pid ") && who.ends_with(')'), "{who}\n{}", out.dump());
        let earlier = by_page.insert(page, who);
        assert!(earlier.is_none(), "page {page} twice\n{}", out.dump());
    }
    let all: Vec<u32> = (1..=PAGES).collect();
    assert_eq!(by_page.keys().copied().collect::<Vec<_>>(), all, "{}", out.dump());
    let rows: BTreeSet<&String> = by_page.values().collect();
    assert!(rows.len() <= workers, "{rows:?}\n{}", out.dump());
    has_cost(out, "multi process");
    line(out, &format!("{PAGES} pages: {PAGES} ok, 0 retried, 0 failed"));
    let total = expected_posts(PAGES);
    assert_eq!(answer(out), format!("{total} post links on {PAGES} pages"), "{}", out.dump());
    by_page
}

#[test]
fn crawler_proc_with_its_own_site() {
    let args = ["--pages", "8", "--latency-ms", "0", "--workers", "2"];
    let out = bin(EXE, &args, 60);
    crawled(&out, 2);
    line(&out, "blog site: http://127.0.0.1:");
}

#[test]
fn crawler_proc_and_twin_on_a_running_site_with_spans() {
    let site = site();
    for is_twin in [false, true] {
        let args = ["--site", site.url(), "--pages", "8", "--workers", "3"];
        let cmd = if is_twin { twin_cmd("crawler_proc", &args) } else { bin_cmd(EXE, &args) };
        let (out, rows) = with_spans(cmd, if is_twin { 90 } else { 60 });
        let by_page = crawled(&out, 3);
        // One span per page, on the row of the worker that reported it; a
        // worker crawls one page at a time, so its spans never overlap.
        let mut pages = Vec::new();
        for (row, spans) in &rows {
            one_at_a_time(spans, &out);
            for s in spans.iter().filter(|s| s.start < s.end) {
                let Some(page) = s.what.strip_prefix("page ") else {
                    continue;
                };
                let page: u32 = page.parse().unwrap();
                assert_eq!(&by_page[&page], row, "{rows:?}\n{}", out.dump());
                pages.push(page);
            }
        }
        pages.sort_unstable();
        assert_eq!(pages, (1..=PAGES).collect::<Vec<_>>(), "{rows:?}\n{}", out.dump());
    }
}

#[test]
fn crawler_proc_and_twin_stop_at_once_without_a_site() {
    let url = dead_url();
    let args = ["--site", url.as_str(), "--pages", "2", "--attempts", "2"];
    for out in [bin(EXE, &args, 60), twin("crawler_proc", &args, 60)] {
        assert_clean_failure(&out);
        assert_eq!(out.code, Some(1), "{}", out.dump());
        // One line saying so and how to start one; no crawl, no account.
        let lines: Vec<&str> = out.stderr.lines().filter(|l| !l.trim().is_empty()).collect();
        assert_eq!(lines.len(), 1, "{}", out.dump());
        assert!(lines[0].contains("blog-site"), "{}", out.dump());
        assert!(!out.stdout.contains("pages:"), "{}", out.dump());
    }
}

#[test]
fn crawler_proc_and_twin_refuse_bad_flags() {
    let bad: [&[&str]; 9] = [
        &["--pages", "0"],
        &["--pages", "ten"],
        &["--workers", "0"],
        &["--workers", "257"],
        &["--attempts", "0"],
        &["--timeout", "nan"],
        &["--timeout", "0"],
        &["--timeout", "601"],
        &["--site", "127.0.0.1:8000"],
    ];
    for args in bad {
        for out in [bin(EXE, args, 10), twin("crawler_proc", args, 10)] {
            assert_clean_failure(&out);
            assert_eq!(out.code, Some(2), "{args:?}: {}", out.dump());
            let errors = out.stderr.lines().filter(|l| l.contains("error:")).count();
            assert_eq!(errors, 1, "{args:?}: {}", out.dump());
        }
    }
    assert_eq!(bin(EXE, &["--latency-ms", "10001"], 10).code, Some(2));
}

/// A faulty site: every URL is accounted for. With errors on half the
/// requests and 20 attempts, every page arrives (some retried) and the answer is
/// right; with errors on every request, every page fails after its 2
/// attempts, the account says so and the run exits 1 with one error line.
#[test]
fn crawler_proc_and_twin_account_for_every_url_under_faults() {
    let faulty = |error_rate| {
        let mut config =
            SiteConfig { pages: PAGES, latency: Duration::ZERO, ..SiteConfig::default() };
        config.faults.error_rate = error_rate;
        Site::start(config).expect("the test site starts")
    };
    let some = faulty(0.5);
    let args = ["--site", some.url(), "--pages", "8", "--workers", "2", "--attempts", "20"];
    for out in [bin(EXE, &args, 60), twin("crawler_proc", &args, 90)] {
        ok(&out);
        let total = expected_posts(PAGES);
        assert_eq!(answer(&out), format!("{total} post links on {PAGES} pages"), "{}", out.dump());
        let summary = line(&out, &format!("{PAGES} pages: "));
        assert!(summary.ends_with(" retried, 0 failed"), "{}", out.dump());
        assert!(!summary.contains(" 0 retried"), "{}", out.dump()); // half the requests fail: some pages retried
    }
    let all = faulty(1.0);
    let args = ["--site", all.url(), "--pages", "8", "--workers", "2", "--attempts", "2"];
    for out in [bin(EXE, &args, 60), twin("crawler_proc", &args, 90)] {
        assert_clean_failure(&out);
        assert_eq!(out.code, Some(1), "{}", out.dump());
        line(&out, "8 pages: 0 ok, 0 retried, 8 failed");
        line(
            &out,
            &format!("failed: {}/sitehome/p/1 after 2 attempts (HTTP 500, HTTP 500)", all.url()),
        );
        let errors = out.stderr.lines().filter(|l| l.to_lowercase().starts_with("error")).count();
        assert_eq!(errors, 1, "{}", out.dump());
        assert!(!out.stdout.contains("answer: "), "{}", out.dump());
    }
}
