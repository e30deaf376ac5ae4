//! Ctrl-C mid-run, as a terminal sends it: SIGINT to the whole process group
//! of every long-running bin and twin of this crate (`shared::run::interrupt_when`:
//! "mid-run" is released by a line the program prints, never by a sleep).
//! Each must stop without a traceback or a panic and leave no process of its
//! group behind: exit 130 or killed by SIGINT (a program with nothing to
//! report keeps SIGINT's default action, as the kernel ends it); the crawlers
//! with the account of every URL; the servers, whose normal stop is Ctrl-C,
//! with exit 0 and their report. The time each took is printed (run with
//! `--nocapture`), never asserted: the 5 s limit only catches a hang.
//!
//! Unix only: Windows has no process groups and no SIGINT to send (a console
//! Ctrl-C reaches every process attached to the console; see the README).
#![cfg(unix)]

use shared::run::{Interrupted, interrupt_bin, interrupt_twin};
use shared::site::{Site, SiteConfig};

const DIR: &str = env!("CARGO_MANIFEST_DIR");

fn report(what: &str, run: &Interrupted) {
    eprintln!("{what}: stopped {:?} after the Ctrl-C ({})", run.stopped_after, run.status);
}

/// A 50-page site with the usual 100 ms per request, for the twins.
fn site() -> Site {
    Site::start(SiteConfig { pages: 50, ..SiteConfig::default() }).expect("the blog site starts")
}

/// The account of an interrupted crawl of `pages` pages: a `stopped by
/// Ctrl-C: 50 pages: a ok, b retried, c failed, d not ...` line whose four
/// counts add up to every page. Returns the pages settled (a + b + c).
fn every_url_accounted_for(run: &Interrupted, pages: usize) -> usize {
    run.assert_stopped_well();
    let prefix = format!("stopped by Ctrl-C: {pages} pages: ");
    let line = run.stdout.lines().find_map(|l| l.strip_prefix(&prefix));
    let line = line.unwrap_or_else(|| panic!("no {prefix:?} line\n{}", run.dump()));
    let counts: Vec<usize> =
        line.split(", ").map(|part| part.split(' ').next().unwrap().parse().unwrap()).collect();
    assert_eq!(counts.len(), 4, "{line}");
    assert_eq!(counts.iter().sum::<usize>(), pages, "every URL once: {line}");
    counts[..3].iter().sum()
}

#[test]
fn the_crawlers_stop_with_the_account_of_every_url() {
    let crawler_async = env!("CARGO_BIN_EXE_crawler_async");
    // In the single-thread crawl: page 3 done, the rest not.
    let run = interrupt_bin(crawler_async, &["--only", "single"], "page 3:");
    assert!(every_url_accounted_for(&run, 50) >= 3, "{}", run.dump());
    report("crawler_async --only single", &run);
    // Two tasks fetching at a time, so the crawl is still going after page 3.
    let run = interrupt_bin(crawler_async, &["--only", "async", "--permits", "2"], "page 3:");
    assert!(every_url_accounted_for(&run, 50) >= 3, "{}", run.dump());
    report("crawler_async --only async", &run);
    let run = interrupt_bin(env!("CARGO_BIN_EXE_crawler_semaphore"), &[], "releasing, in flight");
    assert!(every_url_accounted_for(&run, 50) >= 1, "{}", run.dump());
    report("crawler_semaphore", &run);
    // smol's crawl, stopped by the `ctrlc` crate's handler (no tokio signal there).
    let args = ["--only", "smol", "--pages", "20", "--latency-ms", "300"];
    let run = interrupt_bin(env!("CARGO_BIN_EXE_crawler_runtimes"), &args, "blog site:");
    every_url_accounted_for(&run, 20);
    report("crawler_runtimes --only smol", &run);
}

#[test]
fn the_crawler_twins_stop_with_the_account_of_every_url() {
    let site = site();
    let url = site.url();
    let args = ["--site", url, "--only", "single"];
    let run = interrupt_twin(DIR, "crawler_async", &args, "page 3:");
    assert!(every_url_accounted_for(&run, 50) >= 3, "{}", run.dump());
    report("crawler_async.py --only single", &run);
    let args = ["--site", url, "--only", "async", "--permits", "2"];
    let run = interrupt_twin(DIR, "crawler_async", &args, "page 3:");
    assert!(every_url_accounted_for(&run, 50) >= 3, "{}", run.dump());
    report("crawler_async.py --only async", &run);
    let run = interrupt_twin(DIR, "crawler_semaphore", &["--site", url], "releasing, in flight");
    assert!(every_url_accounted_for(&run, 50) >= 1, "{}", run.dump());
    report("crawler_semaphore.py", &run);
}

#[test]
fn million_tasks_ends_at_once_by_sigints_default_action() {
    let args = ["--tasks", "100000", "--sleep", "60"];
    let run = interrupt_bin(env!("CARGO_BIN_EXE_million_tasks"), &args, "tasks on tokio");
    run.assert_stopped_well();
    report("million_tasks", &run);
    // The twin too: asyncio.run's own Ctrl-C would first cancel every task, one
    // by one (16 s for a million), then raise KeyboardInterrupt (exit 130).
    let run = interrupt_twin(DIR, "million_tasks", &args, "tasks on asyncio");
    run.assert_stopped_well();
    assert!(run.status.code().is_none(), "ended by SIGINT's default action\n{}", run.dump());
    report("million_tasks.py", &run);
}

/// The servers stop on Ctrl-C, their normal stop: exit 0 and their report.
fn stopped_as_a_server(run: &Interrupted, said: &str) {
    let well = run.status.success() && !run.group_left && !run.timed_out;
    assert!(well, "not stopped well\n{}", run.dump());
    for bad in ["Traceback", "panicked"] {
        assert!(!run.stderr.contains(bad), "{bad}\n{}", run.dump());
    }
    assert!(run.stdout.contains(said), "no {said:?}\n{}", run.dump());
}

#[test]
fn the_servers_stop_with_exit_code_0_and_their_report() {
    let run = interrupt_bin(env!("CARGO_BIN_EXE_echo_server"), &[], "listening on");
    stopped_as_a_server(&run, "served 0 connections");
    report("echo_server", &run);
    let run = interrupt_twin(DIR, "echo_server", &[], "listening on");
    stopped_as_a_server(&run, "served 0 connections");
    report("echo_server.py", &run);
    let args = ["--serve", "--port", "0"];
    let run = interrupt_bin(env!("CARGO_BIN_EXE_web_fanout"), &args, "serving");
    stopped_as_a_server(&run, "Ctrl-C: shutting down");
    report("web_fanout --serve", &run);
    let run = interrupt_twin(DIR, "web_fanout", &args, "serving");
    stopped_as_a_server(&run, "Ctrl-C: shutting down");
    report("web_fanout.py --serve", &run);
}

/// The other bins and twins that run for seconds: nothing to report, so
/// SIGINT's default action (Rust, and the twins that restore it) or a quiet
/// KeyboardInterrupt (blog_spider's excepthook: exit 130, no traceback).
#[test]
fn the_other_long_runs_stop_at_once() {
    let cases: [(&str, &str, &[&str], &str); 10] = [
        (env!("CARGO_BIN_EXE_gather"), "gather", &["--unit", "2"], "start, waiting 3"),
        (env!("CARGO_BIN_EXE_as_completed"), "as_completed", &["--delays", "1,9"], "done after 1"),
        (env!("CARGO_BIN_EXE_producer_consumer_async"), "producer_consumer_async", &[], "start"),
        (
            env!("CARGO_BIN_EXE_spinner_async"),
            "spinner_async",
            &["--slow-secs", "30"],
            "slow job started",
        ),
        (env!("CARGO_BIN_EXE_event_loop"), "event_loop", &["--unit", "2"], "start, waiting 3"),
        (
            env!("CARGO_BIN_EXE_blocking_pitfall"),
            "blocking_pitfall",
            &["--block", "30"],
            "blocking call starts",
        ),
        (env!("CARGO_BIN_EXE_async_queue"), "async_queue", &["--delay", "30"], "start"),
        (
            env!("CARGO_BIN_EXE_io_multiplexing"),
            "io_multiplexing",
            &["--clients", "20", "--rounds", "1000"],
            "serving 20 clients",
        ),
        (
            env!("CARGO_BIN_EXE_echo_client"),
            "echo_client",
            &["--connections", "50", "--rounds", "100000"],
            "holding 50",
        ),
        // gather_smol.py and gather_async_std.py run gather.py: the Rust bins only
        (env!("CARGO_BIN_EXE_gather_smol"), "", &["--unit", "2"], "start, waiting 3"),
    ];
    for (exe, twin, args, ready) in cases {
        let run = interrupt_bin(exe, args, ready);
        run.assert_stopped_well();
        report(exe.rsplit('/').next().unwrap_or(exe), &run);
        if !twin.is_empty() {
            let run = interrupt_twin(DIR, twin, args, ready);
            run.assert_stopped_well();
            // These twins restore SIGINT's default action: asyncio or a thread pool would wait.
            if ["blocking_pitfall", "io_multiplexing", "echo_client"].contains(&twin) {
                let by_default = run.status.code().is_none();
                assert!(by_default, "ended by SIGINT's default action\n{}", run.dump());
            }
            report(&format!("{twin}.py"), &run);
        }
    }
    let run =
        interrupt_bin(env!("CARGO_BIN_EXE_gather_async_std"), &["--unit", "2"], "start, waiting 3");
    run.assert_stopped_well();
    report("gather_async_std", &run);
}
