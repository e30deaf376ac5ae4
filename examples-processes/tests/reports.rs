//! The comparison harness's flags on this crate's bins and twins: `--only`
//! (one variant per process), `--json` (the last line, a `shared::report`
//! whose answer Rust and Python agree on), `--no-check`, and `--spans`
//! (who ran when: the rows and counts each program must produce; a row's
//! spans never overlap when one thread or process does them in turn). Every
//! run is tagged (`common::bin` / `common::twin`): no process may outlive it.
//! No test asserts a time, or that spans overlap.

mod common;

use std::collections::BTreeSet;

use common::{
    bad_spans_path_fails, bin, count, line, missing_spans_path, ok, one_at_a_time, pos, report,
    spans_by_row, spans_path, twin,
};
use serde_json::json;
use shared::report::sha_answer;
use shared::run::RunOutput;
use shared::workload::sha_job;

/// The PID at the end of the first `who` event starting with `prefix`.
fn pid_of(out: &RunOutput, who: &str, prefix: &str) -> u32 {
    let msg = &out.events()[pos(out, who, prefix)].2;
    msg.rsplit(' ')
        .next()
        .and_then(|p| p.parse().ok())
        .expect("a pid")
}

#[test]
fn sing_dance_proc_and_twin_record_each_childs_lines() {
    for is_twin in [false, true] {
        let path = spans_path("sing_dance");
        let path_arg = path.display().to_string();
        let args = ["--num", "3", "--interval", "0.05", "--spans", &path_arg];
        let out = if is_twin {
            twin("sing_dance_proc", &args, 30)
        } else {
            bin(env!("CARGO_BIN_EXE_sing_dance_proc"), &args, 30)
        };
        ok(&out);
        let sing = pid_of(&out, "main", "started sing_process: pid ");
        let dance = pid_of(&out, "main", "started dance_process: pid ");
        let rows = spans_by_row(&path, &out);
        // Exactly the two children's rows, named by the PIDs main saw.
        let names: Vec<&String> = rows.keys().collect();
        let (s, d) = (format!("sing (pid {sing})"), format!("dance (pid {dance})"));
        let mut want = vec![&d, &s];
        want.sort();
        assert_eq!(names, want, "{}", out.dump());
        for (row, line) in [(&s, "唱歌......"), (&d, "跳舞......")] {
            let spans = &rows[row];
            assert_eq!(spans.len(), 3, "{spans:?}");
            assert!(spans.iter().all(|sp| sp.what == line), "{spans:?}");
            one_at_a_time(spans, &out); // one child prints its lines in turn
        }
    }
    let missing = missing_spans_path();
    let args = ["--spans", missing.as_str()];
    for out in [
        bin(env!("CARGO_BIN_EXE_sing_dance_proc"), &args, 10),
        twin("sing_dance_proc", &args, 10),
    ] {
        bad_spans_path_fails(&out);
        // Refused before any child started.
        assert_eq!(count(&out, "main", "started "), 0, "{}", out.dump());
    }
}

const CPU: &str = env!("CARGO_BIN_EXE_cpu_bound_proc");

#[test]
fn cpu_bound_proc_and_twin_run_one_way_each_and_agree() {
    let ways = [
        ("single", "single thread", "one thread"),
        ("threads", "multi thread", "2 threads"),
        ("processes", "multi process", "2 processes"),
    ];
    let mut answers = BTreeSet::new();
    for (only, label, plan) in ways {
        let args = ["--count", "2", "--workers", "2", "--only", only, "--json"];
        for (out, lang) in [
            (bin(CPU, &args, 30), "rust"),
            (twin("cpu_bound_proc", &args, 60), "python"),
        ] {
            ok(&out);
            line(&out, &format!("checking 2 numbers: {plan}"));
            line(&out, &format!("check: {label}: 2 answers, all prime"));
            let params = [
                ("count", json!(2)),
                ("workers", json!(2)),
                ("only", json!(only)),
            ];
            let r = report(&out, "cpu_bound_proc", lang, "primes", &params, &[label]);
            answers.insert(r.answer.expect("an answer"));
        }
    }
    // All three ways, both languages: one answer.
    assert_eq!(answers, BTreeSet::from(["2 of 2 prime".to_string()]));

    // Without --only: all three, in turn, in one report.
    let args = ["--count", "2", "--workers", "2", "--json"];
    let labels = ["single thread", "multi thread", "multi process"];
    let params = [("only", json!("all"))];
    let r = report(
        &bin(CPU, &args, 30),
        "cpu_bound_proc",
        "rust",
        "primes",
        &params,
        &labels,
    );
    assert_eq!(r.answer.as_deref(), Some("2 of 2 prime"));
    let out = twin("cpu_bound_proc", &args, 60);
    let r = report(&out, "cpu_bound_proc", "python", "primes", &params, &labels);
    assert_eq!(r.answer.as_deref(), Some("2 of 2 prime"));

    for out in [
        bin(CPU, &["--only", "gpu"], 10),
        twin("cpu_bound_proc", &["--only", "gpu"], 10),
    ] {
        common::assert_clean_failure(&out);
        assert_eq!(out.code, Some(2), "{}", out.dump());
    }
}

#[test]
fn cpu_bound_proc_and_twin_spans_one_per_number_on_each_row() {
    // Rust's thread pool is rayon's (rows rayon-0..), Python's a
    // ThreadPoolExecutor(thread_name_prefix="pool") (rows pool_0..).
    for (python, threads) in [(false, "rayon-"), (true, "pool_")] {
        let path = spans_path(if python { "cpu_bound_py" } else { "cpu_bound" });
        let path_arg = path.display().to_string();
        let args = ["--count", "4", "--workers", "2", "--spans", &path_arg];
        let out = if python {
            twin("cpu_bound_proc", &args, 60)
        } else {
            bin(CPU, &args, 30)
        };
        ok(&out);
        let rows = spans_by_row(&path, &out);
        let labels = |prefix: &str| -> Vec<String> {
            let mut v: Vec<String> = rows
                .iter()
                .filter(|(row, _)| row.starts_with(prefix))
                .flat_map(|(_, spans)| spans.iter().map(|s| s.what.clone()))
                .collect();
            v.sort();
            v
        };
        let all: Vec<String> = (0..4).map(|k| format!("is_prime #{k}")).collect();
        // Each way checks every number once: on main, on the pool's threads,
        // in the worker processes.
        for prefix in ["main", threads, "worker (pid "] {
            assert_eq!(labels(prefix), all, "{prefix}: {rows:?}");
        }
        let known =
            |r: &String| r == "main" || r.starts_with(threads) || r.starts_with("worker (pid ");
        assert!(rows.keys().all(known), "{rows:?}");
        let workers = rows
            .keys()
            .filter(|r| r.starts_with("worker (pid "))
            .count();
        assert!((1..=2).contains(&workers), "{rows:?}");
        for spans in rows.values() {
            one_at_a_time(spans, &out); // a thread, or a worker, does one at a time
        }
        let missing = missing_spans_path();
        let args = ["--count", "1", "--spans", missing.as_str()];
        let out = if python {
            twin("cpu_bound_proc", &args, 30)
        } else {
            bin(CPU, &args, 10)
        };
        bad_spans_path_fails(&out);
    }
}

#[test]
fn process_pool_hash_and_twin_json_without_the_check() {
    let (jobs, size) = (5u64, 2048usize);
    let digests: Vec<String> = (0..jobs).map(|seed| sha_job(size, seed)).collect();
    let known = sha_answer(&digests);
    for threads in [false, true] {
        let mut args = vec!["--workers", "2", "--jobs", "5", "--size", "2048", "--json"];
        args.push("--no-check");
        if threads {
            args.push("--threads");
        }
        let label = if threads {
            "multi thread"
        } else {
            "multi process"
        };
        for (out, lang) in [
            (
                bin(env!("CARGO_BIN_EXE_process_pool_hash"), &args, 30),
                "rust",
            ),
            (twin("process_pool_hash", &args, 60), "python"),
        ] {
            ok(&out);
            line(&out, "check skipped (--no-check)");
            assert!(!out.stdout.contains("check: all"), "{}", out.dump());
            let params = [
                ("jobs", json!(jobs)),
                ("size", json!(size)),
                ("workers", json!(2)),
                ("threads", json!(threads)),
            ];
            let r = report(&out, "process_pool_hash", lang, "sha", &params, &[label]);
            assert_eq!(r.answer.as_deref(), Some(known.as_str()), "{}", out.dump());
        }
    }
    // With the check, the same report follows the check line.
    let args = ["--workers", "2", "--jobs", "5", "--size", "2048", "--json"];
    let out = bin(env!("CARGO_BIN_EXE_process_pool_hash"), &args, 30);
    line(&out, "check: all 5 digests match a single-threaded sha_job");
    let r = report(
        &out,
        "process_pool_hash",
        "rust",
        "sha",
        &[],
        &["multi process"],
    );
    assert_eq!(r.answer.as_deref(), Some(known.as_str()));
}

#[test]
fn multi_machine_launcher_prints_process_0s_answer() {
    let exe = env!("CARGO_BIN_EXE_multi_machine");
    let args = [
        "-n", "2", "-w", "2", "--jobs", "5", "--size", "2048", "--json",
    ];
    let out = bin(exe, &args, 60);
    ok(&out);
    line(&out, "check: all 5 digests match a single-threaded sha_job");
    let params = [
        ("jobs", json!(5)),
        ("size", json!(2048)),
        ("processes", json!(2)),
        ("threads", json!(2)),
    ];
    let r = report(
        &out,
        "multi_machine",
        "rust",
        "sha",
        &params,
        &["multi machine"],
    );
    let digests: Vec<String> = (0..5).map(|seed| sha_job(2048, seed)).collect();
    assert_eq!(r.answer, Some(sha_answer(&digests)), "{}", out.dump());
    // Printed once, by the launcher.
    let reports = out.stdout.lines().filter(|l| l.starts_with('{')).count();
    assert_eq!(reports, 1, "{}", out.dump());
    // A member run by hand refuses it, with one message.
    let out = bin(exe, &["-n", "1", "-p", "0", "--json"], 10);
    common::assert_clean_failure(&out);
    assert!(
        out.stderr.contains("--json is the launcher's"),
        "{}",
        out.dump()
    );
}
