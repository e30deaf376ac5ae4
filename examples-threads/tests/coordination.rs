//! The coordination bins (condition, thread_pool, semaphore, barrier) and
//! their Python twins, run as child processes with small flags and a time
//! limit each (a deadlock fails the test instead of hanging it). No test
//! asserts a time: only orders, counts, messages and exit codes.

mod common;

use common::{DIR, assert_clean_failure, has_cost, line, ok, said};
use shared::run::{RunOutput, run_bin, run_twin};

#[test]
fn condition_turns_strictly_alternate_then_notify_one_wakes_one() {
    let args = ["--exchanges", "4", "--pause", "0.02", "--tick", "0.03"];
    for out in [
        run_bin(env!("CARGO_BIN_EXE_condition"), &args, 30),
        run_twin(DIR, "condition", &args, 30),
    ] {
        ok(&out);
        let ev = said(&out);
        let is_speaker = |who: &str| who == "tmall" || who == "xiaoai";
        let (bye, talk): (Vec<_>, Vec<_>) = ev
            .iter()
            .filter(|(who, _)| is_speaker(who))
            .partition(|(_, msg)| msg.ends_with(" bye"));
        let speakers: Vec<&str> = talk.iter().map(|(who, _)| who.as_str()).collect();
        assert_eq!(speakers, ["tmall", "xiaoai"].repeat(4), "{}", out.dump());
        // Each speaker waits for `bye` once and hears it once.
        for msg in ["waiting for bye", "heard bye"] {
            let mut who: Vec<&str> = bye
                .iter()
                .filter(|(_, m)| m == msg)
                .map(|(w, _)| w.as_str())
                .collect();
            who.sort_unstable();
            assert_eq!(who, ["tmall", "xiaoai"], "{msg}: {}", out.dump());
        }
        // Where each event is: (index, who, message).
        let at = |msg: &str| -> Vec<usize> {
            let hit = |(i, (_, m)): (usize, &(String, String))| (m == msg).then_some(i);
            ev.iter().enumerate().filter_map(hit).collect()
        };
        let talk_ends = ev
            .iter()
            .rposition(|(w, m)| is_speaker(w) && !m.ends_with(" bye"));
        let (waiting, heard) = (at("waiting for bye"), at("heard bye"));
        let one = at("bye = true, notify_one()");
        let all = at("notify_one woke 1 of 2 waiting speakers; now notify_all()");
        assert_eq!((one.len(), all.len()), (1, 1), "{}", out.dump());
        let (one, all) = (one[0], all[0]);
        // After the talk both speakers fall asleep, then main's notify_one
        // lets exactly one go, and only main's notify_all the other.
        assert!(talk_ends < Some(one), "{}", out.dump());
        assert!(waiting.iter().all(|&i| i < one), "{}", out.dump());
        assert!(
            one < heard[0] && heard[0] < all && all < heard[1],
            "{}",
            out.dump()
        );
        line(&out, "check: 8 lines, the turns strictly alternate");
        line(
            &out,
            "check: notify_one woke 1 of 2 waiting speakers, notify_all the other",
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
        ok(&out);
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
        // Every task ran on a pool thread, named alike in Rust and Python.
        let pool_names: Vec<String> = said(&out)
            .into_iter()
            .filter(|(_, msg)| msg.starts_with("task "))
            .map(|(who, _)| who)
            .collect();
        assert_eq!(pool_names.len(), 20, "{}", out.dump());
        for who in &pool_names {
            let n = who
                .strip_prefix("pool-")
                .and_then(|n| n.parse::<u32>().ok());
            assert!(n.is_some_and(|n| n < 5), "{who}: {}", out.dump());
        }
        has_cost(&out, "map");
        has_cost(&out, "submit + as_completed");
        line(
            &out,
            "check: as_completed yielded the results shortest sleep first",
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
        ok(&out);
        assert!(
            out.stdout.contains("map (input order): [2, 0, 1]"),
            "{}",
            out.dump()
        );
        line(&out, "check skipped: 1 workers < 3 tasks");
        line(
            &out,
            "check: map and the re-sorted results are both in input order [2, 0, 1]",
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
            ok(&out);
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
            line(&out, &format!("check: at most {permits} in flight"));
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
        ok(&out);
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
        line(&out, "check: all 2 parties arrived");
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
    assert_clean_failure(&run_bin(
        env!("CARGO_BIN_EXE_barrier"),
        &["--parties", "1"],
        10,
    ));
}
