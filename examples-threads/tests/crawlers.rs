//! The crawler bins and their Python twins, run as child processes against
//! a local blog site (5 pages, 10 ms per request) with a time limit each.
//! The Rust bins start their own site in-process or take `--site`; the twins
//! always get `--site` pointing at a site this test starts in-process. No
//! test asserts a time: only counts, file contents, messages and exit codes.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

mod common;

use common::{DIR, assert_clean_failure, has_cost, line, ok};
use shared::run::{RunOutput, run_bin, run_twin};
use shared::site::{Site, SiteConfig, expected_posts, posts_on_page};

const PAGES: u32 = 5;

fn site() -> Site {
    Site::start(SiteConfig {
        pages: PAGES,
        latency: Duration::from_millis(10),
        ..SiteConfig::default()
    })
    .expect("the blog site starts")
}

/// A base URL where nothing listens: bind port 0, note the port, close it.
fn dead_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind port 0");
    let port = listener.local_addr().expect("local addr").port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}

/// The crawler's run: both cost lines, every page once per crawl, the check.
fn assert_crawled(out: &RunOutput) {
    ok(out);
    has_cost(out, "single thread");
    has_cost(out, "multi thread");
    let pages: Vec<(String, String)> = out
        .events()
        .into_iter()
        .filter(|(_, _, msg)| msg.starts_with("page "))
        .map(|(_, who, msg)| (who, msg))
        .collect();
    // Single thread: main, in page order. Multi thread: craw-N reports page N.
    let single: Vec<&str> = pages
        .iter()
        .filter(|(w, _)| w == "main")
        .map(|(_, m)| m.as_str())
        .collect();
    let expected: Vec<String> = (1..=PAGES)
        .map(|n| format!("page {n}: {} posts", posts_on_page(n)))
        .collect();
    assert_eq!(single, expected, "{}", out.dump());
    let mut multi: Vec<(String, String)> = pages.into_iter().filter(|(w, _)| w != "main").collect();
    multi.sort_by_key(|(who, _)| who.trim_start_matches("craw-").parse::<u32>().unwrap_or(0));
    let want: Vec<(String, String)> = (1..=PAGES)
        .map(|n| (format!("craw-{n}"), expected[n as usize - 1].clone()))
        .collect();
    assert_eq!(multi, want, "{}", out.dump());
    let check = format!(
        "check: both crawls found {} post links on {PAGES} pages",
        expected_posts(PAGES)
    );
    line(out, &check);
}

#[test]
fn crawler_with_its_own_site() {
    let out = run_bin(
        env!("CARGO_BIN_EXE_crawler"),
        &["--pages", "5", "--latency-ms", "10"],
        60,
    );
    assert_crawled(&out);
}

#[test]
fn crawler_and_twin_on_a_running_site() {
    let site = site();
    let args = ["--site", site.url(), "--pages", "5"];
    assert_crawled(&run_bin(env!("CARGO_BIN_EXE_crawler"), &args, 60));
    assert_crawled(&run_twin(DIR, "crawler", &args, 60));
}

#[test]
fn crawlers_report_a_dead_site_clearly() {
    let url = dead_url();
    let args = ["--site", url.as_str(), "--pages", "2"];
    let (rs, py) = (temp_out("dead-rs"), temp_out("dead-py"));
    let (rs_path, py_path) = (rs.display().to_string(), py.display().to_string());
    let rs_args = [
        "--site",
        url.as_str(),
        "--pages",
        "2",
        "--out",
        rs_path.as_str(),
    ];
    let py_args = [
        "--site",
        url.as_str(),
        "--pages",
        "2",
        "--out",
        py_path.as_str(),
    ];
    for out in [
        run_bin(env!("CARGO_BIN_EXE_crawler"), &args, 60),
        run_twin(DIR, "crawler", &args, 60),
        run_bin(env!("CARGO_BIN_EXE_crawler_pipeline"), &rs_args, 60),
        run_twin(DIR, "crawler_pipeline", &py_args, 60),
    ] {
        assert_clean_failure(&out);
        assert!(
            out.stderr.contains(&url),
            "the error names the URL: {}",
            out.dump()
        );
    }
    let _ = (std::fs::remove_file(rs), std::fs::remove_file(py));
    assert_clean_failure(&run_bin(
        env!("CARGO_BIN_EXE_crawler"),
        &["--pages", "0"],
        10,
    ));
}

fn temp_out(tag: &str) -> PathBuf {
    std::env::temp_dir().join(format!(
        "crawler-pipeline-test-{}-{tag}.txt",
        std::process::id()
    ))
}

/// The pipeline's run: every page fetched once by craw0..2 and parsed once
/// by parse0..1, and the file holds every page's posts.
fn assert_pipeline(out: &RunOutput, file: &PathBuf) {
    ok(out);
    let mut fetched = Vec::new();
    let mut parsed = Vec::new();
    for (_, who, msg) in out.events() {
        if let Some(rest) = msg.strip_prefix("craw ") {
            assert!(
                ["craw0", "craw1", "craw2"].contains(&who.as_str()),
                "{}",
                out.dump()
            );
            let page = rest
                .split(',')
                .next()
                .and_then(|u| u.rsplit('/').next())
                .expect("a URL");
            fetched.push(page.parse::<u32>().expect("a page number"));
        } else if let Some(rest) = msg.strip_prefix("parse page ") {
            assert!(
                ["parse0", "parse1"].contains(&who.as_str()),
                "{}",
                out.dump()
            );
            let page = rest.split(':').next().expect("a page number");
            parsed.push(page.parse::<u32>().expect("a page number"));
        }
    }
    fetched.sort_unstable();
    parsed.sort_unstable();
    let all: Vec<u32> = (1..=PAGES).collect();
    assert_eq!(
        fetched,
        all,
        "every page fetched exactly once: {}",
        out.dump()
    );
    assert_eq!(
        parsed,
        all,
        "every page parsed exactly once: {}",
        out.dump()
    );

    let text = std::fs::read_to_string(file).expect("the results file exists");
    let mut per_page: BTreeMap<u32, usize> = BTreeMap::new();
    for line in text.lines() {
        let page = line
            .split('\t')
            .next()
            .and_then(|p| p.parse().ok())
            .expect("page<TAB>href<TAB>title");
        assert!(line.contains(&format!("\t/p/{page}/")), "{line}");
        *per_page.entry(page).or_default() += 1;
    }
    let want: BTreeMap<u32, usize> = (1..=PAGES).map(|n| (n, posts_on_page(n))).collect();
    assert_eq!(per_page, want, "the file holds every page's posts:\n{text}");
    line(out, &format!("results: {} (", file.display()));
    let check = format!(
        "check: {} posts in the file, each of {PAGES} pages exactly once",
        expected_posts(PAGES)
    );
    line(out, &check);
    let _ = std::fs::remove_file(file);
}

#[test]
fn pipeline_with_its_own_site_ends_by_itself() {
    let file = temp_out("rs");
    let path = file.to_str().expect("a UTF-8 temp path");
    let out = run_bin(
        env!("CARGO_BIN_EXE_crawler_pipeline"),
        &["--pages", "5", "--latency-ms", "10", "--out", path],
        60,
    );
    assert_pipeline(&out, &file);
}

#[test]
fn pipeline_and_twin_on_a_running_site() {
    let site = site();
    let (rs, py) = (temp_out("site-rs"), temp_out("site-py"));
    for (file, twin) in [(&rs, false), (&py, true)] {
        let path = file.to_str().expect("a UTF-8 temp path");
        let args = ["--site", site.url(), "--pages", "5", "--out", path];
        let out = if twin {
            run_twin(DIR, "crawler_pipeline", &args, 60)
        } else {
            run_bin(env!("CARGO_BIN_EXE_crawler_pipeline"), &args, 60)
        };
        assert_pipeline(&out, file);
    }
}
