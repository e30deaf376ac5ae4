//! `multi_machine` and its twin `multi_machine.py`: every job gives the
//! single-thread run's answer in both languages; a member (Rust) or a worker
//! (Python) killed mid-run loses no job; the launcher's hostfile and done file
//! are gone on every path; Ctrl-C stops both well; the twin's `--serve` and
//! `--connect` work as two programs. The kills are released by the
//! programs' own lines (a result from the victim), never by a sleep.

mod common;

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::{DIR, RunOutput, answer, assert_clean_failure, bin, has_cost, ok, strays, twin};
use shared::report::{crawl_answer, primes_answer, sha_answer};
use shared::site::{Site, SiteConfig, expected_posts};
use shared::workload::{PRIMES, is_prime, sha_job};

const EXE: &str = env!("CARGO_BIN_EXE_multi_machine");

/// A blog site for the crawls, `latency_ms` per request.
fn site(pages: u32, latency_ms: u64) -> Site {
    let latency = Duration::from_millis(latency_ms);
    Site::start(SiteConfig { pages, latency, ..SiteConfig::default() })
        .expect("the test site starts")
}

/// The answers the single-thread runs give (`cpu_bound --only single`,
/// `process_pool_hash --threads --workers 1`, `crawler`).
fn sha_known(jobs: u64, size: usize) -> String {
    sha_answer(&(0..jobs).map(|seed| sha_job(size, seed)).collect::<Vec<_>>())
}
fn primes_known(count: usize) -> String {
    primes_answer(&PRIMES[..count].iter().map(|&n| is_prime(n)).collect::<Vec<_>>())
}

/// The job numbers of the result lines (`job  3: <result> (...)`) in `text`.
fn jobs_in(text: &str) -> Vec<u64> {
    let after = |l: &str| l.split_once("] job ").map(|(_, rest)| rest.to_string());
    let number = |rest: String| rest.split(':').next()?.trim().parse().ok();
    text.lines().filter_map(after).filter_map(number).collect()
}

/// Every job `0..n` (or `1..=n`) reported exactly once.
fn each_once(out: &RunOutput, want: impl Iterator<Item = u64>) {
    let mut seen = jobs_in(&out.stdout);
    seen.sort_unstable();
    assert_eq!(seen, want.collect::<Vec<_>>(), "{}", out.dump());
}

/// The launcher's temporary files named in its output (`hostfile PATH: ...`)
/// and the done file beside it: none may exist after the run.
fn launcher_files_gone(stdout: &str) {
    let hosts: BTreeSet<&str> = stdout
        .lines()
        .filter_map(|l| l.split_once("] hostfile ")?.1.split_once(": ").map(|(p, _)| p))
        .collect();
    assert!(!hosts.is_empty(), "no hostfile line\n{stdout}");
    for h in hosts {
        let done = h.replace(".hosts", ".done");
        assert!(!Path::new(h).exists() && !Path::new(&done).exists(), "{h} left\n{stdout}");
    }
}

#[test]
fn rust_jobs_give_the_single_thread_answers() {
    let out = bin(EXE, &["--job", "sha", "--jobs", "6", "--size", "4096"], 60);
    ok(&out);
    assert_eq!(answer(&out), sha_known(6, 4096), "{}", out.dump());
    each_once(&out, 0..6);
    // Job k on worker k % 2: even jobs in one process, odd in the other.
    for l in out.stdout.lines().filter(|l| l.contains("] job ")) {
        let job: u64 = jobs_in(l)[0];
        assert!(l.contains(&format!("(worker-{}, pid ", job % 2)), "{l}\n{}", out.dump());
    }
    has_cost(&out, "multi machine");
    launcher_files_gone(&out.stdout);

    let out = bin(EXE, &["--job", "primes", "--count", "3", "-n", "3", "-w", "2"], 60);
    ok(&out);
    assert_eq!(answer(&out), primes_known(3), "{}", out.dump());
    each_once(&out, 0..3);
    launcher_files_gone(&out.stdout);

    let site = site(12, 0);
    let out = bin(EXE, &["--job", "crawl", "--pages", "12", "--site", site.url()], 60);
    ok(&out);
    assert_eq!(answer(&out), crawl_answer(expected_posts(12), 12), "{}", out.dump());
    each_once(&out, 1..=12);
    launcher_files_gone(&out.stdout);
    // Without --site the launcher starts one, and every member crawls it.
    let out = bin(EXE, &["--job", "crawl", "--pages", "5", "--latency-ms", "0"], 60);
    ok(&out);
    assert_eq!(answer(&out), crawl_answer(expected_posts(5), 5), "{}", out.dump());
    assert_eq!(out.stdout.matches("--site http://127.0.0.1:").count(), 2, "{}", out.dump());
}

#[test]
fn twin_jobs_give_the_single_thread_answers() {
    let out = twin("multi_machine", &["--job", "sha", "--jobs", "6", "--size", "4096"], 60);
    ok(&out);
    assert_eq!(answer(&out), sha_known(6, 4096), "{}", out.dump());
    each_once(&out, 0..6);
    has_cost(&out, "multi machine");

    let out = twin("multi_machine", &["--job", "primes", "--count", "3", "--workers", "3"], 60);
    ok(&out);
    assert_eq!(answer(&out), primes_known(3), "{}", out.dump());
    each_once(&out, 0..3);

    let site = site(12, 0);
    let out = twin("multi_machine", &["--job", "crawl", "--pages", "12", "--site", site.url()], 60);
    ok(&out);
    assert_eq!(answer(&out), crawl_answer(expected_posts(12), 12), "{}", out.dump());
    each_once(&out, 0..12);
}

#[cfg(unix)]
/// Runs `cmd` (tagged, as `common::run_tagged`), and on the first stdout
/// line for which `victim` gives a pid, `kill -9`s that process; returns the
/// whole output, the pid and the stdout up to the kill.
fn run_killing(
    mut cmd: Command,
    victim: impl Fn(&str, &str) -> Option<u32>,
) -> (RunOutput, u32, String) {
    let tag = format!("{}-machines-kill", std::process::id());
    cmd.env("CONCURRENCY_PAIRS_TEST_TAG", &tag).stdout(Stdio::piped()).stderr(Stdio::piped());
    let start = Instant::now();
    let mut child = cmd.spawn().expect("it starts");
    let (tx, lines) = mpsc::channel();
    let pipe = BufReader::new(child.stdout.take().unwrap());
    let reader = std::thread::spawn(move || {
        pipe.lines().map_while(Result::ok).for_each(|l| drop(tx.send(l)))
    });
    let stderr = child.stderr.take().unwrap();
    let errors = std::thread::spawn(move || std::io::read_to_string(stderr).unwrap_or_default());
    let (mut stdout, mut killed) = (String::new(), None);
    let deadline = start + Duration::from_secs(60); // a hang is a failure, not a stuck test
    let timed_out = loop {
        match lines.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(line) => {
                stdout += &line;
                stdout += "\n";
                if killed.is_none()
                    && let Some(pid) = victim(&stdout, &line)
                {
                    let status = Command::new("kill").args(["-9", &pid.to_string()]).status();
                    assert!(status.unwrap().success(), "kill {pid}\n{stdout}");
                    killed = Some((pid, stdout.clone()));
                }
            }
            Err(mpsc::RecvTimeoutError::Timeout) => break true,
            Err(mpsc::RecvTimeoutError::Disconnected) => break false, // stdout closed: it ended
        }
    };
    if timed_out {
        let _ = child.kill(); // its children are found by their tag and killed below
    }
    let status = child.wait().unwrap();
    let left = strays(&tag);
    for pid in &left {
        let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
    }
    reader.join().unwrap();
    let out = RunOutput {
        code: status.code(),
        timed_out,
        stdout,
        stderr: errors.join().unwrap(),
        wall_secs: start.elapsed().as_secs_f64(),
    };
    assert!(left.is_empty() && !timed_out, "a hang, or processes outlived the run\n{}", out.dump());
    let (pid, before) = killed.unwrap_or_else(|| panic!("nobody was killed\n{}", out.dump()));
    (out, pid, before)
}

#[cfg(unix)]
/// The result lines of `text`, joined.
fn rerun_lines(text: &str) -> String {
    text.lines().filter(|l| l.contains("] job ")).collect::<Vec<_>>().join("\n")
}

#[cfg(unix)] // `kill -9`
#[test]
fn rust_member_killed_mid_run_loses_no_job() {
    // 16 pages of 100 ms, two members: process 1 is killed as soon as process
    // 0 reports its first result, with most of its pages still to do.
    let site = site(16, 100);
    let mut cmd = Command::new(EXE);
    cmd.args(["--job", "crawl", "--pages", "16", "--site", site.url()]);
    let (out, pid, before) = run_killing(cmd, |stdout, line| {
        line.contains("(worker-1, pid ").then_some(())?;
        let started = stdout.lines().find(|l| l.contains("] started process 1 (pid "))?;
        started.split("(pid ").nth(1)?.split(')').next()?.parse().ok()
    });
    ok(&out);
    assert_eq!(answer(&out), crawl_answer(expected_posts(16), 16), "{}", out.dump());
    assert!(out.stdout.contains("lost process"), "{}", out.dump());
    assert!(out.stdout.contains("(signal: 9"), "{}", out.dump());
    // The fresh cluster ran only the pages process 0 had not reported.
    let split = out.stdout.find("a fresh cluster runs").expect("a rerun");
    let (first, rerun) = (jobs_in(&out.stdout[..split]), jobs_in(&out.stdout[split..]));
    assert!(!jobs_in(&before).is_empty(), "{}", out.dump());
    assert!(rerun.iter().all(|j| !first.contains(j)), "{first:?} / {rerun:?}\n{}", out.dump());
    let all: BTreeSet<u64> = first.iter().chain(&rerun).copied().collect();
    assert_eq!(all, (1..=16).collect(), "{}", out.dump());
    assert!(!rerun_lines(&out.stdout[split..]).contains(&format!("pid {pid})")), "{}", out.dump());
    launcher_files_gone(&out.stdout);
}

#[cfg(unix)] // `kill -9`
#[test]
fn twin_worker_killed_mid_run_loses_no_job() {
    // 12 pages of 100 ms, two workers: a worker that has reported a page is
    // killed as soon as the server says it lent it the next one (the lease).
    let site = site(12, 100);
    let script = Path::new(DIR).join("python").join("multi_machine.py");
    let mut cmd = Command::new("python3");
    cmd.arg("-u").arg(script).args(["--job", "crawl", "--pages", "12", "--site", site.url()]);
    let (out, pid, before) = run_killing(cmd, |stdout, line| {
        let pid: u32 = line.split_once(" lent to pid ")?.1.trim().parse().ok()?;
        stdout.contains(&format!("(pid {pid})\n")).then_some(pid) // it has done one
    });
    ok(&out);
    assert_eq!(answer(&out), crawl_answer(expected_posts(12), 12), "{}", out.dump());
    // The page lent to it went back to the queue and was done by the other.
    let lent = before.lines().last().unwrap().split("] job").nth(1).unwrap();
    let job: u64 = lent.split_whitespace().next().unwrap().parse().unwrap();
    let back = format!("job {job} back in the queue: its worker is gone");
    assert!(out.stdout.contains(&back), "{back}\n{}", out.dump());
    each_once(&out, 0..12);
    let after = out.stdout.split(&back).nth(1).unwrap();
    assert!(!after.contains(&format!("(pid {pid})")), "{}", out.dump());
}

#[test]
fn twin_serves_and_a_worker_connects_from_elsewhere() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let port = port.to_string();
    let server_args = ["--serve", port.as_str(), "--job", "sha", "--jobs", "4", "--size", "2048"];
    let server_args = server_args.map(String::from);
    let server = std::thread::spawn(move || {
        let args: Vec<&str> = server_args.iter().map(String::as_str).collect();
        twin("multi_machine", &args, 60)
    });
    // The worker retries nothing: wait until the server listens.
    let until = Instant::now() + Duration::from_secs(30);
    while std::net::TcpStream::connect(("127.0.0.1", port.parse().unwrap())).is_err() {
        assert!(Instant::now() < until, "the server never listened");
        std::thread::sleep(Duration::from_millis(20));
    }
    let worker = twin("multi_machine", &["--connect", &format!("127.0.0.1:{port}")], 60);
    let out = server.join().unwrap();
    ok(&out);
    assert_eq!(answer(&out), sha_known(4, 2048), "{}", out.dump());
    ok(&worker); // it ends when the server goes
    assert!(!worker.stderr.contains("Traceback"), "{}", worker.dump());
}

#[test]
fn rust_members_started_by_hand_share_a_hostfile() {
    let listeners: Vec<_> =
        (0..2).map(|_| std::net::TcpListener::bind("127.0.0.1:0").unwrap()).collect();
    let ports: Vec<String> =
        listeners.iter().map(|l| l.local_addr().unwrap().to_string()).collect();
    drop(listeners); // two different free ports, released for the members
    let hosts = std::env::temp_dir().join(format!("machines-test-{}.hosts", std::process::id()));
    std::fs::write(&hosts, ports.join("\n") + "\n").unwrap();
    let h = hosts.to_str().unwrap().to_string();
    let member = |p: &'static str| {
        let h = h.clone();
        std::thread::spawn(move || {
            bin(EXE, &["--job", "primes", "--count", "2", "-n", "2", "-p", p, "-h", &h], 60)
        })
    };
    let (one, zero) = (member("1"), member("0"));
    let (zero, one) = (zero.join().unwrap(), one.join().unwrap());
    let _ = std::fs::remove_file(&hosts);
    ok(&zero);
    ok(&one);
    assert_eq!(answer(&zero), primes_known(2), "{}", zero.dump());
    assert!(!one.stdout.contains("answer: "), "only process 0 answers\n{}", one.dump());
}

#[test]
fn launcher_removes_its_files_when_it_fails() {
    // Members that cannot finish within --run-timeout: killed, files removed.
    let site = site(40, 200);
    let args = ["--job", "crawl", "--pages", "40", "--site", site.url(), "--run-timeout", "1"];
    let out = bin(EXE, &args, 60);
    assert_clean_failure(&out);
    assert!(out.stderr.contains("did not finish within the --run-timeout"), "{}", out.dump());
    launcher_files_gone(&out.stdout);
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_the_launcher_its_members_and_the_twin() {
    use shared::run::{interrupt_bin, interrupt_twin};
    let site = site(40, 100);
    let args = ["--job", "crawl", "--pages", "40", "--site", site.url()];
    let run = interrupt_bin(EXE, &args, "] job ");
    run.assert_stopped_well();
    assert!(run.stdout.contains("interrupted: "), "{}", run.dump());
    assert!(!run.stderr.contains("Error"), "{}", run.dump());
    launcher_files_gone(&run.stdout);
    eprintln!("multi_machine stopped {:?} after the Ctrl-C", run.stopped_after);

    let run = interrupt_twin(DIR, "multi_machine", &args, "] job ");
    run.assert_stopped_well();
    assert!(run.stdout.contains("interrupted: "), "{}", run.dump());
    eprintln!("multi_machine.py stopped {:?} after the Ctrl-C", run.stopped_after);
}
