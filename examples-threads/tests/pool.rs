//! `thread_pool` and `result_orders` and their Python twins, run as child
//! processes with a time limit each: the crawl with `map` and `submit` +
//! `as_completed` (on its own site, on a running site, on a faulty site with
//! the same account in Rust and Python), and the three result orders, whose
//! tasks finish in an order released through channels, so the test asserts
//! exact orders without racing sleeps. No test asserts a time.

mod accounts;
mod common;

use accounts::{PAGES, TIMEOUT, accounts, check_account, check_exit, faulty_site, mixed_faults};
use common::{DIR, assert_clean_failure, has_cost, line, ok, said};
use shared::run::{RunOutput, run_bin, run_twin};
use shared::site::{expected_posts, posts_on_page};

const POOL: &str = env!("CARGO_BIN_EXE_thread_pool");
const ORDERS: &str = env!("CARGO_BIN_EXE_result_orders");

/// Runs the bin at `exe` and its twin `twin` with the same flags.
fn both(exe: &str, twin: &str, args: &[&str]) -> [RunOutput; 2] {
    [run_bin(exe, args, 30), run_twin(DIR, twin, args, 30)]
}

/// What `main` said, in order.
fn main_said(out: &RunOutput) -> Vec<String> {
    said(out).into_iter().filter(|(who, _)| who == "main").map(|(_, msg)| msg).collect()
}

/// The page list of the `main` event starting with `prefix` (`... pages [1, 2]`).
fn pages(out: &RunOutput, prefix: &str) -> Vec<u32> {
    let msg = main_said(out)
        .into_iter()
        .find(|m| m.starts_with(prefix))
        .unwrap_or_else(|| panic!("no {prefix:?}\n{}", out.dump()));
    let list = msg.rsplit_once('[').map(|(_, l)| l.trim_end_matches(']')).unwrap_or_default();
    list.split(", ").filter(|s| !s.is_empty()).map(|s| s.parse().expect("a page")).collect()
}

/// A crawl with `fetched` pages fetched: map in input order, as_completed
/// yields each fetched page once (any order) with its known post count, and
/// the check and answer count every post link found.
fn assert_crawl(out: &RunOutput, fetched: &[u32]) {
    has_cost(out, "map");
    has_cost(out, "submit + as_completed");
    let all: Vec<u32> = (1..=PAGES).collect();
    let map = pages(out, "map (input order): pages ");
    assert_eq!(map, all, "{}", out.dump());
    // craw ran on the pool's threads, named alike in Rust and Python.
    for (who, msg) in said(out) {
        if msg.starts_with("craw ") {
            assert!(who.starts_with("pool_"), "{who}: {}", out.dump());
        }
    }
    // Each as_completed line carries the page's URL and its post count.
    let mut completed = Vec::new();
    for msg in main_said(out) {
        if let Some(rest) = msg.strip_prefix("as_completed: http") {
            let (url, posts) = rest.split_once(": ").expect("url: N posts");
            let page: u32 = url.rsplit('/').next().and_then(|p| p.parse().ok()).expect("a page");
            let want = format!("{} posts", posts_on_page(page));
            assert_eq!(posts, want, "{}", out.dump());
            completed.push(page);
        }
    }
    completed.sort_unstable();
    assert_eq!(completed, fetched, "each fetched page parsed once: {}", out.dump());
    if fetched.len() == PAGES as usize {
        let total = expected_posts(PAGES);
        line(out, &format!("check: the pool found {total} post links on {PAGES} pages"));
        line(out, &format!("answer: {total} post links on {PAGES} pages"));
    }
}

#[test]
fn crawl_with_its_own_site() {
    let args = ["--pages", "10", "--latency-ms", "0", "--workers", "4"];
    let out = run_bin(POOL, &args, 30);
    ok(&out);
    let all: Vec<u32> = (1..=PAGES).collect();
    assert_crawl(&out, &all);
    line(&out, &format!("{PAGES} pages: {PAGES} ok, 0 retried, 0 failed"));
}

#[test]
fn crawl_and_twin_on_a_running_site() {
    let site = faulty_site(0.0, 0.0, 0.0, 1);
    let all: Vec<u32> = (1..=PAGES).collect();
    for out in both(POOL, "thread_pool", &["--site", site.url(), "--pages", "10"]) {
        ok(&out);
        assert_crawl(&out, &all);
        line(&out, &format!("{PAGES} pages: {PAGES} ok, 0 retried, 0 failed"));
    }
}

/// Bin and twin on fresh sites with the same faults: every page accounted
/// for, only fetched pages parsed, exit 1 iff a page failed, same account.
fn replay(seed: u64, attempts: &str) -> accounts::Printed {
    let mut seen = Vec::new();
    for twin in [false, true] {
        let site = mixed_faults(seed);
        let args =
            ["--site", site.url(), "--pages", "10", "--timeout", TIMEOUT, "--attempts", attempts];
        let out =
            if twin { run_twin(DIR, "thread_pool", &args, 60) } else { run_bin(POOL, &args, 60) };
        let acc = accounts(&out, site.url());
        assert_eq!(acc.len(), 1, "one account: {}", out.dump());
        check_account(&acc[0], &out);
        check_exit(&acc, &out);
        let failed: Vec<u32> = acc[0]
            .lines
            .iter()
            .filter_map(|l| l.strip_prefix("failed: BASE/sitehome/p/"))
            .filter_map(|l| l.split(' ').next()?.parse().ok())
            .collect();
        let fetched: Vec<u32> = (1..=PAGES).filter(|n| !failed.contains(n)).collect();
        assert_crawl(&out, &fetched);
        seen.push(acc[0].clone());
    }
    assert_eq!(seen[0], seen[1], "the same seed, the same account");
    seen.remove(0)
}

#[test]
fn crawl_and_twin_under_faults_retry_and_replay() {
    let acc = replay(7, "4");
    assert!(acc.retried > 0 && acc.failed == 0, "{acc:?}");
    let acc = replay(3, "2");
    assert!(acc.failed > 0, "{acc:?}");
}

/// `--only map`: the whole crawl in map, no as_completed step; the answer
/// is the same as the full run's.
#[test]
fn crawl_and_twin_through_map_alone() {
    let site = faulty_site(0.0, 0.0, 0.0, 1);
    let args = ["--site", site.url(), "--pages", "10", "--workers", "3", "--only", "map"];
    for out in both(POOL, "thread_pool", &args) {
        ok(&out);
        has_cost(&out, "map");
        assert!(!out.stdout.contains("as_completed"), "{}", out.dump());
        let all: Vec<u32> = (1..=PAGES).collect();
        assert_eq!(pages(&out, "map (input order): pages "), all, "{}", out.dump());
        line(&out, &format!("answer: {} post links on {PAGES} pages", expected_posts(PAGES)));
    }
}

/// `result_orders`: the finishing order is exactly `order`, map keeps input
/// order, as_completed yields in `order`, the re-sort restores input order.
fn assert_orders(out: &RunOutput, order: &[usize]) {
    ok(out);
    let n = order.len();
    let mut rank = vec![0; n];
    for (k, &i) in order.iter().enumerate() {
        rank[i] = k;
    }
    // Tasks finish in `order`, in map and again under as_completed.
    let done: Vec<String> = said(out)
        .into_iter()
        .filter(|(_, m)| m.contains(": done (turn "))
        .map(|(_, m)| m)
        .collect();
    let want: Vec<String> =
        order.iter().enumerate().map(|(k, i)| format!("task {i}: done (turn {k})")).collect();
    assert_eq!(done, [want.clone(), want].concat(), "{}", out.dump());
    let main = main_said(out);
    let has = |msg: String| assert!(main.contains(&msg), "{msg}\n{}", out.dump());
    has(format!("map (input order): {rank:?}"));
    let completed: Vec<String> =
        main.iter().filter_map(|m| m.strip_prefix("as_completed: ")).map(String::from).collect();
    let want: Vec<String> =
        order.iter().enumerate().map(|(k, i)| format!("task {i} -> {k}")).collect();
    assert_eq!(completed, want, "{}", out.dump());
    let in_order: Vec<(usize, usize)> = order.iter().enumerate().map(|(k, &i)| (i, k)).collect();
    has(format!("as_completed (completion order, (index, result)): {in_order:?}"));
    let resorted: Vec<(usize, usize)> = (0..n).map(|i| (i, rank[i])).collect();
    has(format!("re-sorted by index: {resorted:?}"));
    // Every task ran on a pool thread, named alike in Rust and Python.
    for (who, msg) in said(out) {
        if msg.starts_with("task ") {
            let k = who.strip_prefix("pool_").and_then(|k| k.parse::<usize>().ok());
            assert!(k.is_some_and(|k| k < n), "{who}: {}", out.dump());
        }
    }
    line(out, &format!("check: map and the re-sorted results are both in input order {rank:?}"));
}

#[test]
fn result_orders_are_exact() {
    for out in both(ORDERS, "result_orders", &[]) {
        assert_orders(&out, &[4, 1, 3, 0, 2]);
    }
    // Input order finishing in input order, the reverse, and one task.
    for order in [&[0, 1, 2, 3][..], &[3, 2, 1, 0], &[0]] {
        let flag: Vec<String> = order.iter().map(|i| i.to_string()).collect();
        for out in both(ORDERS, "result_orders", &["--finish-order", &flag.join(",")]) {
            assert_orders(&out, order);
        }
    }
}

#[test]
fn bad_flags_are_one_error_line() {
    let orders: [&[&str]; 5] = [
        &["--finish-order", "1,1"],
        &["--finish-order", "0,2"],
        &["--finish-order", "x"],
        &["--finish-order", ""],
        &["--finish-order", "0,-1"],
    ];
    let pool: [&[&str]; 8] = [
        &["--workers", "0"],
        &["--workers", "257"],
        &["--pages", "100001"],
        &["--timeout", "nan"],
        &["--timeout", "inf"],
        &["--attempts", "0"],
        &["--only", "submit"],
        &["--site", "127.0.0.1:8000"],
    ];
    let runs = orders.iter().map(|a| (ORDERS, "result_orders", a));
    for (exe, twin, args) in runs.chain(pool.iter().map(|a| (POOL, "thread_pool", a))) {
        for out in both(exe, twin, args) {
            assert_clean_failure(&out);
            assert_eq!(out.code, Some(2), "{args:?}: {}", out.dump());
            let errors = out.stderr.lines().filter(|l| l.contains("error:")).count();
            assert_eq!(errors, 1, "{args:?}: {}", out.dump());
        }
    }
}
