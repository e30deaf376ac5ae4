//! The coordination bins (condition, condition_notify, semaphore, barrier)
//! and their Python twins, run as child processes with small flags and a time
//! limit each (a deadlock fails the test instead of hanging it). No test
//! asserts a time, and no order asserted here comes from racing sleeps: the
//! bins fix their orders through a Condvar's predicate, channels (barrier's
//! arrivals) or a count taken under a lock. The test hooks live here: the
//! semaphore's spiders are driven by hand (each holds its permit until the
//! test lets it go) and a speaker is sent wake-ups that are not its turn, by
//! including the bin's source as a module (`#[path]`) and, for the twins,
//! importing the twin into a small Python driver.

mod common;

use std::collections::VecDeque;
use std::process::Command;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

// The lessons themselves, as modules: their `main` goes unused here.
#[allow(dead_code)]
#[path = "../src/bin/semaphore.rs"]
mod semaphore;

#[allow(dead_code)]
#[path = "../src/bin/condition.rs"]
mod condition;

/// Runs `script` (Python, importing the twins from `python/`) with `args`.
fn run_driver(script: &str, args: &[&str]) -> RunOutput {
    let mut cmd = Command::new("python3");
    cmd.arg("-u").arg("-c").arg(script).arg(format!("{DIR}/python")).args(args);
    run_with_timeout(cmd, Duration::from_secs(30)).expect("python3 starts")
}

use common::{DIR, assert_clean_failure, line, ok, refused, said};
use shared::run::{RunOutput, run_bin, run_twin, run_with_timeout};

#[test]
fn condition_turns_strictly_alternate() {
    let args = ["--exchanges", "6", "--pause", "0.02", "--tick", "0.03"];
    for out in
        [run_bin(env!("CARGO_BIN_EXE_condition"), &args, 30), run_twin(DIR, "condition", &args, 30)]
    {
        ok(&out);
        let ev = said(&out);
        let talk: Vec<&(String, String)> = ev.iter().filter(|(who, _)| who != "main").collect();
        let speakers: Vec<&str> = talk.iter().map(|(who, _)| who.as_str()).collect();
        assert_eq!(speakers, ["tmall", "xiaoai"].repeat(6), "{}", out.dump());
        // The poem in order, starting again after its 10 lines.
        assert_eq!(talk[0].1, "XiaoAi!", "{}", out.dump());
        assert_eq!(talk[1].1, "Here.", "{}", out.dump());
        assert_eq!(talk[10].1, "XiaoAi!", "{}", out.dump());
        // main only ever reports while it waits with a timeout.
        for (who, msg) in &ev {
            assert!(who != "main" || msg.starts_with("still waiting: "), "{}", out.dump());
        }
        line(&out, "check: 12 lines, the turns strictly alternate");
    }
}

#[test]
fn condition_notify_one_wakes_one_then_notify_all_the_rest() {
    let args = ["--waiters", "3", "--settle", "0.2"];
    for out in [
        run_bin(env!("CARGO_BIN_EXE_condition_notify"), &args, 30),
        run_twin(DIR, "condition_notify", &args, 30),
    ] {
        ok(&out);
        let ev = said(&out);
        let at = |msg: &str| -> Vec<usize> {
            let hit = |(i, (_, m)): (usize, &(String, String))| (m == msg).then_some(i);
            ev.iter().enumerate().filter_map(hit).collect()
        };
        let (waiting, left) = (at("waiting for go"), at("woke up, leaving"));
        let one = at("go = true, notify_one()");
        let all = at("notify_one woke 1 of 3 waiters; now notify_all()");
        assert_eq!((waiting.len(), left.len()), (3, 3), "{}", out.dump());
        assert_eq!((one.len(), all.len()), (1, 1), "{}", out.dump());
        let (one, all) = (one[0], all[0]);
        // All three were asleep before the notify; notify_one let exactly one
        // go, and only notify_all the other two.
        assert!(waiting.iter().all(|&i| i < one), "{}", out.dump());
        assert!(one < left[0] && left[0] < all && all < left[1], "{}", out.dump());
        let mut who: Vec<&str> = left.iter().map(|&i| ev[i].0.as_str()).collect();
        who.sort_unstable();
        assert_eq!(who, ["waiter-1", "waiter-2", "waiter-3"], "{}", out.dump());
        line(&out, "check: notify_one woke 1 waiter, notify_all the other 2");
    }
}

#[test]
fn condition_bins_reject_bad_flags() {
    let secs = "is not a number of seconds from 0 to 3600";
    let positive = "is not a number of seconds more than 0, at most 3600";
    let (cond, notify) = (env!("CARGO_BIN_EXE_condition"), env!("CARGO_BIN_EXE_condition_notify"));
    // `--pause nan` used to make the twin wait forever.
    refused(cond, "condition", &["--pause", "nan"], 2, secs);
    refused(cond, "condition", &["--pause=-1"], 2, secs);
    refused(cond, "condition", &["--tick", "inf"], 2, positive);
    refused(cond, "condition", &["--tick", "soon"], 2, "soon");
    refused(cond, "condition", &["--exchanges", "0"], 2, "0");
    // A zero tick would make main report in a busy loop.
    refused(cond, "condition", &["--tick", "0"], 2, positive);
    refused(notify, "condition_notify", &["--settle", "nan"], 2, secs);
    refused(notify, "condition_notify", &["--waiters", "1"], 2, "1");
}

/// The in-flight counts printed at each acquire and release.
fn in_flight_counts(out: &RunOutput, what: &str) -> Vec<usize> {
    let prefix = format!("{what}, in flight = ");
    said(out)
        .iter()
        .filter_map(|(_, msg)| msg.strip_prefix(&prefix).map(|n| n.parse().expect("a count")))
        .collect()
}

/// What every semaphore run must show: one acquire and one release per job,
/// and never more than `permits` holding a permit. Returns the most seen.
fn semaphore_counts(out: &RunOutput, jobs: usize, permits: usize) -> usize {
    ok(out);
    let acquired = in_flight_counts(out, "acquired");
    let released = in_flight_counts(out, "releasing");
    assert_eq!((acquired.len(), released.len()), (jobs, jobs), "{}", out.dump());
    assert!(acquired.iter().all(|&n| (1..=permits).contains(&n)), "{}", out.dump());
    assert!(released.iter().all(|&n| n < permits), "{}", out.dump());
    let waiting = said(out).iter().filter(|(_, m)| m == "waiting for a permit").count();
    assert_eq!(waiting, jobs, "{}", out.dump());
    let max = *acquired.iter().max().expect("jobs >= 1");
    line(out, &format!("check: at most {permits} in flight (max seen {max})"));
    max
}

fn semaphore_args(jobs: usize, permits: usize, more: &[&str]) -> Vec<String> {
    let mut args =
        vec!["--jobs".to_string(), jobs.to_string(), "--permits".to_string(), permits.to_string()];
    args.extend(more.iter().map(|s| s.to_string()));
    args
}

#[test]
fn semaphore_never_lets_more_than_permits_in() {
    let args = semaphore_args(7, 3, &["--job-secs", "0.05"]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    semaphore_counts(&run_bin(env!("CARGO_BIN_EXE_semaphore"), &args, 30), 7, 3);
    semaphore_counts(&run_twin(DIR, "semaphore", &args, 30), 7, 3);
}

/// The bound both ways, with no timing in what a correct semaphore must do:
/// each spider holds its permit until the test lets it go, and the test lets
/// the longest holder go only once `min(permits, left)` spiders hold one. A
/// semaphore that admits too few leaves the test waiting for a holder that
/// never comes (it fails after 5 s); one that admits too many hands a permit
/// to one spider more while the first `permits` still hold theirs (the test
/// gives it 200 ms to show up, once). Rust: the bin's `spiders` with a crawl
/// that waits for the test.
#[test]
fn semaphore_admits_exactly_its_permits() {
    for (jobs, permits) in [(7, 3), (3, 1), (2, 4)] {
        let (held_tx, held) = mpsc::channel::<(u32, mpsc::Sender<()>)>();
        let crawl = |i| {
            let (go, wait) = mpsc::channel::<()>();
            if held_tx.send((i, go)).is_ok() {
                wait.recv().ok(); // until the test lets go (Err: the test gave up)
            }
        };
        let max = thread::scope(|s| {
            let spiders = s.spawn(|| semaphore::spiders(jobs, permits, crawl));
            let held = held; // dropped if this closure panics: no spider is left waiting
            let mut holding = VecDeque::new();
            for left in (1..=jobs as usize).rev() {
                let want = permits.min(left);
                while holding.len() < want {
                    let next = held.recv_timeout(Duration::from_secs(5));
                    let have = holding.len();
                    holding.push_back(next.unwrap_or_else(|_| {
                        panic!("{permits} permits: {have} spiders got one, not {want}")
                    }));
                }
                if left == jobs as usize {
                    let extra = held.recv_timeout(Duration::from_millis(200));
                    assert!(extra.is_err(), "{permits} permits: spider {} got one too", want + 1);
                }
                let (_, go) = holding.pop_front().expect("want >= 1");
                go.send(()).expect("the spider waits for it");
            }
            spiders.join().unwrap().unwrap()
        });
        assert_eq!(max, permits.min(jobs as usize));
    }
}

/// The same hand-driven test on the twin's `spiders` (python/semaphore.py).
const SEMAPHORE_DRIVER: &str = r#"
import os, queue, sys, threading
sys.path.insert(0, sys.argv[1])
import semaphore
jobs, permits = int(sys.argv[2]), int(sys.argv[3])
held, result = queue.Queue(), []

def crawl(i):
    go = threading.Event()
    held.put((i, go))
    go.wait()  # until the driver lets go

def give_up(msg):
    print(f"error: {msg}", file=sys.stderr, flush=True)
    os._exit(1)  # the spiders still waiting would keep sys.exit from returning

threading.Thread(target=lambda: result.append(semaphore.spiders(jobs, permits, crawl)), daemon=True).start()
holding = []
for left in range(jobs, 0, -1):
    want = min(permits, left)
    while len(holding) < want:
        try:
            holding.append(held.get(timeout=5))
        except queue.Empty:
            give_up(f"{permits} permits: {len(holding)} spiders got one, not {want}")
    if left == jobs:
        try:
            held.get(timeout=0.2)
            give_up(f"{permits} permits: spider {want + 1} got one too")
        except queue.Empty:
            pass
    holding.pop(0)[1].set()
while not result:
    threading.Event().wait(0.01)
print(f"max seen {result[0]}")
"#;

#[test]
fn twin_semaphore_admits_exactly_its_permits() {
    for (jobs, permits) in [(7, 3), (3, 1), (2, 4)] {
        let (j, p) = (jobs.to_string(), permits.to_string());
        let out = run_driver(SEMAPHORE_DRIVER, &[&j, &p]);
        ok(&out);
        let max = permits.min(jobs);
        line(&out, &format!("max seen {max}"));
    }
}

/// A speaker whose turn it is not is woken again and again (what spurious
/// wake-ups, or a notify_all meant for main, look like to it): with `while`
/// it waits on, with `if` it would speak out of turn.
#[test]
fn condition_speaker_waits_for_its_turn_through_wake_ups() {
    use condition::{CV, SAID};
    let xiaoai = thread::spawn(|| condition::speaker(1, 1, Duration::ZERO));
    for _ in 0..20 {
        CV.notify_all();
        thread::sleep(Duration::from_millis(10));
    }
    assert!(SAID.lock().unwrap().is_empty(), "xiaoai spoke in tmall's turn");
    SAID.lock().unwrap().push(0); // as if tmall had spoken: xiaoai's turn
    CV.notify_all();
    xiaoai.join().unwrap();
    assert_eq!(*SAID.lock().unwrap(), [0, 1]);
}

/// The same on the twin's `speaker` (python/condition.py).
const CONDITION_DRIVER: &str = r#"
import sys, threading, time
sys.path.insert(0, sys.argv[1])
import condition
xiaoai = threading.Thread(target=condition.speaker, args=(1, 1, 0.0), name="xiaoai", daemon=True)
xiaoai.start()
for _ in range(20):
    with condition.cond:
        condition.cond.notify_all()
    time.sleep(0.01)
spoke = list(condition.said)
with condition.cond:
    condition.said.append(0)  # as if tmall had spoken: xiaoai's turn
    condition.cond.notify_all()
xiaoai.join(5)
print(f"before its turn {spoke}, after {condition.said}")
"#;

#[test]
fn twin_condition_speaker_waits_for_its_turn_through_wake_ups() {
    let out = run_driver(CONDITION_DRIVER, &[]);
    ok(&out);
    line(&out, "before its turn [], after [0, 1]");
}

#[test]
fn barrier_server_then_client_then_both_pass() {
    let args = ["--client-delay", "0.1"];
    for out in
        [run_bin(env!("CARGO_BIN_EXE_barrier"), &args, 30), run_twin(DIR, "barrier", &args, 30)]
    {
        ok(&out);
        let ev = said(&out);
        let pair = |who: &str, msg: &str| (who.to_string(), msg.to_string());
        assert_eq!(ev.len(), 4, "{}", out.dump());
        // Arrivals in order (each party waits for the one before it)...
        assert_eq!(ev[..2], [pair("server", "server"), pair("client", "client")], "{}", out.dump());
        // ...and the passes only after both arrived, in either order.
        let mut passed = ev[2..].to_vec();
        passed.sort();
        assert_eq!(
            passed,
            [pair("client", "__client"), pair("server", "__server")],
            "{}",
            out.dump()
        );
        line(&out, "check: all 2 parties arrived");
    }
}

/// The broken barrier: a clean failure with one error line and exit code 1,
/// even with RUST_BACKTRACE=1 set and the bin started directly.
#[test]
fn barrier_times_out_and_breaks_for_both() {
    // The server gives up after 0.2 s; the client comes 1.5 s after it.
    let args = ["--timeout", "0.2", "--client-delay", "1.5"];
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_barrier"));
    // .cargo/config.toml sets RUST_LIB_BACKTRACE=0 for cargo test; a shell
    // that runs target/debug/barrier does not.
    cmd.args(args).env("RUST_BACKTRACE", "1").env_remove("RUST_LIB_BACKTRACE");
    let rust = run_with_timeout(cmd, Duration::from_secs(30)).expect("the bin starts");
    for out in [rust, run_twin(DIR, "barrier", &args, 30)] {
        assert_clean_failure(&out);
        assert_eq!(out.code, Some(1), "{}", out.dump());
        let ev = said(&out);
        let who: Vec<&str> = ev.iter().map(|(w, _)| w.as_str()).collect();
        assert_eq!(who, ["server", "server", "client", "client"], "{}", out.dump());
        assert_eq!(ev[0].1, "server");
        let timed_out = "BrokenBarrierError: my wait timed out after 0.2 s";
        assert!(ev[1].1.starts_with(timed_out), "{}", out.dump());
        assert_eq!(ev[2].1, "client");
        let broken = "BrokenBarrierError: the barrier is broken";
        assert!(ev[3].1.starts_with(broken), "{}", out.dump());
        assert!(!out.stdout.contains("__"), "nobody passes a broken barrier: {}", out.dump());
        let lines: Vec<&str> = out.stderr.lines().collect();
        assert_eq!(lines.len(), 1, "one message, no backtrace: {}", out.dump());
        assert!(lines[0].contains("the barrier broke: 2 of 2 parties"), "{}", out.dump());
    }
}

#[test]
fn barrier_with_four_parties() {
    // No delay: the order of arrival rests on each party's word to the next alone.
    let args = ["--parties", "4", "--client-delay", "0"];
    for out in
        [run_bin(env!("CARGO_BIN_EXE_barrier"), &args, 30), run_twin(DIR, "barrier", &args, 30)]
    {
        ok(&out);
        let ev = said(&out);
        let names = ["server", "client", "client-2", "client-3"];
        let arrivals: Vec<&str> = ev.iter().take(4).map(|(_, m)| m.as_str()).collect();
        assert_eq!(arrivals, names, "{}", out.dump());
        let mut passed: Vec<String> = ev[4..].iter().map(|(_, m)| m.clone()).collect();
        passed.sort();
        let mut expected: Vec<String> = names.iter().map(|n| format!("__{n}")).collect();
        expected.sort();
        assert_eq!(passed, expected, "{}", out.dump());
    }
}

#[test]
fn semaphore_and_barrier_reject_bad_flags() {
    let secs = "is not a number of seconds from 0 to 3600";
    let (sem, bar) = (env!("CARGO_BIN_EXE_semaphore"), env!("CARGO_BIN_EXE_barrier"));
    refused(sem, "semaphore", &["--permits", "0"], 2, "0");
    refused(sem, "semaphore", &["--job-secs", "nan"], 2, secs);
    refused(bar, "barrier", &["--timeout", "inf"], 2, secs);
    refused(bar, "barrier", &["--client-delay", "10000000000"], 2, secs);
    refused(bar, "barrier", &["--parties", "1"], 2, "1");
}
