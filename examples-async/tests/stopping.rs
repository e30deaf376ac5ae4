//! Issue 17's async pairs, stopping well: `task_group`, `group_timeout`,
//! `cancel_safety` and `graceful_shutdown`, each Rust bin beside its Python
//! twin, run as child processes with a time limit that only catches a hang.
//! Nothing is ordered by racing sleeps: the bins order their own events
//! (a barrier, a timeout nothing else can beat, chunks sent on ticks), and
//! the crawl's stop is checked by what it says, not by when.

use std::collections::BTreeSet;
use std::time::Duration;

use shared::run::checks::{count, line, ok, pos};
use shared::run::{RunOutput, run_bin, run_twin};
use shared::site::{Site, SiteConfig};

const DIR: &str = env!("CARGO_MANIFEST_DIR");
const TASK_GROUP: &str = env!("CARGO_BIN_EXE_task_group");
const GROUP_TIMEOUT: &str = env!("CARGO_BIN_EXE_group_timeout");
const CANCEL_SAFETY: &str = env!("CARGO_BIN_EXE_cancel_safety");
const GRACEFUL: &str = env!("CARGO_BIN_EXE_graceful_shutdown");

/// The Rust bin's and the twin's runs, with the word each uses for its cleanup.
fn both(exe: &str, twin: &str, args: &[&str]) -> [(RunOutput, &'static str); 2] {
    [
        (run_bin(exe, args, 30), "cleanup (Drop)"),
        (run_twin(DIR, twin, args, 30), "cleanup (finally)"),
    ]
}

// --- task_group ------------------------------------------------------------------

/// All three start before task-3 fails; each cleans up exactly once, after the
/// failure and before the group reports it (the group waited for them).
#[test]
fn task_group_cancels_the_others_and_waits_for_their_cleanup() {
    for (out, cleanup) in both(TASK_GROUP, "task_group", &[]) {
        ok(&out);
        let failing = pos(&out, "task-3", "failing");
        let failed = pos(&out, "main", "the group failed: ");
        for k in 1..=3 {
            let task = format!("task-{k}");
            assert!(pos(&out, &task, "started") < failing, "{}", out.dump());
            assert_eq!(count(&out, &task, cleanup), 1, "{}", out.dump());
            let at = pos(&out, &task, cleanup);
            assert!(failing < at && at < failed, "{task}'s cleanup\n{}", out.dump());
        }
        assert!(out.stdout.contains("task-3: HTTP 500"), "{}", out.dump());
        line(&out, "check: one task failed, the group cancelled the others, all 3 cleaned up");
    }
}

/// The Rust bin says it aborts the two others before their cleanups.
#[test]
fn task_group_aborts_the_two_others() {
    let out = run_bin(TASK_GROUP, &[], 30);
    let abort = pos(&out, "main", "task-3: HTTP 500: aborting 2 others");
    for k in [1, 2] {
        assert!(abort < pos(&out, &format!("task-{k}"), "cleanup (Drop)"), "{}", out.dump());
    }
}

// --- group_timeout ---------------------------------------------------------------

/// Three tasks start, none ends; the timeout cancels all three, each cleans up
/// once. Rust says "timed out" and then shuts the group down; Python's
/// TimeoutError comes out of the block once the group has waited for them.
#[test]
fn group_timeout_cancels_every_task_of_the_group() {
    for (out, cleanup) in both(GROUP_TIMEOUT, "group_timeout", &["--timeout", "0.2"]) {
        ok(&out);
        let timed_out = pos(&out, "main", "timed out after 0.2 s");
        for k in 1..=3 {
            let task = format!("task-{k}");
            assert!(pos(&out, &task, "started") < timed_out, "{}", out.dump());
            assert_eq!(count(&out, &task, cleanup), 1, "{}", out.dump());
            let at = pos(&out, &task, cleanup);
            let in_order = if cleanup.contains("Drop") { timed_out < at } else { at < timed_out };
            assert!(in_order, "{task}'s cleanup\n{}", out.dump());
        }
        line(&out, "check: the group timed out, its 3 tasks were cancelled and cleaned up");
    }
}

#[test]
fn group_timeout_names_a_bad_timeout() {
    for out in [
        run_bin(GROUP_TIMEOUT, &["--timeout", "-1"], 30),
        run_twin(DIR, "group_timeout", &["--timeout", "nan"], 30),
    ] {
        assert_eq!(out.code, Some(2), "{}", out.dump());
        assert!(out.stderr.contains("--timeout"), "{}", out.dump());
    }
}

// --- cancel_safety ---------------------------------------------------------------

/// The `line ...` events, in order.
fn lines_received(out: &RunOutput) -> Vec<String> {
    let events = out.events().into_iter();
    events.filter_map(|(_, _, msg)| msg.strip_prefix("line ").map(str::to_string)).collect()
}

/// The lossy form gets only the ends of the two lines (15 of 24 bytes lost),
/// the cancel-safe form both lines whole: in Rust, and in asyncio, where
/// StreamReader.readline keeps its partial line.
#[test]
fn cancel_safety_loses_the_half_lines_only_in_the_lossy_form() {
    let out = run_bin(CANCEL_SAFETY, &[], 30);
    ok(&out);
    let want = [r#""rld""#, r#""line""#, r#""hello world""#, r#""second line""#];
    assert_eq!(lines_received(&out), want, "{}", out.dump());
    assert_eq!(count(&out, "main", "the peer sends"), 6, "{}", out.dump());
    line(&out, "check: of 24 bytes, read_line lost 15 (two half lines), next_line 0");

    let out = run_twin(DIR, "cancel_safety", &[], 30);
    ok(&out);
    let want = [r"b'rld\n'", r"b'line\n'", r"b'hello world\n'", r"b'second line\n'"];
    assert_eq!(lines_received(&out), want, "{}", out.dump());
    assert_eq!(count(&out, "main", "the peer sends"), 6, "{}", out.dump());
    line(
        &out,
        "check: of 24 bytes, hand_readline lost 15 (two half lines), StreamReader.readline 0",
    );
}

// --- graceful_shutdown -----------------------------------------------------------

fn slow_site(pages: u32) -> Site {
    let config = SiteConfig { pages, latency: Duration::from_millis(200), ..SiteConfig::default() };
    Site::start(config).expect("the blog site starts")
}

/// Checks a stopped crawl of `pages` pages: the stop came mid-run and no page
/// started after it; every page started was finished (its posts line) and
/// counted done; the account adds up to every page, the rest not started.
fn assert_stopped_crawl(stdout: &str, pages: u32, why: &str, dump: &str) {
    let events: Vec<_> = stdout.lines().filter_map(shared::timing::parse_event_line).collect();
    let stop = (events.iter().position(|(_, who, msg)| *who == "main" && msg.starts_with(why)))
        .unwrap_or_else(|| panic!("no stop line {why:?}\n{dump}"));
    let page_of = |suffix: &str, range: std::ops::Range<usize>| -> BTreeSet<u32> {
        (events[range].iter())
            .filter_map(|(_, _, msg)| msg.strip_prefix("page ")?.strip_suffix(suffix)?.parse().ok())
            .collect()
    };
    assert!(
        page_of(": started", stop..events.len()).is_empty(),
        "a page started after the stop\n{dump}"
    );
    let started = page_of(": started", 0..stop);
    let finished: BTreeSet<u32> = (events.iter())
        .filter(|(_, _, msg)| msg.ends_with(" posts"))
        .filter_map(|(_, _, msg)| msg.strip_prefix("page ")?.split_once(':')?.0.parse().ok())
        .collect();
    assert!(!started.is_empty(), "no page started before the stop\n{dump}");
    assert_eq!(started, finished, "a page in flight was not finished\n{dump}");
    let account = (stdout.lines().find_map(|l| l.strip_prefix("account: ")))
        .unwrap_or_else(|| panic!("no account line\n{dump}"));
    let not_started: BTreeSet<u32> = (1..=pages).filter(|p| !started.contains(p)).collect();
    let want = format!(
        "{pages} pages: {} done, {} not started {:?}",
        started.len(),
        not_started.len(),
        not_started.iter().collect::<Vec<_>>()
    );
    assert_eq!(account, want, "{dump}");
    assert!(!not_started.is_empty(), "the stop came after the last page\n{dump}");
}

/// `--stop-after`: a partial account adding up to every page, exit code 130.
#[test]
fn graceful_shutdown_stop_after_gives_a_partial_account() {
    let site = slow_site(20);
    let args = ["--site", site.url(), "--pages", "20", "--stop-after", "0.5"];
    let runs = [run_bin(GRACEFUL, &args, 30), run_twin(DIR, "graceful_shutdown", &args, 30)];
    for out in runs {
        assert_eq!(out.code, Some(130), "{}", out.dump());
        assert!(
            !out.stderr.contains("Traceback") && !out.stderr.contains("panicked"),
            "{}",
            out.dump()
        );
        assert_stopped_crawl(&out.stdout, 20, "--stop-after: no new pages", &out.dump());
    }
}

/// Without a stop, every page is done and the exit code is 0.
#[test]
fn graceful_shutdown_without_a_stop_does_every_page() {
    let site = SiteConfig { pages: 5, latency: Duration::from_millis(10), ..SiteConfig::default() };
    let site = Site::start(site).expect("the blog site starts");
    let args = ["--site", site.url(), "--pages", "5"];
    for out in [run_bin(GRACEFUL, &args, 30), run_twin(DIR, "graceful_shutdown", &args, 30)] {
        ok(&out);
        assert_eq!(line(&out, "account: "), "account: 5 pages: 5 done, 0 not started []");
        assert_eq!(count(&out, "worker-1", "page ") + count(&out, "worker-2", "page "), 10);
    }
}

/// A real Ctrl-C to the process group once a page is done: the same partial
/// account, exit 130, no traceback or panic, nothing of the group left.
#[cfg(unix)]
#[test]
fn graceful_shutdown_stops_well_on_ctrl_c() {
    use shared::run::{interrupt_bin, interrupt_twin};
    let site = slow_site(20);
    let args = ["--site", site.url(), "--pages", "20"];
    let runs = [
        interrupt_bin(GRACEFUL, &args, " posts"),
        interrupt_twin(DIR, "graceful_shutdown", &args, " posts"),
    ];
    for run in runs {
        run.assert_stopped_well();
        assert!(!run.stopped_by_sigint() || run.status.code() == Some(130), "{}", run.dump());
        assert_stopped_crawl(&run.stdout, 20, "Ctrl-C: no new pages", &run.dump());
        eprintln!("graceful_shutdown stopped {:?} after the Ctrl-C", run.stopped_after);
    }
}
