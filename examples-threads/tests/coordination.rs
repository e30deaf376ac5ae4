//! The coordination bins (condition, thread_pool, semaphore, barrier) and
//! their Python twins, run as child processes with small flags and a time
//! limit each (a deadlock fails the test instead of hanging it). No test
//! asserts a time: only orders, counts, messages and exit codes.

use shared::run::{RunOutput, run_bin, run_twin};

const DIR: &str = env!("CARGO_MANIFEST_DIR");

/// The event lines as (who, message), without the timestamps.
fn said(out: &RunOutput) -> Vec<(String, String)> {
    out.events()
        .into_iter()
        .map(|(_, who, msg)| (who, msg))
        .collect()
}

fn assert_clean_failure(out: &RunOutput) {
    assert!(!out.success() && !out.timed_out, "{}", out.dump());
    assert!(!out.stderr.contains("panicked"), "{}", out.dump());
    assert!(!out.stderr.contains("Traceback"), "{}", out.dump());
}

#[test]
fn condition_turns_strictly_alternate() {
    let args = ["--exchanges", "4", "--pause", "0.02", "--tick", "0.03"];
    for out in [
        run_bin(env!("CARGO_BIN_EXE_condition"), &args, 30),
        run_twin(DIR, "condition", &args, 30),
    ] {
        assert!(out.success(), "{}", out.dump());
        let speakers: Vec<String> = said(&out)
            .into_iter()
            .map(|(who, _)| who)
            .filter(|who| who == "tmall" || who == "xiaoai")
            .collect();
        let expected: Vec<&str> = ["tmall", "xiaoai"].repeat(4);
        assert_eq!(speakers, expected, "{}", out.dump());
        assert!(
            out.stdout
                .contains("check: 8 lines, the turns strictly alternate"),
            "{}",
            out.dump()
        );
    }
}

#[test]
fn condition_rejects_bad_flags() {
    for args in [
        &["--exchanges", "0"][..],
        &["--pause=-1"],
        &["--tick", "soon"],
    ] {
        assert_clean_failure(&run_bin(env!("CARGO_BIN_EXE_condition"), args, 10));
        assert_clean_failure(&run_twin(DIR, "condition", args, 10));
    }
    let out = run_bin(env!("CARGO_BIN_EXE_condition"), &["--pause=-1"], 10);
    assert!(
        out.stderr.contains("not a valid number of seconds"),
        "{}",
        out.dump()
    );
}

#[test]
fn thread_pool_shows_the_three_orders() {
    let args = ["--unit", "0.2"];
    for out in [
        run_bin(env!("CARGO_BIN_EXE_thread_pool"), &args, 30),
        run_twin(DIR, "thread_pool", &args, 30),
    ] {
        assert!(out.success(), "{}", out.dump());
        let main: Vec<String> = said(&out)
            .into_iter()
            .filter(|(who, _)| who == "main")
            .map(|(_, msg)| msg)
            .collect();
        // map: input order.
        assert!(
            main.contains(&"map (input order): [3, 1, 4, 2, 0]".to_string()),
            "{}",
            out.dump()
        );
        // as_completed: completion order, shortest sleep first.
        let completed: Vec<&str> = main
            .iter()
            .filter_map(|m| m.strip_prefix("as_completed: "))
            .collect();
        assert_eq!(
            completed,
            [
                "task 4 -> 0",
                "task 1 -> 1",
                "task 3 -> 2",
                "task 0 -> 3",
                "task 2 -> 4"
            ],
            "{}",
            out.dump()
        );
        // re-sorted by the index that came back with each result: input order.
        assert!(
            main.contains(
                &"re-sorted by index: [(0, 3), (1, 1), (2, 4), (3, 2), (4, 0)]".to_string()
            ),
            "{}",
            out.dump()
        );
        assert!(out.stdout.contains("map, cost = "), "{}", out.dump());
        assert!(
            out.stdout.contains("submit + as_completed, cost = "),
            "{}",
            out.dump()
        );
        assert!(
            out.stdout
                .contains("check: as_completed yielded the results shortest sleep first")
        );
    }
}

#[test]
fn thread_pool_with_fewer_workers_keeps_input_order() {
    let args = ["--unit", "0.05", "--sleeps", "2,0,1", "--workers", "1"];
    for out in [
        run_bin(env!("CARGO_BIN_EXE_thread_pool"), &args, 30),
        run_twin(DIR, "thread_pool", &args, 30),
    ] {
        assert!(out.success(), "{}", out.dump());
        assert!(
            out.stdout.contains("map (input order): [2, 0, 1]"),
            "{}",
            out.dump()
        );
        assert!(
            out.stdout.contains("check skipped: 1 workers < 3 tasks"),
            "{}",
            out.dump()
        );
        assert!(
            out.stdout
                .contains("check: map and the re-sorted results are both in input order [2, 0, 1]")
        );
    }
    assert_clean_failure(&run_bin(
        env!("CARGO_BIN_EXE_thread_pool"),
        &["--workers", "0"],
        10,
    ));
}

/// The in-flight counts printed at each acquire and release.
fn in_flight_counts(out: &RunOutput, what: &str) -> Vec<usize> {
    let prefix = format!("{what}, in flight = ");
    said(out)
        .iter()
        .filter_map(|(_, msg)| {
            msg.strip_prefix(&prefix)
                .map(|n| n.parse().expect("a count"))
        })
        .collect()
}

#[test]
fn semaphore_never_lets_more_than_permits_in() {
    for (permits, jobs) in [(3usize, 7usize), (1, 3)] {
        let args = [
            "--jobs".to_string(),
            jobs.to_string(),
            "--permits".to_string(),
            permits.to_string(),
            "--job-secs".to_string(),
            "0.05".to_string(),
        ];
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        for out in [
            run_bin(env!("CARGO_BIN_EXE_semaphore"), &args, 30),
            run_twin(DIR, "semaphore", &args, 30),
        ] {
            assert!(out.success(), "{}", out.dump());
            let acquired = in_flight_counts(&out, "acquired");
            let released = in_flight_counts(&out, "releasing");
            assert_eq!(
                (acquired.len(), released.len()),
                (jobs, jobs),
                "{}",
                out.dump()
            );
            assert!(
                acquired.iter().all(|&n| (1..=permits).contains(&n)),
                "{}",
                out.dump()
            );
            assert!(released.iter().all(|&n| n < permits), "{}", out.dump());
            let waiting = said(&out)
                .iter()
                .filter(|(_, m)| m == "waiting for a permit")
                .count();
            assert_eq!(waiting, jobs, "{}", out.dump());
            let check = format!("check: at most {permits} in flight");
            assert!(out.stdout.contains(&check), "{}", out.dump());
        }
    }
}

#[test]
fn barrier_server_then_client_then_both_pass() {
    let args = ["--client-delay", "0.2"];
    for out in [
        run_bin(env!("CARGO_BIN_EXE_barrier"), &args, 30),
        run_twin(DIR, "barrier", &args, 30),
    ] {
        assert!(out.success(), "{}", out.dump());
        let ev = said(&out);
        let pair = |who: &str, msg: &str| (who.to_string(), msg.to_string());
        assert_eq!(ev.len(), 4, "{}", out.dump());
        assert_eq!(
            ev[..2],
            [pair("server", "server"), pair("client", "client")],
            "{}",
            out.dump()
        );
        // The two passes may come in either order.
        let mut passed = ev[2..].to_vec();
        passed.sort();
        assert_eq!(
            passed,
            [pair("client", "__client"), pair("server", "__server")],
            "{}",
            out.dump()
        );
        assert!(
            out.stdout.contains("check: all 2 parties arrived"),
            "{}",
            out.dump()
        );
    }
}

#[test]
fn barrier_times_out_and_breaks_for_both() {
    let args = ["--timeout", "0.3", "--client-delay", "0.8"];
    for out in [
        run_bin(env!("CARGO_BIN_EXE_barrier"), &args, 30),
        run_twin(DIR, "barrier", &args, 30),
    ] {
        assert_clean_failure(&out);
        assert_eq!(out.code, Some(1), "{}", out.dump());
        let ev = said(&out);
        let who: Vec<&str> = ev.iter().map(|(w, _)| w.as_str()).collect();
        assert_eq!(
            who,
            ["server", "server", "client", "client"],
            "{}",
            out.dump()
        );
        assert_eq!(ev[0].1, "server");
        assert!(
            ev[1].1.starts_with("BrokenBarrierError: my wait timed out"),
            "{}",
            out.dump()
        );
        assert_eq!(ev[2].1, "client");
        assert!(
            ev[3]
                .1
                .starts_with("BrokenBarrierError: the barrier is broken"),
            "{}",
            out.dump()
        );
        assert!(
            !out.stdout.contains("__"),
            "nobody passes a broken barrier: {}",
            out.dump()
        );
        assert!(
            out.stderr.contains("the barrier broke: 2 of 2 parties"),
            "{}",
            out.dump()
        );
    }
}

#[test]
fn barrier_with_four_parties() {
    let args = ["--parties", "4", "--client-delay", "0.1"];
    for out in [
        run_bin(env!("CARGO_BIN_EXE_barrier"), &args, 30),
        run_twin(DIR, "barrier", &args, 30),
    ] {
        assert!(out.success(), "{}", out.dump());
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
    assert_clean_failure(&run_bin(
        env!("CARGO_BIN_EXE_barrier"),
        &["--parties", "1"],
        10,
    ));
}
