//! The thread basics: each bin and its Python twin run as a child process with
//! small flags, and the same checker asserts what the catalogue says it must
//! show (order of events, counts, checks printed, exit codes). No test asserts
//! a time or a speedup: only that the lines are there and well formed.

mod common;

use common::{DIR, assert_clean_failure, count, has_cost, line, ok, pos};
use shared::run::{RunOutput, run_bin, run_twin};

/// A line `<prefix>1.93x...`: a number with 2 decimals, then `x`.
fn has_ratio(out: &RunOutput, prefix: &str) {
    let rest = &line(out, prefix)[prefix.len()..];
    let num = rest.split('x').next().unwrap_or_default();
    let decimals = num.split('.').nth(1).map_or(0, str::len);
    assert!(
        num.parse::<f64>().is_ok() && decimals == 2,
        "{}",
        out.dump()
    );
}

fn sing_dance(out: RunOutput) {
    ok(&out);
    // Round k of each thread comes before round k+1 of either: they interleave.
    for k in 1..3 {
        let next = pos(&out, "sing", &format!("singing {}/3", k + 1)).min(pos(
            &out,
            "dance",
            &format!("dancing {}/3", k + 1),
        ));
        assert!(
            pos(&out, "sing", &format!("singing {k}/3")) < next,
            "{}",
            out.dump()
        );
        assert!(
            pos(&out, "dance", &format!("dancing {k}/3")) < next,
            "{}",
            out.dump()
        );
    }
    assert!(pos(&out, "dance", "dancing 3/3") < pos(&out, "main", "both threads joined"));
    has_cost(&out, "sing and dance");
}

#[test]
fn sing_dance_interleaves() {
    let args = ["--iterations", "3", "--interval", "0.3"];
    sing_dance(run_bin(env!("CARGO_BIN_EXE_sing_dance"), &args, 10));
    sing_dance(run_twin(DIR, "sing_dance", &args, 10));
}

fn thread_subclass(out: RunOutput) {
    ok(&out);
    for who in ["counter-1", "counter-2"] {
        assert_eq!(count(&out, who, "run: iteration "), 3, "{}", out.dump());
        assert!(pos(&out, who, "run: iteration 3/3") < pos(&out, "main", &format!("joined {who}")));
    }
    // Both run at once: one's first iteration comes before the other's last.
    assert!(
        pos(&out, "counter-2", "run: iteration 1/3") < pos(&out, "counter-1", "run: iteration 3/3")
    );
    for who in ["counter-1", "counter-2"] {
        // The state run() changed, read back after join().
        let joined = &out.events()[pos(&out, "main", &format!("joined {who}: "))].2;
        assert!(joined.ends_with("done = 3"), "{}", out.dump());
    }
    line(&out, "check: each thread ran 3 iterations");
}

#[test]
fn thread_subclass_runs_two_jobs() {
    let args = ["--iterations", "3", "--interval", "0.2"];
    thread_subclass(run_bin(env!("CARGO_BIN_EXE_thread_subclass"), &args, 10));
    thread_subclass(run_twin(DIR, "thread_subclass", &args, 10));
}

/// Without --join: main returns and the 10 s worker dies with the process.
fn daemon_dies(out: RunOutput) {
    ok(&out); // and not killed by the test's timeout, which is shorter than 10 s
    assert_eq!(count(&out, "worker", "step 1/10"), 1, "{}", out.dump());
    assert_eq!(count(&out, "worker", "step 10/10"), 0, "{}", out.dump());
    assert_eq!(
        count(&out, "worker", "worker finished"),
        0,
        "{}",
        out.dump()
    );
    pos(&out, "main", "main returns without joining");
}

/// With --join: Python's default, the worker runs to its end.
fn daemon_joined(out: &RunOutput) {
    ok(out);
    assert_eq!(count(out, "worker", "step "), 10, "{}", out.dump());
    assert!(pos(out, "worker", "step 10/10") < pos(out, "worker", "worker finished"));
}

#[test]
fn daemon_dies_with_main_unless_joined() {
    let args = ["--worker-secs", "10", "--main-secs", "0.2"];
    daemon_dies(run_bin(env!("CARGO_BIN_EXE_daemon"), &args, 6));
    daemon_dies(run_twin(DIR, "daemon", &args, 6));

    let args = ["--worker-secs", "0.5", "--main-secs", "0.1", "--join"];
    let out = run_bin(env!("CARGO_BIN_EXE_daemon"), &args, 10);
    daemon_joined(&out);
    assert!(pos(&out, "worker", "worker finished") < pos(&out, "main", "worker joined"));
    daemon_joined(&run_twin(DIR, "daemon", &args, 10));
}

fn join_times_out(out: RunOutput) {
    ok(&out);
    let timed_out = pos(&out, "main", "timed out");
    assert!(
        timed_out < pos(&out, "main", "is_alive() = true"),
        "{}",
        out.dump()
    );
    // The thread kept running after the timeout...
    let later_steps = out.events()[timed_out..]
        .iter()
        .filter(|(_, w, m)| w == "worker" && m.starts_with("step "))
        .count();
    assert!(later_steps >= 1, "{}", out.dump());
    // ...and the final join waited for its end.
    assert!(
        pos(&out, "worker", "worker done") < pos(&out, "main", "joined: the worker ran 6 steps")
    );
    line(&out, "check: worker ran all 6 steps");
}

fn join_in_time(out: RunOutput) {
    ok(&out);
    assert!(pos(&out, "worker", "worker done") < pos(&out, "main", "worker finished in time"));
    line(&out, "check: worker ran all 6 steps");
}

#[test]
fn join_timeout_leaves_the_thread_running() {
    let args = ["--work-secs", "1.2", "--timeout", "0.3"];
    join_times_out(run_bin(env!("CARGO_BIN_EXE_join_timeout"), &args, 10));
    join_times_out(run_twin(DIR, "join_timeout", &args, 10));
    let args = ["--work-secs", "0.2", "--timeout", "5"];
    join_in_time(run_bin(env!("CARGO_BIN_EXE_join_timeout"), &args, 10));
    join_in_time(run_twin(DIR, "join_timeout", &args, 10));
}

fn stop_pause(out: RunOutput) {
    ok(&out);
    let order = [
        pos(&out, "main", "pause"),
        pos(&out, "worker", "paused after"),
        pos(&out, "main", "resume"),
        pos(&out, "worker", "resumed"),
        pos(&out, "main", "stop"),
        pos(&out, "worker", "stopped after"),
    ];
    assert!(order.is_sorted(), "{order:?}\n{}", out.dump());
    let events = out.events();
    let is_work = |e: &(f64, String, String)| e.1 == "worker" && e.2.starts_with("work step");
    assert!(events[..order[1]].iter().any(is_work), "{}", out.dump());
    assert!(
        !events[order[1]..order[3]].iter().any(is_work),
        "work while paused\n{}",
        out.dump()
    );
    assert!(
        events[order[3]..order[5]].iter().any(is_work),
        "{}",
        out.dump()
    );
    line(&out, "check: no work while paused");
}

#[test]
fn stop_pause_resume() {
    let args = ["--run-secs", "1.2", "--tick", "0.05"];
    stop_pause(run_bin(env!("CARGO_BIN_EXE_stop_pause"), &args, 10));
    stop_pause(run_twin(DIR, "stop_pause", &args, 10));
}

fn spinner(out: RunOutput) {
    ok(&out);
    let (started, done) = (
        pos(&out, "main", "slow job started"),
        pos(&out, "main", "slow job done"),
    );
    let frames_during = out.events()[started..done]
        .iter()
        .filter(|(_, w, m)| w == "spinner" && m.ends_with(" thinking!"))
        .count();
    assert!(
        frames_during >= 2,
        "the spinner did not spin while main worked\n{}",
        out.dump()
    );
    assert!(
        done < pos(&out, "spinner", "spinner stopped after"),
        "{}",
        out.dump()
    );
    line(&out, "check: the spinner drew ");
    assert_eq!(
        out.stdout.lines().last(),
        Some("Answer: 42"),
        "{}",
        out.dump()
    );
}

#[test]
fn spinner_spins_while_main_works() {
    let args = ["--slow-secs", "0.5", "--tick", "0.05"];
    spinner(run_bin(env!("CARGO_BIN_EXE_spinner_thread"), &args, 10));
    spinner(run_twin(DIR, "spinner_thread", &args, 10));
}

fn producer_consumer(out: RunOutput) {
    ok(&out);
    let events = out.events();
    let mut got: Vec<u32> = events
        .iter()
        .filter(|(_, w, _)| w.starts_with("consumer-"))
        .filter_map(|(_, _, m)| m.strip_prefix("got ")?.parse().ok())
        .collect();
    got.sort_unstable();
    assert_eq!(got, (0..30).collect::<Vec<u32>>(), "{}", out.dump());
    let puts = events
        .iter()
        .filter(|(_, w, m)| w.starts_with("producer-") && m.starts_with("put "))
        .count();
    assert_eq!(puts, 30, "{}", out.dump());
    // Each of the 3 consumers ends by itself and says how many it handled.
    let per_consumer: Vec<usize> = events
        .iter()
        .filter(|(_, w, _)| w.starts_with("consumer-"))
        .filter_map(|(_, _, m)| {
            m.split_once("consumed ")?
                .1
                .strip_suffix(" items")?
                .parse()
                .ok()
        })
        .collect();
    assert_eq!(per_consumer.len(), 3, "{}", out.dump());
    assert_eq!(per_consumer.iter().sum::<usize>(), 30, "{}", out.dump());
    line(&out, "check: 30 items consumed exactly once");
}

#[test]
fn producer_consumer_every_item_once() {
    let args = [
        "--producers",
        "2",
        "--consumers",
        "3",
        "--items",
        "30",
        "--consume-secs",
        "0.002",
    ];
    producer_consumer(run_bin(env!("CARGO_BIN_EXE_producer_consumer"), &args, 10));
    producer_consumer(run_twin(DIR, "producer_consumer", &args, 10));
}

fn cpu_bound(out: RunOutput, n: usize) {
    ok(&out);
    has_cost(&out, "single thread");
    has_cost(&out, "thread pool");
    has_ratio(&out, "speedup = ");
    let at = |p: &str| {
        out.stdout
            .find(p)
            .unwrap_or_else(|| panic!("{p:?}\n{}", out.dump()))
    };
    assert!(
        at("single thread, cost") < at("thread pool, cost")
            && at("thread pool, cost") < at("speedup = ")
    );
    line(
        &out,
        &format!("check: both give the same {n} answers (all prime)"),
    );
}

#[test]
fn cpu_bound_single_vs_pool() {
    let args = ["--count", "4", "--threads", "2"];
    cpu_bound(run_bin(env!("CARGO_BIN_EXE_cpu_bound"), &args, 20), 4);
    // Pure Python trial division: ~0.5 s a number, on each side.
    cpu_bound(
        run_twin(DIR, "cpu_bound", &["--count", "2", "--threads", "2"], 30),
        2,
    );
}

fn pool_vs_spawn(out: RunOutput) {
    ok(&out);
    has_cost(&out, "spawn per task");
    has_cost(&out, "thread pool");
    has_ratio(&out, "ratio = ");
    assert!(
        line(&out, "ratio = ").ends_with("x (spawn per task / thread pool)"),
        "{}",
        out.dump()
    );
    // Sum of i*i for i < 2000.
    line(&out, "check: both sums = 2664667000");
}

#[test]
fn pool_vs_spawn_same_results() {
    let args = ["--tasks", "2000", "--threads", "2"];
    pool_vs_spawn(run_bin(env!("CARGO_BIN_EXE_pool_vs_spawn"), &args, 20));
    pool_vs_spawn(run_twin(DIR, "pool_vs_spawn", &args, 20));
}

#[test]
fn scoped_threads_borrow_locals() {
    let out = run_bin(
        env!("CARGO_BIN_EXE_scoped"),
        &["--len", "1000", "--threads", "3"],
        10,
    );
    ok(&out);
    let lines: Vec<&str> = out.stdout.lines().collect();
    let at = |p: &str| {
        lines
            .iter()
            .position(|l| l.contains(p))
            .unwrap_or_else(|| panic!("no line with {p:?}\n{}", out.dump()))
    };
    let check1 = at("check: std::thread::scope sum = 500500");
    let check2 = at("check: sum after doubling in place = 1001000");
    let check3 = at("check: crossbeam::scope sum = 500500");
    // Each part's threads all speak before its check: the scope joined them.
    for k in 0..3 {
        assert!(
            at(&format!(" sum-{k}] summing ")) < check1,
            "{}",
            out.dump()
        );
        let d = at(&format!(" double-{k}] doubled "));
        assert!(check1 < d && d < check2, "{}", out.dump());
        let x = at(&format!(" xb-sum-{k}] summing "));
        assert!(check2 < x && x < check3, "{}", out.dump());
    }
}

#[test]
fn bad_flags_fail_cleanly() {
    let cases: [(&str, &[&str], &str); 6] = [
        (
            env!("CARGO_BIN_EXE_sing_dance"),
            &["--interval=-1"],
            "not a valid number of seconds",
        ),
        (
            env!("CARGO_BIN_EXE_cpu_bound"),
            &["--count", "0"],
            "--count",
        ),
        (
            env!("CARGO_BIN_EXE_producer_consumer"),
            &["--consumers", "0"],
            "--consumers",
        ),
        (
            env!("CARGO_BIN_EXE_daemon"),
            &["--no-such-flag"],
            "--no-such-flag",
        ),
        // The flag's own value, not a value derived from it.
        (
            env!("CARGO_BIN_EXE_daemon"),
            &["--worker-secs=-1"],
            "bad --worker-secs",
        ),
        // A zero tick would flood the output with work steps.
        (
            env!("CARGO_BIN_EXE_stop_pause"),
            &["--tick", "0"],
            "--tick must be more than 0",
        ),
    ];
    for (exe, args, says) in cases {
        let out = run_bin(exe, args, 10);
        assert_clean_failure(&out);
        assert!(out.stderr.contains(says), "{}", out.dump());
    }
    let out = run_bin(env!("CARGO_BIN_EXE_daemon"), &["--worker-secs=-1"], 10);
    assert!(
        out.stderr.contains("-1 is not a valid number of seconds"),
        "{}",
        out.dump()
    );
    let out = run_twin(DIR, "sing_dance", &["--interval=-1"], 10);
    assert_clean_failure(&out);
    assert!(
        out.stderr.contains("not a valid number of seconds"),
        "{}",
        out.dump()
    );
    let out = run_twin(DIR, "stop_pause", &["--tick", "0"], 10);
    assert_clean_failure(&out);
    assert!(
        out.stderr.contains("--tick must be more than 0"),
        "{}",
        out.dump()
    );
}
