//! What the comparison harness reads from the bins and their twins, none of
//! it a flag of theirs: the cost lines and the one `answer:` line they print
//! for a person (one variant per process with `--only`), and the spans that
//! `shared` (or `blog_spider.py`) records by itself while the environment
//! variable `CONCURRENCY_PAIRS_SPANS` names a file: fetches (`page N`), cost
//! lines (their label), big `is_prime` calls, and every event line as a mark
//! (a span with start == end). For `crawler`, `thread_pool`, `cpu_bound`,
//! `sing_dance` and `semaphore`. The checks on spans are ones no scheduler
//! can break: the rows and labels the program must produce, `0 <= start <=
//! end`, that one thread's fetches never overlap, that each printed event is
//! a mark on its row, and that jobs under a semaphore never overlap more than
//! its permits. No test asserts a time. Two assert that spans do overlap,
//! where the lesson is that they run at once, with wide margins: the 10
//! threads of the multi-thread crawl, each waiting 50 ms on the site, started
//! within a millisecond or so; and cpu_bound's pool of two threads, each
//! `is_prime` call tens of milliseconds or more (time-sliced, two calls are still
//! both open on one core).

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;
use std::time::Duration;

mod accounts;
mod common;

use accounts::{PAGES, faulty_site};
use common::{DIR, TempSpans, bad_spans_path_fails, line, max_open, missing_spans_path, ok};
use shared::report::crawl_answer;
use shared::run::{RunOutput, run_with_timeout};
use shared::site::{Site, SiteConfig, expected_posts};
use shared::spans::{SPANS_ENV, Span};

const CRAWLER: &str = env!("CARGO_BIN_EXE_crawler");
const POOL: &str = env!("CARGO_BIN_EXE_thread_pool");
const CPU: &str = env!("CARGO_BIN_EXE_cpu_bound");
const SING: &str = env!("CARGO_BIN_EXE_sing_dance");
const SEMAPHORE: &str = env!("CARGO_BIN_EXE_semaphore");

/// Runs the bin at `exe` (`python == false`) or its twin `python/<twin>.py`
/// with `args`, recording spans into `spans` if given, as compare does.
fn run(
    (exe, twin): (&str, &str),
    python: bool,
    args: &[&str],
    spans: Option<&str>,
    secs: u64,
) -> RunOutput {
    let mut cmd = if python {
        let mut cmd = Command::new("python3");
        cmd.arg("-u").arg(format!("{DIR}/python/{twin}.py"));
        cmd
    } else {
        Command::new(exe)
    };
    cmd.args(args);
    if let Some(path) = spans {
        cmd.env(SPANS_ENV, path);
    }
    run_with_timeout(cmd, Duration::from_secs(secs)).expect("the example starts")
}

/// The labels of the run's cost lines (`<label>, cost = X seconds`), in order.
fn costs(out: &RunOutput) -> Vec<String> {
    let cost = |l: &str| Some(l.split_once(", cost = ")?.0.to_string());
    let costs: Vec<String> = out.stdout.lines().filter_map(cost).collect();
    for l in out.stdout.lines().filter(|l| l.contains(", cost = ")) {
        let secs = l.split_once(", cost = ").unwrap().1.strip_suffix(" seconds");
        let secs = secs.and_then(|s| s.parse::<f64>().ok());
        assert!(secs.is_some_and(|s| s >= 0.0), "{l}\n{}", out.dump());
    }
    costs
}

/// The run's one `answer: ...` line, without the prefix.
fn answer(out: &RunOutput) -> String {
    let answers: Vec<&str> =
        out.stdout.lines().filter_map(|l| l.strip_prefix("answer: ")).collect();
    assert_eq!(answers.len(), 1, "one answer line\n{}", out.dump());
    answers[0].to_string()
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

/// The spans whose label is exactly `prefix` and a number (`page 7`).
fn numbered(spans: &[Span], prefix: &str) -> Vec<Span> {
    let is = |s: &&Span| {
        let n = s.what.strip_prefix(prefix);
        n.is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    };
    spans.iter().filter(is).cloned().collect()
}

/// The labels of `spans`, sorted.
fn labels(spans: &[Span]) -> Vec<String> {
    let mut l: Vec<String> = spans.iter().map(|s| s.what.clone()).collect();
    l.sort();
    l
}

/// `page 1` .. `page n`, sorted as [`labels`] sorts.
fn pages(n: u32) -> Vec<String> {
    let mut l: Vec<String> = (1..=n).map(|p| format!("page {p}")).collect();
    l.sort();
    l
}

/// Every event line printed is a mark on its row (start == end, the
/// message as its label, at the printed time), and every mark was printed.
fn events_are_marks(spans: &[Span], out: &RunOutput) {
    let mut marks: Vec<(String, String, f64)> = spans
        .iter()
        .filter(|s| s.start == s.end)
        .map(|s| (s.name.clone(), s.what.clone(), s.start))
        .collect();
    let mut events: Vec<(String, String, f64)> =
        out.events().into_iter().map(|(t, w, m)| (w, m, t)).collect();
    assert_eq!(marks.len(), events.len(), "{marks:?}\n{}", out.dump());
    let key = |a: &(String, String, f64), b: &(String, String, f64)| {
        (&a.0, &a.1).cmp(&(&b.0, &b.1)).then(a.2.total_cmp(&b.2))
    };
    marks.sort_by(key);
    events.sort_by(key);
    for (m, e) in marks.iter().zip(&events) {
        assert_eq!((&m.0, &m.1), (&e.0, &e.1), "{}", out.dump());
        // The line shows milliseconds, rounded.
        assert!((m.2 - e.2).abs() <= 0.0015, "{m:?} vs {e:?}\n{}", out.dump());
    }
}

/// A span labelled `label` (a cost line's) on row `main`.
fn has_cost_span(spans: &[Span], label: &str, out: &RunOutput) {
    let found = spans.iter().any(|s| s.what == label && s.name == "main");
    assert!(found, "no span {label:?} on main: {spans:?}\n{}", out.dump());
}

// ---------- crawler ----------

#[test]
fn crawler_costs_answer_and_spans() {
    let site = faulty_site(0.0, 0.0, 0.0, 1);
    let answer_10 = crawl_answer(expected_posts(PAGES), PAGES);
    for python in [false, true] {
        for only in [Some("single"), Some("multi"), None] {
            let spans = TempSpans::new(&format!("crawler-{python}-{only:?}"));
            let mut args = vec!["--site", site.url(), "--pages", "10"];
            args.extend(only.map(|o| ["--only", o]).iter().flatten());
            let out = run((CRAWLER, "crawler"), python, &args, Some(spans.arg()), 60);
            ok(&out);
            let want: &[&str] = match only {
                Some("single") => &["single thread"],
                Some("multi") => &["multi thread"],
                _ => &["single thread", "multi thread"],
            };
            assert_eq!(costs(&out), want, "{}", out.dump());
            assert_eq!(answer(&out), answer_10, "{}", out.dump());
            // The followed link is a step of the full demo only.
            let followed = out.stdout.contains("\nfollowed ");
            assert_eq!(followed, only.is_none(), "{}", out.dump());
            let crawls = match only {
                Some(o) => format!("the {o}-thread crawl"),
                None => "both crawls".into(),
            };
            let found = expected_posts(PAGES);
            line(&out, &format!("check: {crawls} found {found} post links"));

            // One fetch per page and crawl: `main` one page after another, `craw-N` page N.
            let spans = spans.spans(&out);
            let fetches = numbered(&spans, "page ");
            let (single, multi): (Vec<Span>, Vec<Span>) =
                fetches.into_iter().partition(|s| s.name == "main");
            let want_pages = |crawl| {
                if only.is_none_or(|o| o == crawl) { pages(PAGES) } else { vec![] }
            };
            assert_eq!(labels(&single), want_pages("single"), "{}", out.dump());
            assert_eq!(labels(&multi), want_pages("multi"), "{}", out.dump());
            rows_never_overlap(&single, &out);
            for s in &multi {
                let (row, page) = (s.name.strip_prefix("craw-"), s.what.strip_prefix("page "));
                assert_eq!(row, page, "{s:?}");
            }
            want.iter().for_each(|&label| has_cost_span(&spans, label, &out));
            events_are_marks(&spans, &out);
        }
    }
}

/// The multi-thread crawl's threads fetch at once: with the site taking 50 ms
/// a page, more than one `page N` span on the `craw-N` rows is open at some
/// instant (a thread joined as soon as it is spawned would make it 1).
#[test]
fn crawler_threads_fetch_at_once() {
    let config =
        SiteConfig { pages: PAGES, latency: Duration::from_millis(50), ..Default::default() };
    let site = Site::start(config).expect("the blog site starts");
    for python in [false, true] {
        let spans = TempSpans::new(&format!("crawler-overlap-{python}"));
        let args = ["--site", site.url(), "--pages", "10", "--only", "multi"];
        let out = run((CRAWLER, "crawler"), python, &args, Some(spans.arg()), 60);
        ok(&out);
        let fetches = numbered(&spans.spans(&out), "page ");
        let fetches: Vec<&Span> = fetches.iter().filter(|s| s.name.starts_with("craw-")).collect();
        assert_eq!(fetches.len(), PAGES as usize, "{}", out.dump());
        assert!(max_open(&fetches) > 1, "one fetch at a time: {fetches:?}\n{}", out.dump());
    }
}

// ---------- thread_pool ----------

#[test]
fn thread_pool_costs_answer_and_spans() {
    let site = faulty_site(0.0, 0.0, 0.0, 1);
    let answer_10 = crawl_answer(expected_posts(PAGES), PAGES);
    let workers = 3;
    for python in [false, true] {
        for only in [Some("map"), None] {
            let spans = TempSpans::new(&format!("pool-{python}-{only:?}"));
            let mut args = vec!["--site", site.url(), "--pages", "10", "--workers", "3"];
            args.extend(only.map(|o| ["--only", o]).iter().flatten());
            let out = run((POOL, "thread_pool"), python, &args, Some(spans.arg()), 60);
            ok(&out);
            let want: &[&str] = match only {
                Some(_) => &["map"],
                None => &["map", "submit + as_completed"],
            };
            assert_eq!(costs(&out), want, "{}", out.dump());
            assert_eq!(answer(&out), answer_10, "{}", out.dump());
            let as_completed = out.stdout.contains("] as_completed: ");
            assert_eq!(as_completed, only.is_none(), "{}", out.dump());

            // A fetch per page, each on a pool thread's row, one job at a time per thread.
            let spans = spans.spans(&out);
            let fetches = numbered(&spans, "page ");
            assert_eq!(labels(&fetches), pages(PAGES), "{}", out.dump());
            let rows: BTreeSet<String> = fetches.iter().map(|s| s.name.clone()).collect();
            let pool: BTreeSet<String> = (0..workers).map(|i| format!("pool_{i}")).collect();
            assert!(rows.is_subset(&pool) && !rows.is_empty(), "{rows:?}\n{}", out.dump());
            rows_never_overlap(&fetches, &out);
            want.iter().for_each(|&label| has_cost_span(&spans, label, &out));
            events_are_marks(&spans, &out);
        }
    }
}

// ---------- cpu_bound ----------

#[test]
fn cpu_bound_costs_answer_and_spans() {
    // Pure Python trial division: ~0.3 s a number, so 2 numbers.
    let runs = [
        (false, Some("single")),
        (false, Some("pool")),
        (false, None),
        (true, Some("single")),
        (true, Some("pool")),
    ];
    for (python, only) in runs {
        let spans = TempSpans::new(&format!("cpu-{python}-{only:?}"));
        let mut args = vec!["--count", "2", "--threads", "2"];
        args.extend(only.map(|o| ["--only", o]).iter().flatten());
        let out = run((CPU, "cpu_bound"), python, &args, Some(spans.arg()), 60);
        ok(&out);
        let want: &[&str] = match only {
            Some("single") => &["single thread"],
            Some(_) => &["thread pool"],
            None => &["single thread", "thread pool"],
        };
        assert_eq!(costs(&out), want, "{}", out.dump());
        // The same answer in Rust and Python, for every variant.
        assert_eq!(answer(&out), "2 of 2 prime", "{}", out.dump());

        // A span per big is_prime call, on the row of who ran it, one call at a time per row.
        let spans = spans.spans(&out);
        let calls = numbered(&spans, "is_prime ");
        assert_eq!(calls.len(), 2 * want.len(), "{}", out.dump());
        for s in &calls {
            let row_ok = match only {
                Some("single") => s.name == "main",
                Some(_) => s.name.starts_with("pool_"),
                None => s.name == "main" || s.name.starts_with("pool_"),
            };
            assert!(row_ok, "{s:?}\n{}", out.dump());
        }
        rows_never_overlap(&calls, &out);
        want.iter().for_each(|&label| has_cost_span(&spans, label, &out));
    }
}

/// The pool really runs in parallel: its `is_prime` calls come from at least
/// two pool threads and two of them are open at once (`iter` for `par_iter`,
/// or a pool of one, would keep them on one row, one after another).
#[test]
fn cpu_bound_pool_runs_in_parallel() {
    // Pure Python: ~0.3 s a number, so 4; the GIL still lets both threads hold a call open.
    for (python, count) in [(false, "8"), (true, "4")] {
        let spans = TempSpans::new(&format!("cpu-parallel-{python}"));
        let args = ["--only", "pool", "--threads", "2", "--count", count];
        let out = run((CPU, "cpu_bound"), python, &args, Some(spans.arg()), 60);
        ok(&out);
        let calls = numbered(&spans.spans(&out), "is_prime ");
        let calls: Vec<&Span> = calls.iter().filter(|s| s.name.starts_with("pool_")).collect();
        assert_eq!(calls.len(), count.parse::<usize>().unwrap(), "{}", out.dump());
        let rows: BTreeSet<&str> = calls.iter().map(|s| s.name.as_str()).collect();
        assert!(rows.len() >= 2, "all on {rows:?}\n{}", out.dump());
        assert!(max_open(&calls) >= 2, "one call at a time: {calls:?}\n{}", out.dump());
    }
}

// ---------- sing_dance ----------

#[test]
fn sing_dance_marks_a_line_each() {
    for python in [false, true] {
        let spans = TempSpans::new(&format!("sing-{python}"));
        let args = ["--iterations", "3", "--interval", "0.01"];
        let out = run((SING, "sing_dance"), python, &args, Some(spans.arg()), 10);
        ok(&out);
        let spans = spans.spans(&out);
        events_are_marks(&spans, &out);
        // Each thread's three lines are marks on its own row, in its order.
        let rows = by_row(&spans);
        for row in ["sing", "dance"] {
            let marks = rows.get(row).map_or(0, |m| m.len());
            assert_eq!(marks, 3, "{row}: {spans:?}\n{}", out.dump());
        }
    }
}

// ---------- semaphore ----------

#[test]
fn semaphore_jobs_never_exceed_the_permits() {
    for python in [false, true] {
        // From each spider's `acquired` mark to its `releasing` mark it holds a
        // permit: at most `permits` such windows open at any instant.
        let spans = TempSpans::new(&format!("sem-{python}"));
        let args = ["--jobs", "7", "--permits", "3", "--job-secs", "0.02"];
        let out = run((SEMAPHORE, "semaphore"), python, &args, Some(spans.arg()), 30);
        ok(&out);
        let spans = spans.spans(&out);
        events_are_marks(&spans, &out);
        let rows = by_row(&spans);
        let mut want: Vec<String> = (1..=7).map(|i| format!("spider-{i}")).collect();
        want.sort();
        let spiders: Vec<&String> = rows.keys().filter(|r| r.starts_with("spider-")).collect();
        assert_eq!(spiders, want.iter().collect::<Vec<_>>(), "{}", out.dump());
        let held: Vec<Span> = want
            .iter()
            .map(|row| {
                let at = |prefix: &str| {
                    let m = rows[row].iter().find(|s| s.what.starts_with(prefix));
                    m.unwrap_or_else(|| panic!("{row}: no {prefix:?} mark\n{}", out.dump())).start
                };
                let (start, end) = (at("acquired"), at("releasing"));
                Span { name: row.clone(), what: "permit".into(), start, end }
            })
            .collect();
        assert!(max_open(&held) <= 3, "{held:?}\n{}", out.dump());
    }
}

// ---------- bad --only values ----------

#[test]
fn an_unknown_only_is_refused_by_bin_and_twin() {
    common::refused(CRAWLER, "crawler", &["--only", "threads"], 2, "threads");
    common::refused(POOL, "thread_pool", &["--only", "submit"], 2, "submit");
    common::refused(CPU, "cpu_bound", &["--only", "gil"], 2, "gil");
}

// ---------- a bad spans path ----------

#[test]
fn a_spans_file_that_cannot_be_created_is_one_error_line() {
    let path = missing_spans_path();
    let site = faulty_site(0.0, 0.0, 0.0, 1);
    let runs: [((&str, &str), Vec<&str>); 5] = [
        ((CRAWLER, "crawler"), vec!["--site", site.url(), "--pages", "2"]),
        ((POOL, "thread_pool"), vec!["--site", site.url(), "--pages", "2"]),
        ((CPU, "cpu_bound"), vec!["--count", "1"]),
        ((SING, "sing_dance"), vec!["--iterations", "1", "--interval", "0"]),
        ((SEMAPHORE, "semaphore"), vec!["--jobs", "1", "--job-secs", "0"]),
    ];
    for (bin, args) in runs {
        for python in [false, true] {
            // It fails before the work: one error line, no cost line.
            bad_spans_path_fails(&run(bin, python, &args, Some(&path), 30));
        }
    }
    // and creates no directory on the way
    let dir = std::path::Path::new(&path).parent().unwrap();
    assert!(!dir.exists());
}

/// Without the variable nothing is recorded and nothing is said about spans.
#[test]
fn no_spans_file_without_the_variable() {
    let out = run((POOL, "thread_pool"), false, &["--pages", "2", "--latency-ms", "0"], None, 30);
    ok(&out);
    assert!(!out.stdout.contains("spans") && out.stderr.is_empty(), "{}", out.dump());
}
