//! The pools, the crash recovery and the many-machine run: each bin (and its
//! Python twin) runs as a child with small flags, its output is checked for
//! what the catalogue row says it must show, and no process it started may
//! outlive it. No test asserts a time; each has a time limit.
//!
//! Stray processes: every run goes through `common::bin` / `common::twin`,
//! which tag it in its environment (children and grandchildren inherit the
//! tag) and fail if a tagged process is still alive after it (read from /proc
//! on Linux; elsewhere the check is skipped).

mod common;

use std::collections::HashSet;

use common::{
    answer, assert_clean_failure, bin, bin_cmd, has_cost, line, ok, twin, twin_cmd, with_spans,
};
use shared::report::sha_answer;
use shared::run::RunOutput;
use shared::workload::sha_job;

/// The `job  3: <digest> (who)` lines as (job, digest, who), in printed order.
fn digests(out: &RunOutput) -> Vec<(u64, String, String)> {
    out.events()
        .into_iter()
        .filter_map(|(_, _, msg)| {
            let rest = msg.strip_prefix("job ")?;
            let (job, rest) = rest.split_once(": ")?;
            let (digest, who) = rest.split_once(" (")?;
            Some((
                job.trim().parse().ok()?,
                digest.to_string(),
                who.trim_end_matches(')').to_string(),
            ))
        })
        .collect()
}

/// Every job 0..jobs printed once, with the digest a single-threaded
/// `sha_job(size, job)` gives; returns the "who" of each line.
fn all_digests_right(out: &RunOutput, jobs: u64, size: usize) -> Vec<String> {
    let lines = digests(out);
    let mut seen: Vec<u64> = lines.iter().map(|(j, _, _)| *j).collect();
    seen.sort_unstable();
    assert_eq!(seen, (0..jobs).collect::<Vec<_>>(), "{}", out.dump());
    for (job, digest, _) in &lines {
        assert_eq!(*digest, sha_job(size, *job), "job {job}\n{}", out.dump());
    }
    lines.into_iter().map(|(_, _, who)| who).collect()
}

/// `N workers, elapsed time: X.XXs`, then the answer: every digest, in job order.
fn pool_summary(out: &RunOutput, workers: u32, jobs: u64, size: usize) {
    let l = line(out, &format!("{workers} workers, elapsed time: "));
    let secs = l.rsplit(' ').next().unwrap().trim_end_matches('s');
    assert!(secs.parse::<f64>().is_ok() && secs.split('.').nth(1).map(str::len) == Some(2), "{l}");
    let digests: Vec<String> = (0..jobs).map(|seed| sha_job(size, seed)).collect();
    assert_eq!(answer(out), sha_answer(&digests), "{}", out.dump());
}

#[test]
fn process_pool_hash_digests_from_distinct_processes() {
    let exe = env!("CARGO_BIN_EXE_process_pool_hash");
    let out = bin(exe, &["--workers", "2", "--jobs", "6", "--size", "4096"], 30);
    ok(&out);
    let who = all_digests_right(&out, 6, 4096);
    let pids: HashSet<&String> = who.iter().collect();
    // Jobs 0 and 1 go to the two idle workers at once: both take part.
    assert_eq!(pids.len(), 2, "{}", out.dump());
    assert!(who.iter().all(|w| w.starts_with("pid ")), "{}", out.dump());
    pool_summary(&out, 2, 6, 4096);

    let out = bin(exe, &["--workers", "3", "--jobs", "5", "--size", "4096", "--threads"], 30);
    ok(&out);
    let who = all_digests_right(&out, 5, 4096);
    assert!(who.iter().all(|w| w.starts_with("thread rayon-")), "{}", out.dump());
    pool_summary(&out, 3, 5, 4096);

    let bad = bin(exe, &["--workers", "0"], 10);
    assert_clean_failure(&bad);
}

/// The pool lesson's key line: the jobs run in the workers. Each worker
/// records (`shared` does, while spans are recorded) a span `sha seed N` for
/// each job it hashes, on its own row `worker (pid P)`; every printed
/// `job N: ... (pid P)` must have that span on that PID's row, and no job may
/// be hashed anywhere else (the parent's `main` row, say).
#[test]
fn process_pool_hash_each_job_is_hashed_by_the_worker_that_reports_it() {
    let exe = env!("CARGO_BIN_EXE_process_pool_hash");
    let args = ["--workers", "2", "--jobs", "6", "--size", "4096"];
    // Rust's workers hash on a thread named `worker`; the twin's pool workers
    // on their main thread (`main`); in a child process `shared` and
    // `blog_spider` add the PID: `worker (pid P)`, `main (pid P)`.
    for (cmd, row) in
        [(bin_cmd(exe, &args), "worker"), (twin_cmd("process_pool_hash", &args), "main")]
    {
        let (out, rows) = with_spans(cmd, 60);
        ok(&out);
        let hashed: Vec<(&String, &str)> = rows
            .iter()
            .flat_map(|(row, spans)| spans.iter().map(move |s| (row, s.what.as_str())))
            .filter(|(_, what)| what.starts_with("sha seed "))
            .collect();
        assert_eq!(hashed.len(), 6, "each job hashed once: {hashed:?}\n{}", out.dump());
        for (job, _, who) in digests(&out) {
            let row = format!("{row} ({who})"); // who = "pid P", as the worker sent it
            let what = format!("sha seed {job}");
            assert!(
                hashed.contains(&(&row, what.as_str())),
                "job {job} was not hashed by {row}: {hashed:?}\n{}",
                out.dump()
            );
        }
    }
}

#[test]
fn process_pool_hash_twin_gives_the_same_digests() {
    for threads in [false, true] {
        let mut args = vec!["--workers", "2", "--size", "1024", "--jobs", "4"];
        if threads {
            args.push("--threads");
        }
        let out = twin("process_pool_hash", &args, 60);
        ok(&out);
        all_digests_right(&out, 4, 1024);
        pool_summary(&out, 2, 4, 1024);
    }
    let bad = twin("process_pool_hash", &["--size", "-1"], 10);
    assert_eq!(bad.code, Some(2), "{}", bad.dump());
    assert!(!bad.stderr.contains("Traceback"), "{}", bad.dump());
    // --interpreters: Python 3.14's InterpreterPoolExecutor, the same digests; refused before.
    let args = ["--workers", "2", "--size", "1024", "--jobs", "4", "--interpreters"];
    let out = twin("process_pool_hash", &args, 60);
    if has_interpreter_pool() {
        ok(&out);
        has_cost(&out, "multi interpreter");
        all_digests_right(&out, 4, 1024);
    } else {
        assert_eq!(out.code, Some(2), "{}", out.dump());
        assert!(out.stderr.contains("unrecognized arguments: --interpreters"), "{}", out.dump());
    }
}

/// `python3` has `concurrent.futures.InterpreterPoolExecutor` (3.14+).
fn has_interpreter_pool() -> bool {
    let probe = "import concurrent.futures as f; print(hasattr(f, 'InterpreterPoolExecutor'))";
    let out = std::process::Command::new("python3").args(["-c", probe]).output().unwrap();
    String::from_utf8_lossy(&out.stdout).trim() == "True"
}

/// Ctrl-C after the first of 12 big jobs (issue 17 saw 2 workers left 0.3 s
/// after it): exit 130, the partial account, no traceback, no worker left, in
/// the bin and the twin, with processes and with threads.
#[cfg(unix)]
#[test]
fn process_pool_hash_stops_well_on_ctrl_c() {
    use common::DIR;
    use shared::run::{interrupt_bin, interrupt_twin};
    let exe = env!("CARGO_BIN_EXE_process_pool_hash");
    // 12 jobs of 16 MiB: the first is done long before the last (debug build: ~1 s a job)
    for threads in [false, true] {
        let mut args = vec!["--workers", "2", "--jobs", "12", "--size", "16777216"];
        args.extend(threads.then_some("--threads"));
        for run in [
            interrupt_bin(exe, &args, "job "),
            interrupt_twin(DIR, "process_pool_hash", &args, "job "),
        ] {
            run.assert_stopped_well();
            assert!(run.stdout.contains(" of 12 jobs done"), "{}", run.dump());
            assert!(!run.stdout.contains("answer: "), "{}", run.dump());
            eprintln!("threads {threads}: stopped after {:?}", run.stopped_after);
        }
    }
}

fn cpu_bound(out: &RunOutput, count: usize) {
    ok(out);
    for label in ["single thread", "multi thread", "multi process"] {
        has_cost(out, label);
    }
    let lines: Vec<&str> = out.stdout.lines().collect();
    let at = |p: &str| lines.iter().position(|l| l.starts_with(p)).unwrap();
    assert!(at("single thread") < at("multi thread") && at("multi thread") < at("multi process"));
    assert_eq!(answer(out), format!("{count} of {count} prime"), "{}", out.dump());
}

#[test]
fn cpu_bound_proc_three_ways_agree() {
    let exe = env!("CARGO_BIN_EXE_cpu_bound_proc");
    cpu_bound(&bin(exe, &["--count", "4", "--workers", "2"], 30), 4);
    assert_clean_failure(&bin(exe, &["--count", "101"], 10));
    cpu_bound(&twin("cpu_bound_proc", &["--count", "4", "--workers", "2"], 120), 4);
}

/// The message of the first event whose message starts with `prefix`, and its index.
fn find(out: &RunOutput, prefix: &str) -> (usize, String) {
    out.events()
        .into_iter()
        .enumerate()
        .find(|(_, (_, _, m))| m.starts_with(prefix))
        .map(|(i, (_, _, m))| (i, m))
        .unwrap_or_else(|| panic!("no event starting {prefix:?}\n{}", out.dump()))
}

#[test]
fn fault_isolation_retries_the_killed_workers_job() {
    let exe = env!("CARGO_BIN_EXE_fault_isolation");
    let out = bin(exe, &["--workers", "2", "--size", "4096", "--kill", "5"], 30);
    ok(&out);
    // "killed worker-1 (pid 123) in the middle of job 5"
    let (killed_at, killed) = find(&out, "killed worker-");
    assert!(killed.ends_with("in the middle of job 5"), "{}", out.dump());
    let victim = killed.split(" in the middle").next().unwrap().trim_start_matches("killed ");
    // The pool noticed that very worker die, during that job.
    let (died_at, died) = find(&out, &format!("{victim} died ("));
    assert!(died_at > killed_at && died.ends_with("during job 5"), "{}", out.dump());
    #[cfg(unix)]
    assert!(died.contains("SIGKILL"), "{}", out.dump());
    let (restarted_at, _) = find(&out, "restarted worker-");
    let retry = out.events().iter().position(|(_, _, m)| m.ends_with("started job 5, attempt 2"));
    assert!(died_at < restarted_at && Some(restarted_at) < retry, "{}", out.dump());
    // Every one of the 12 results arrived and is right; job 5's came from a
    // new process, not the killed one.
    let who = all_digests_right(&out, 12, 4096);
    let victim_pid = victim.split("(pid ").nth(1).unwrap().trim_end_matches(')');
    let job5 = digests(&out).into_iter().find(|(j, _, _)| *j == 5).unwrap().2;
    assert!(!job5.contains(&format!("pid {victim_pid})")), "{job5}\n{}", out.dump());
    assert_eq!(who.len(), 12);
    line(&out, "check: 12 of 12 results arrived, all correct");
}

#[test]
fn fault_isolation_gives_up_on_a_poison_job() {
    let exe = env!("CARGO_BIN_EXE_fault_isolation");
    let args = ["--workers", "2", "--size", "4096", "--poison", "7", "--attempts", "3"];
    let out = bin(exe, &args, 30);
    ok(&out);
    let deaths = out.events().iter().filter(|(_, _, m)| m.ends_with("during job 7")).count();
    assert_eq!(deaths, 3, "{}", out.dump());
    find(&out, "job 7 failed: it ended its worker 3 times");
    // The other 11 finish, right.
    let lines = digests(&out);
    let mut jobs: Vec<u64> = lines.iter().map(|(j, _, _)| *j).collect();
    jobs.sort_unstable();
    assert_eq!(jobs, (0..12).filter(|&j| j != 7).collect::<Vec<_>>(), "{}", out.dump());
    for (job, digest, _) in &lines {
        assert_eq!(*digest, sha_job(4096, *job));
    }
    line(&out, "check: 11 of 12 results arrived, all correct; job 7 failed after 3 attempts");
    assert_clean_failure(&bin(exe, &["--kill", "12"], 10));
}

#[test]
fn multi_machine_two_local_processes_return_every_digest() {
    let exe = env!("CARGO_BIN_EXE_multi_machine");
    let out = bin(exe, &["-n", "2", "--jobs", "6", "--size", "4096"], 60);
    ok(&out);
    let who = all_digests_right(&out, 6, 4096);
    // Job k ran on worker k % 2, and the two workers are two processes.
    for (job, _, w) in digests(&out) {
        assert!(w.starts_with(&format!("worker-{}, pid ", job % 2)), "{}", out.dump());
    }
    let pids: HashSet<&str> = who.iter().map(|w| w.split("pid ").nth(1).unwrap()).collect();
    assert_eq!(pids.len(), 2, "{}", out.dump());
    let digests: Vec<String> = (0..6).map(|seed| sha_job(4096, seed)).collect();
    assert_eq!(answer(&out), sha_answer(&digests), "{}", out.dump());
    has_cost(&out, "multi machine");
}

/// A port nobody listens on (bound, then released).
fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

#[test]
fn multi_machine_fails_clearly_when_peers_are_unreachable() {
    let exe = env!("CARGO_BIN_EXE_multi_machine");
    let hosts = std::env::temp_dir().join(format!("pools-test-{}.hosts", std::process::id()));
    let lines = format!("127.0.0.1:{}\n127.0.0.1:{}\n", closed_port(), closed_port());
    std::fs::write(&hosts, lines).unwrap();
    let hosts_arg = hosts.to_str().unwrap();
    // Process 1 connects to process 0's closed port; process 0 waits for a
    // process 1 that never comes. Both give up after the deadline.
    for p in ["1", "0"] {
        let args = ["-n", "2", "-p", p, "-h", hosts_arg, "--connect-timeout", "2"];
        let out = bin(exe, &args, 30);
        assert_clean_failure(&out);
        let msg = format!("process {p} could not reach its peers within 2 s");
        assert!(out.stderr.contains(&msg), "{}", out.dump());
        assert!(out.stderr.contains(hosts_arg), "{}", out.dump());
    }
    let _ = std::fs::remove_file(&hosts);
    assert_clean_failure(&bin(exe, &["-n", "2", "-p", "2", "-h", hosts_arg], 10));
}
