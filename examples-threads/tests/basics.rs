//! The thread basics: each bin and its Python twin run as a child process with
//! small flags, and the same checker asserts what the catalogue says it must
//! show (order of events, counts, checks printed, exit codes). No test asserts
//! a time or a speedup: only that the lines are there and well formed.

mod common;

use common::{DIR, assert_clean_failure, count, has_cost, line, ok, pos, refused};
use shared::run::{RunOutput, run_bin, run_twin};

/// A line `<prefix>1.93x...`: a number with 2 decimals, then `x`.
fn has_ratio(out: &RunOutput, prefix: &str) {
    let rest = &line(out, prefix)[prefix.len()..];
    let num = rest.split('x').next().unwrap_or_default();
    let decimals = num.split('.').nth(1).map_or(0, str::len);
    assert!(num.parse::<f64>().is_ok() && decimals == 2, "{}", out.dump());
}

fn sing_dance(out: RunOutput) {
    ok(&out);
    for (who, word) in [("sing", "唱歌...... (singing"), ("dance", "跳舞...... (dancing")] {
        assert_eq!(count(&out, who, word), 3, "{}", out.dump());
        for k in 1..=3 {
            pos(&out, who, &format!("{word} {k}/3)"));
        }
    }
    // They overlap: each thread's first line comes before the other's last.
    // (A margin of two intervals: the one order here that rests on timing.)
    let first = |who, word| pos(&out, who, &format!("{word} 1/3)"));
    let last = |who, word| pos(&out, who, &format!("{word} 3/3)"));
    assert!(first("sing", "唱歌...... (singing") < last("dance", "跳舞...... (dancing"));
    assert!(first("dance", "跳舞...... (dancing") < last("sing", "唱歌...... (singing"));
    // The cost line comes after every line of both threads: Rust joined them,
    // Python waited for them at exit (the twin never joins, like the note).
    let cost = out.stdout.find("sing and dance, cost = ").expect("a cost line");
    assert!(out.stdout[..cost].matches("/3)").count() == 6, "{}", out.dump());
    has_cost(&out, "sing and dance");
}

#[test]
fn sing_dance_interleaves() {
    let args = ["--iterations", "3", "--interval", "0.3"];
    let out = run_bin(env!("CARGO_BIN_EXE_sing_dance"), &args, 10);
    assert!(
        pos(&out, "dance", "跳舞...... (dancing 3/3)") < pos(&out, "main", "both threads joined")
    );
    sing_dance(out);
    let out = run_twin(DIR, "sing_dance", &args, 10);
    // The twin's main ends before the threads do: nothing joins them.
    assert!(
        pos(&out, "main", "main's code ends here") < pos(&out, "sing", "唱歌...... (singing 3/3)")
    );
    sing_dance(out);
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
    assert_eq!(count(&out, "worker", "worker finished"), 0, "{}", out.dump());
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
    assert!(timed_out < pos(&out, "main", "is_alive() = true"), "{}", out.dump());
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
    assert!(!events[order[1]..order[3]].iter().any(is_work), "work while paused\n{}", out.dump());
    assert!(events[order[3]..order[5]].iter().any(is_work), "{}", out.dump());
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
    let (started, done) =
        (pos(&out, "main", "slow job started"), pos(&out, "main", "slow job done"));
    let frames_during = out.events()[started..done]
        .iter()
        .filter(|(_, w, m)| w == "spinner" && m.ends_with(" thinking!"))
        .count();
    assert!(frames_during >= 2, "the spinner did not spin while main worked\n{}", out.dump());
    assert!(done < pos(&out, "spinner", "spinner stopped after"), "{}", out.dump());
    line(&out, "check: the spinner drew ");
    assert_eq!(out.stdout.lines().last(), Some("Answer: 42"), "{}", out.dump());
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
        .filter_map(|(_, _, m)| m.split_once("consumed ")?.1.strip_suffix(" items")?.parse().ok())
        .collect();
    assert_eq!(per_consumer.len(), 3, "{}", out.dump());
    assert_eq!(per_consumer.iter().sum::<usize>(), 30, "{}", out.dump());
    line(&out, "check: 30 items consumed exactly once");
}

#[test]
fn producer_consumer_every_item_once() {
    let args = ["--producers", "2", "--consumers", "3", "--items", "30", "--consume-secs", "0.002"];
    producer_consumer(run_bin(env!("CARGO_BIN_EXE_producer_consumer"), &args, 10));
    producer_consumer(run_twin(DIR, "producer_consumer", &args, 10));
}

/// The single-thread and thread-pool lines both sides print, in order.
fn cpu_bound(out: &RunOutput) {
    ok(out);
    has_cost(out, "single thread");
    has_cost(out, "thread pool");
    has_ratio(out, "speedup = ");
    let at = |p: &str| out.stdout.find(p).unwrap_or_else(|| panic!("{p:?}\n{}", out.dump()));
    assert!(at("single thread, cost") < at("thread pool, cost"));
    assert!(at("thread pool, cost") < at("speedup = "));
    assert!(
        line(out, "speedup = ").ends_with("x (thread pool vs single thread)"),
        "{}",
        out.dump()
    );
}

#[test]
fn cpu_bound_single_vs_pool() {
    let args = ["--count", "4", "--threads", "2"];
    let out = run_bin(env!("CARGO_BIN_EXE_cpu_bound"), &args, 20);
    cpu_bound(&out);
    line(&out, "check: both give the same 4 answers (all prime)");
    // Pure Python trial division: ~0.5 s a number, on each of three runs.
    let out = run_twin(DIR, "cpu_bound", &["--count", "2", "--threads", "2"], 60);
    cpu_bound(&out);
    // The twin adds the process pool, so the GIL's punchline is on screen.
    has_cost(&out, "process pool");
    // Python 3.14 adds the interpreter pool (all 4 agree); older ones refuse it.
    let probe = "import concurrent.futures as f; print(hasattr(f, 'InterpreterPoolExecutor'))";
    let has = std::process::Command::new("python3").args(["-c", probe]).output().unwrap();
    let has = String::from_utf8_lossy(&has.stdout).trim() == "True";
    let ratios: Vec<&str> = out.stdout.lines().filter(|l| l.starts_with("speedup = ")).collect();
    assert_eq!(ratios.len(), if has { 3 } else { 2 }, "{}", out.dump());
    assert!(ratios[1].ends_with("x (process pool vs single thread)"), "{}", out.dump());
    // It names its Python and the GIL's state; the lesson line follows it.
    let python = line(&out, "python: Python 3.");
    let gil = python.ends_with(" (GIL)");
    assert!(gil || python.ends_with(" (free-threaded)"), "{}", out.dump());
    line(&out, if gil { "the GIL: " } else { "no GIL: " });
    let args = ["--count", "2", "--threads", "2", "--only", "interpreters"];
    if has {
        line(&out, "check: all 4 give the same 2 answers (all prime)");
        let out = run_twin(DIR, "cpu_bound", &args, 60);
        ok(&out);
        has_cost(&out, "interpreter pool");
        line(&out, "answer: 2 of 2 prime");
    } else {
        line(&out, "check: all 3 give the same 2 answers (all prime)");
        let out = run_twin(DIR, "cpu_bound", &args, 10);
        assert_eq!(out.code, Some(2), "{}", out.dump());
        assert!(out.stderr.contains("--only: invalid choice: 'interpreters'"), "{}", out.dump());
    }
}

fn pool_vs_spawn(out: RunOutput) {
    ok(&out);
    has_cost(&out, "spawn per task");
    has_cost(&out, "thread pool");
    has_ratio(&out, "ratio = ");
    assert!(line(&out, "ratio = ").ends_with("x (spawn per task / thread pool)"), "{}", out.dump());
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
    let out = run_bin(env!("CARGO_BIN_EXE_scoped"), &["--len", "1000", "--threads", "3"], 10);
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
    let check3 = at("check: crossbeam::scope sum = 1001000");
    // Each part's threads all speak before its check: the scope joined them.
    for k in 0..3 {
        assert!(at(&format!(" sum-{k}] summing ")) < check1, "{}", out.dump());
        let d = at(&format!(" double-{k}] doubled "));
        assert!(check1 < d && d < check2, "{}", out.dump());
        let x = at(&format!(" xb-sum-{k}] summing "));
        assert!(check2 < x && x < check3, "{}", out.dump());
    }
}

#[test]
fn bad_flags_fail_cleanly() {
    let secs = "is not a number of seconds from 0 to 3600";
    let positive = "is not a number of seconds more than 0, at most 3600";
    let cases: [(&str, &str, &[&str], &str); 16] = [
        (env!("CARGO_BIN_EXE_sing_dance"), "sing_dance", &["--interval", "nan"], secs),
        (env!("CARGO_BIN_EXE_sing_dance"), "sing_dance", &["--interval=-1"], secs),
        (env!("CARGO_BIN_EXE_sing_dance"), "sing_dance", &["--iterations", "1001"], "1001"),
        (env!("CARGO_BIN_EXE_thread_subclass"), "thread_subclass", &["--interval", "inf"], secs),
        (env!("CARGO_BIN_EXE_daemon"), "daemon", &["--worker-secs", "1e999"], secs),
        (env!("CARGO_BIN_EXE_daemon"), "daemon", &["--main-secs", "3601"], secs),
        (env!("CARGO_BIN_EXE_daemon"), "daemon", &["--no-such-flag"], "--no-such-flag"),
        (env!("CARGO_BIN_EXE_join_timeout"), "join_timeout", &["--timeout", "inf"], secs),
        (env!("CARGO_BIN_EXE_join_timeout"), "join_timeout", &["--work-secs", "NaN"], secs),
        (env!("CARGO_BIN_EXE_stop_pause"), "stop_pause", &["--tick", "nan"], positive),
        (env!("CARGO_BIN_EXE_spinner_thread"), "spinner_thread", &["--tick", "1e10"], positive),
        (env!("CARGO_BIN_EXE_spinner_thread"), "spinner_thread", &["--slow-secs", "soon"], "soon"),
        (env!("CARGO_BIN_EXE_producer_consumer"), "producer_consumer", &["--consumers", "0"], "0"),
        (
            env!("CARGO_BIN_EXE_producer_consumer"),
            "producer_consumer",
            &["--items", "1000001"],
            "1000001",
        ),
        (env!("CARGO_BIN_EXE_cpu_bound"), "cpu_bound", &["--threads", "257"], "257"),
        (
            env!("CARGO_BIN_EXE_pool_vs_spawn"),
            "pool_vs_spawn",
            &["--tasks", "10000001"],
            "10000001",
        ),
    ];
    for (exe, twin, args, says) in cases {
        refused(exe, twin, args, 2, says);
    }
    // A zero tick would flood the output with work steps or frames.
    for (exe, twin) in [
        (env!("CARGO_BIN_EXE_stop_pause"), "stop_pause"),
        (env!("CARGO_BIN_EXE_spinner_thread"), "spinner_thread"),
    ] {
        refused(exe, twin, &["--tick", "0"], 2, positive);
    }
    assert_clean_failure(&run_bin(env!("CARGO_BIN_EXE_scoped"), &["--len", "0"], 10));
}
