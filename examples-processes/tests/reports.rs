//! What the comparison harness reads from this crate's bins and twins: the
//! cost lines and the one `answer:` line (Rust and Python agree on it), and
//! the spans `shared` (or `blog_spider`) records by itself when
//! `CONCURRENCY_PAIRS_SPANS` is set, in every process of the run: the rows
//! and counts each program must produce; a row's spans never overlap when one
//! thread or process does them in turn. Every run is tagged (`common`): no
//! process may outlive it. No test asserts a time, or that spans overlap.

mod common;

use common::{answer, bin, bin_cmd, has_cost, ok, one_at_a_time, pos, twin, twin_cmd, with_spans};
use shared::report::sha_answer;
use shared::workload::{PRIMES, sha_job};

#[test]
fn sing_dance_proc_and_twin_record_each_childs_lines_as_marks() {
    let args = ["--num", "3", "--interval", "0.05"];
    let exe = env!("CARGO_BIN_EXE_sing_dance_proc");
    for cmd in [bin_cmd(exe, &args), twin_cmd("sing_dance_proc", &args)] {
        let (out, rows) = with_spans(cmd, 30);
        ok(&out);
        // Each child appended its own marks, one per line it printed, on its
        // row, named by the PID main saw it start with.
        for (who, line) in [("sing", "唱歌......"), ("dance", "跳舞......")] {
            let started = format!("started {who}_process: pid ");
            let pid =
                out.events()[pos(&out, "main", &started)].2.rsplit(' ').next().unwrap().to_string();
            let row = format!("{who} (pid {pid})");
            let marks = rows.get(&row).map_or(0, |r| r.iter().filter(|s| s.what == line).count());
            assert_eq!(marks, 3, "{row}: {rows:?}\n{}", out.dump());
        }
    }
}

/// A spans file that cannot be created is refused before any child starts:
/// one error line, exit 1 (`shared::init()`, blog_spider at import).
#[test]
fn sing_dance_proc_and_twin_refuse_a_bad_spans_path_first() {
    let exe = env!("CARGO_BIN_EXE_sing_dance_proc");
    for mut cmd in [bin_cmd(exe, &[]), twin_cmd("sing_dance_proc", &[])] {
        cmd.env(shared::spans::SPANS_ENV, shared::run::checks::missing_spans_path());
        let out = common::run_tagged(cmd, 20);
        shared::run::checks::bad_spans_path_fails(&out);
        assert!(!out.stdout.contains("started "), "{}", out.dump());
    }
}

const CPU: &str = env!("CARGO_BIN_EXE_cpu_bound_proc");

#[test]
fn cpu_bound_proc_and_twin_run_one_way_each_and_agree() {
    let ways =
        [("single", "single thread"), ("threads", "multi thread"), ("processes", "multi process")];
    for (only, label) in ways {
        let args = ["--count", "2", "--workers", "2", "--only", only];
        for out in [bin(CPU, &args, 30), twin("cpu_bound_proc", &args, 60)] {
            ok(&out);
            has_cost(&out, label);
            let costs = out.stdout.lines().filter(|l| l.contains(", cost = ")).count();
            assert_eq!(costs, 1, "{}", out.dump());
            assert_eq!(answer(&out), "2 of 2 prime", "{}", out.dump());
        }
    }
    for out in [bin(CPU, &["--only", "gpu"], 10), twin("cpu_bound_proc", &["--only", "gpu"], 10)] {
        common::assert_clean_failure(&out);
        assert_eq!(out.code, Some(2), "{}", out.dump());
    }
}

#[test]
fn cpu_bound_proc_and_twin_spans_one_per_number_on_each_row() {
    let args = ["--count", "4", "--workers", "2"];
    // The rows of the three ways: main; the thread pool's threads (rayon's,
    // a ThreadPoolExecutor's `pool_N`); the worker processes (Rust's
    // `worker (pid P)`, Python's pool workers' main thread, `main (pid P)`).
    let ways = [
        (bin_cmd(CPU, &args), "rayon-", "worker (pid "),
        (twin_cmd("cpu_bound_proc", &args), "pool_", "main (pid "),
    ];
    for (cmd, threads, workers) in ways {
        let (out, rows) = with_spans(cmd, 120);
        ok(&out);
        let what = format!("is_prime {}", PRIMES[0]);
        let checked = |on: &dyn Fn(&str) -> bool| -> usize {
            let rows = rows.iter().filter(|(row, _)| on(row));
            rows.map(|(_, spans)| spans.iter().filter(|s| s.what == what).count()).sum()
        };
        // Each way checks every number once, on its own rows.
        assert_eq!(checked(&|r| r == "main"), 4, "{rows:?}\n{}", out.dump());
        assert_eq!(checked(&|r| r.starts_with(threads)), 4, "{rows:?}\n{}", out.dump());
        assert_eq!(checked(&|r| r.starts_with(workers)), 4, "{rows:?}\n{}", out.dump());
        let processes = rows.keys().filter(|r| r.starts_with(workers)).count();
        assert!((1..=2).contains(&processes), "{rows:?}");
        for spans in rows.values() {
            // A thread, or a worker, checks one number at a time (the cost
            // lines' spans, `single thread` ..., hold a way's checks: left out).
            let checks: Vec<_> = spans.iter().filter(|s| s.what == what).cloned().collect();
            one_at_a_time(&checks, &out);
        }
    }
}

#[test]
fn process_pool_hash_and_twin_give_the_same_answer() {
    let digests: Vec<String> = (0..5).map(|seed| sha_job(2048, seed)).collect();
    let known = sha_answer(&digests);
    for threads in [false, true] {
        let mut args = vec!["--workers", "2", "--jobs", "5", "--size", "2048"];
        args.extend(threads.then_some("--threads"));
        let label = if threads { "multi thread" } else { "multi process" };
        let exe = env!("CARGO_BIN_EXE_process_pool_hash");
        for out in [bin(exe, &args, 30), twin("process_pool_hash", &args, 60)] {
            ok(&out);
            has_cost(&out, label);
            assert_eq!(answer(&out), known, "{}", out.dump());
        }
    }
}

#[test]
fn multi_machine_answer_comes_once_from_process_0() {
    let exe = env!("CARGO_BIN_EXE_multi_machine");
    let args = ["-n", "2", "-w", "2", "--jobs", "5", "--size", "2048"];
    let out = bin(exe, &args, 60);
    ok(&out);
    has_cost(&out, "multi machine");
    let digests: Vec<String> = (0..5).map(|seed| sha_job(2048, seed)).collect();
    assert_eq!(answer(&out), sha_answer(&digests), "{}", out.dump());
}
