//! `crawler_proc` and its twin: the blog crawl on a pool of worker
//! processes. Each run is a child of the test with small flags and a time
//! limit, tagged so that no worker may outlive it (`common::bin` /
//! `common::twin`); the checks: every page crawled once, by a worker, with
//! its known post count, the account, the check line, the `--json` report,
//! the spans (one per page, on its worker's row, never overlapping within a
//! row), a dead site, bad flags and a bad spans path. No test asserts a time.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use common::{
    assert_clean_failure, bad_spans_path_fails, bin, has_cost, line, missing_spans_path, ok,
    one_at_a_time, report, spans_by_row, spans_path, twin,
};
use serde_json::json;
use shared::run::RunOutput;
use shared::site::{Site, SiteConfig, expected_posts, posts_on_page};

const EXE: &str = env!("CARGO_BIN_EXE_crawler_proc");
const PAGES: u32 = 8;

fn site() -> Site {
    Site::start(SiteConfig {
        pages: PAGES,
        latency: Duration::ZERO,
        ..SiteConfig::default()
    })
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
/// distinct workers; the cost line, the clean account and the check.
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
        assert!(
            who.starts_with("worker (pid ") && who.ends_with(')'),
            "{who}\n{}",
            out.dump()
        );
        let earlier = by_page.insert(page, who);
        assert!(earlier.is_none(), "page {page} twice\n{}", out.dump());
    }
    let all: Vec<u32> = (1..=PAGES).collect();
    assert_eq!(
        by_page.keys().copied().collect::<Vec<_>>(),
        all,
        "{}",
        out.dump()
    );
    let rows: BTreeSet<&String> = by_page.values().collect();
    assert!(rows.len() <= workers, "{rows:?}\n{}", out.dump());
    has_cost(out, "multi process");
    line(
        out,
        &format!("{PAGES} pages: {PAGES} ok, 0 retried, 0 failed"),
    );
    let total = expected_posts(PAGES);
    line(
        out,
        &format!("check: the process pool found {total} post links on {PAGES} pages, as expected"),
    );
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
fn crawler_proc_and_twin_on_a_running_site_json_and_spans() {
    let site = site();
    let mut answers = Vec::new();
    for (is_twin, lang) in [(false, "rust"), (true, "python")] {
        let path = spans_path("crawler_proc");
        let path_arg = path.display().to_string();
        let args = [
            "--site",
            site.url(),
            "--pages",
            "8",
            "--workers",
            "3",
            "--json",
            "--spans",
            &path_arg,
        ];
        let out = if is_twin {
            twin("crawler_proc", &args, 90)
        } else {
            bin(EXE, &args, 60)
        };
        let by_page = crawled(&out, 3);
        let params = [("pages", json!(PAGES)), ("workers", json!(3))];
        let r = report(
            &out,
            "crawler_proc",
            lang,
            "crawl",
            &params,
            &["multi process"],
        );
        // A running site: its latency is not this run's to report.
        assert_eq!(r.params.get("latency_ms"), None, "{}", out.dump());
        let answer = r.answer.expect("an answer");
        let total = expected_posts(PAGES);
        assert_eq!(answer, format!("{total} post links on {PAGES} pages"));
        answers.push(answer);

        // One span per page, on the row of the worker that reported it; a
        // worker crawls one page at a time, so its spans never overlap.
        let rows = spans_by_row(&path, &out);
        let mut pages = Vec::new();
        for (row, spans) in &rows {
            one_at_a_time(spans, &out);
            for s in spans {
                let page: u32 = s.what.strip_prefix("page ").unwrap().parse().unwrap();
                assert_eq!(&by_page[&page], row, "{}", out.dump());
                pages.push(page);
            }
        }
        pages.sort_unstable();
        assert_eq!(pages, (1..=PAGES).collect::<Vec<_>>(), "{rows:?}");
    }
    assert_eq!(answers[0], answers[1], "Rust and Python agree");
}

#[test]
fn crawler_proc_own_site_reports_its_latency() {
    let args = [
        "--pages",
        "8",
        "--latency-ms",
        "0",
        "--workers",
        "1",
        "--json",
    ];
    let out = bin(EXE, &args, 60);
    crawled(&out, 1);
    let params = [
        ("pages", json!(8)),
        ("workers", json!(1)),
        ("latency_ms", json!(0)),
    ];
    report(
        &out,
        "crawler_proc",
        "rust",
        "crawl",
        &params,
        &["multi process"],
    );
}

#[test]
fn crawler_proc_and_twin_report_a_dead_site_clearly() {
    let url = dead_url();
    let args = ["--site", url.as_str(), "--pages", "2", "--attempts", "2"];
    for out in [bin(EXE, &args, 60), twin("crawler_proc", &args, 60)] {
        assert_clean_failure(&out);
        assert_eq!(out.code, Some(1), "{}", out.dump());
        line(&out, "2 pages: 0 ok, 0 retried, 2 failed");
        let want = format!(
            "failed: {url}/sitehome/p/1 after 2 attempts (connection refused, connection refused)"
        );
        line(&out, &want);
        let errors: Vec<&str> = out
            .stderr
            .lines()
            .filter(|l| l.to_lowercase().starts_with("error"))
            .collect();
        assert_eq!(errors.len(), 1, "{}", out.dump());
        assert!(
            errors[0].ends_with("the multi-process crawl: 2 of 2 pages failed after their retries"),
            "{}",
            out.dump()
        );
    }
}

#[test]
fn crawler_proc_and_twin_refuse_bad_flags_and_a_bad_spans_path() {
    let bad: [&[&str]; 8] = [
        &["--pages", "0"],
        &["--pages", "ten"],
        &["--workers", "0"],
        &["--workers", "257"],
        &["--attempts", "0"],
        &["--timeout", "nan"],
        &["--timeout", "0"],
        &["--timeout", "601"],
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
    // The spans file is created before the work: nothing is crawled.
    let missing = missing_spans_path();
    let args = ["--site", "http://127.0.0.1:1", "--spans", missing.as_str()];
    for out in [bin(EXE, &args, 10), twin("crawler_proc", &args, 10)] {
        bad_spans_path_fails(&out);
        assert!(!out.stdout.contains("pages:"), "{}", out.dump());
    }
}
