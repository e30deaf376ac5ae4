//! Ctrl-C (issue 17): every long-running bin of this crate that H-ctrlc owns,
//! and its twin, is interrupted mid-run as a terminal does it: SIGINT to its
//! whole process group (workers and children included) once it has printed a
//! line that says it is at work (`shared::run::interrupt_when`). Each must stop
//! well: exit code 130 or killed by SIGINT, no traceback or panic, and no
//! process of its group left (no worker or child outlives it). The crawler
//! also gives the account of every URL. How fast they stop is measured by
//! /work/plan/ctrlc_sweep.sh, not asserted here. Unix only: Windows has no
//! process groups (a console's Ctrl-C reaches every process attached to it).
#![cfg(unix)]

use std::process::Command;
use std::time::Duration;

use shared::run::{Interrupted, interrupt_bin, interrupt_twin, interrupt_when_all};
use shared::site::{Site, SiteConfig};

const DIR: &str = env!("CARGO_MANIFEST_DIR");

fn stopped(runs: &[Interrupted]) {
    for run in runs {
        run.assert_stopped_well();
        eprintln!("stopped {:?} after the SIGINT", run.stopped_after);
    }
}

#[test]
fn crawler_proc_and_twin_give_the_account_of_every_url() {
    let site = Site::start(SiteConfig { pages: 300, ..SiteConfig::default() }).expect("a site");
    let args = ["--pages", "300", "--workers", "2", "--site", site.url()];
    let runs = [
        interrupt_bin(env!("CARGO_BIN_EXE_crawler_proc"), &args, "posts"),
        interrupt_twin(DIR, "crawler_proc", &args, "posts"),
    ];
    stopped(&runs);
    for run in &runs {
        let line = run.stdout.lines().find(|l| l.starts_with("stopped by Ctrl-C: 300 pages: "));
        assert!(line.is_some_and(|l| !l.ends_with(" 0 not fetched")), "{}", run.dump());
        assert!(!run.stdout.contains("answer:"), "{}", run.dump());
    }
}

#[test]
fn cpu_bound_proc_and_twin_stop_their_process_pools() {
    // Interrupted once the process pool's workers run (its single-thread and
    // thread runs are over). The twin's pool has one worker: with two, the
    // first could say it has started while the parent still forks the second,
    // and CPython ignores a KeyboardInterrupt raised in a fork handler.
    let exe = env!("CARGO_BIN_EXE_cpu_bound_proc");
    stopped(&[
        interrupt_bin(exe, &["--workers", "2"], "worker processes, pids"),
        interrupt_twin(
            DIR,
            "cpu_bound_proc",
            &["--workers", "1", "--count", "8"],
            "worker process started",
        ),
    ]);
}

#[test]
fn fault_isolation_stops_its_workers() {
    let exe = env!("CARGO_BIN_EXE_fault_isolation");
    let args = ["--jobs", "400", "--size", "2000000", "--kill", "399", "--workers", "2"];
    stopped(&[interrupt_bin(exe, &args, "started job 1,")]);
}

#[test]
fn daemon_proc_and_twin_leave_no_worker() {
    // --mode join: main waits for a worker that runs 60 s.
    let exe = env!("CARGO_BIN_EXE_daemon_proc");
    let args = ["--mode", "join", "--worker-secs", "60", "--main-secs", "0.1"];
    stopped(&[
        interrupt_bin(exe, &args, "step 2/10"),
        interrupt_twin(DIR, "daemon_proc", &args, "step 2/10"),
    ]);
}

#[test]
fn spinner_proc_and_twin_leave_no_spinner() {
    let exe = env!("CARGO_BIN_EXE_spinner_proc");
    let args = ["--slow-secs", "60"];
    stopped(&[
        interrupt_bin(exe, &args, "thinking"),
        interrupt_twin(DIR, "spinner_proc", &args, "thinking"),
    ]);
}

#[test]
fn sing_dance_proc_and_twin_leave_no_child() {
    // Released once both children print (a child still starting when the Ctrl-C
    // comes, before the twin's has imported blog_spider, would show a traceback).
    let args = ["--num", "100", "--interval", "0.1"];
    let mut bin = Command::new(env!("CARGO_BIN_EXE_sing_dance_proc"));
    bin.args(args);
    let mut twin = Command::new("python3");
    twin.arg("-u").arg(format!("{DIR}/python/sing_dance_proc.py")).args(args);
    let five = Duration::from_secs(5);
    stopped(&[bin, twin].map(|cmd| interrupt_when_all(cmd, &["唱歌", "跳舞"], five).unwrap()));
}

#[test]
fn subprocess_and_twin_leave_no_child() {
    // Interrupted while the child that hangs runs (60 s before its timeout).
    let args = ["--timeout", "60"];
    stopped(&[
        interrupt_bin(env!("CARGO_BIN_EXE_subprocess"), &args, "sort [3 1 2]"),
        interrupt_twin(DIR, "subprocess_run", &args, "sort [3 1 2]"),
    ]);
}
