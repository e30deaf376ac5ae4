//! The fifth granularity, many machines: the sha jobs spread over timely
//! dataflow workers in several processes that talk over TCP, so the same
//! binary runs on one machine or on many.
//!
//! The notes name it and stop there: 程序运行的5种并发粒度 ... 多机器 ("the 5
//! granularities of concurrency ... many machines", note 001), chosen 如果单机
//! 无法搞定 ("if one machine cannot do it"); note 003 lists 多机器并行
//! (handoop/spark/hive) ("parallelism over many machines"; "handoop" is the
//! note's typo for Hadoop). No twin: the Python standard library has nothing
//! for it (the notes point to Hadoop and Spark). Here timely dataflow does
//! it: each process runs `-w` worker threads, `-n` processes in all, this one
//! being `-p`, and `-h hostfile` lists every process's `host:port`, process 0
//! first (timely's own flags). Worker 0 holds the 12 job numbers;
//! `exchange(|&job| job)` sends job k to worker k % (number of workers), which
//! hashes it (`sha_job`, as in `process_pool_hash`); a second `exchange`
//! gathers every digest at worker 0, whose process prints them and checks
//! them against a single-threaded run.
//!
//! Roles, chosen first thing in `main` (Python's `if __name__ == "__main__":`
//! guard): with `-p`, this process is one member of the cluster; without it,
//! it is a launcher that picks free ports on 127.0.0.1, writes a temporary
//! hostfile and runs `-n` members of the cluster as children
//! (`std::env::current_exe()`), all on this machine. (A port is free when it
//! is picked; another program could take it before the child binds it.)
//!
//! On one machine (the default run) and then on two (the same hostfile on
//! each; every line an address its own host can bind):
//!
//! ```text
//! cargo run -p examples-processes --bin multi_machine
//! cargo run -p examples-processes --bin multi_machine -- -n 3 -w 2
//!
//! # hosts.txt on both machines:  10.0.0.1:2101
//! #                              10.0.0.2:2101
//! host0$ cargo run --release -p examples-processes --bin multi_machine -- -w 2 -n 2 -p 0 -h hosts.txt
//! host1$ cargo run --release -p examples-processes --bin multi_machine -- -w 2 -n 2 -p 1 -h hosts.txt
//! ```
//!
//! You should see the launcher start 2 processes, each worker say which jobs
//! it hashed (worker 0 the even ones, worker 1 the odd ones, interleaved
//! between processes), then process 0 print `job  3: <digest> (worker-1, pid
//! P)` for the 12 jobs, `check: all 12 digests match a single-threaded
//! sha_job`, and the launcher see both exit. Each process's clock starts when
//! it does. A process that cannot reach its peers (timely retries for ever)
//! gives up after `--connect-timeout` seconds with an error naming the
//! hostfile, and the launcher kills what is left after `--timeout`.

use std::cell::RefCell;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::id as pid;
use std::rc::Rc;
use std::sync::mpsc::{RecvTimeoutError, channel};
use std::time::Duration;

use anyhow::{Context, Result, anyhow, ensure};
use clap::Parser;
use examples_processes::launch;
use serde::{Deserialize, Serialize};
use shared::event_as;
use shared::workload::{SHA_JOBS, SHA_SIZE, sha_job};
use timely::dataflow::operators::vec::{Map, ToStream};
use timely::dataflow::operators::{Exchange, Inspect, Probe};

/// The sha jobs over timely dataflow workers in several processes.
#[derive(Parser)]
#[command(disable_help_flag = true)]
struct Args {
    /// timely: worker threads per process.
    #[arg(short = 'w', long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=64))]
    threads: u32,
    /// timely: processes in all (the launcher starts this many on 127.0.0.1).
    #[arg(short = 'n', long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..=64))]
    processes: u32,
    /// timely: this process's number, 0..N; given, this process is a member of the cluster.
    #[arg(short = 'p', long)]
    process: Option<usize>,
    /// timely: a file of `host:port` lines, process 0 first.
    #[arg(short = 'h', long)]
    hostfile: Option<PathBuf>,
    /// How many jobs.
    #[arg(long, default_value_t = SHA_JOBS as u64, value_parser = clap::value_parser!(u64).range(1..=1000))]
    jobs: u64,
    /// Bytes hashed by each job.
    #[arg(long, default_value_t = SHA_SIZE as u64, value_parser = clap::value_parser!(u64).range(0..=1 << 28))]
    size: u64,
    /// Seconds a process waits to reach all its peers before giving up.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3600))]
    connect_timeout: u64,
    /// Launcher: seconds before it kills the processes still running.
    #[arg(long, default_value_t = 120, value_parser = clap::value_parser!(u64).range(1..=36000))]
    timeout: u64,
    /// Print help.
    #[arg(long, action = clap::ArgAction::Help)]
    help: Option<bool>,
}

/// A digest and where it was computed; crosses TCP inside timely (bincode).
#[derive(Clone, Serialize, Deserialize)]
struct Hashed {
    job: u64,
    digest: String,
    worker: usize,
    pid: u32,
}

fn main() -> Result<()> {
    shared::quiet_backtraces();
    let args = Args::parse();
    shared::timing::epoch();
    match args.process {
        Some(p) => member(&args, p), // one process of the cluster
        None => launch(&args),       // start the cluster here, on 127.0.0.1
    }
}

/// One member of the cluster: connect to the peers, run the dataflow, and
/// (process 0) print and check every digest.
fn member(args: &Args, process: usize) -> Result<()> {
    let n = args.processes as usize;
    ensure!(process < n, "-p {process} is not in 0..{n} (-n {n})");
    let path = args
        .hostfile
        .as_ref()
        .ok_or_else(|| anyhow!("-p needs a hostfile (-h)"))?;
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let addresses: Vec<String> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(n)
        .map(String::from)
        .collect();
    ensure!(
        addresses.len() == n,
        "{} lists {} addresses, -n needs {n}",
        path.display(),
        addresses.len()
    );
    let me = format!("process-{process}");
    event_as!(
        &me,
        "pid {}, connecting to {n} processes listed in {}",
        pid(),
        path.display()
    );

    // timely retries a refused connection for ever: give up after a deadline.
    let (connected, is_connected) = channel::<()>();
    let limit = Duration::from_secs(args.connect_timeout);
    let hosts = path.display().to_string();
    std::thread::spawn(move || {
        if is_connected.recv_timeout(limit) == Err(RecvTimeoutError::Timeout) {
            eprintln!(
                "Error: process {process} could not reach its peers within {} s: are all {n} \
                 processes running, with the same hostfile ({hosts})?",
                limit.as_secs()
            );
            std::process::exit(1);
        }
    });

    let config = timely::Config {
        communication: timely::CommunicationConfig::Cluster {
            threads: args.threads as usize,
            process,
            addresses,
            report: false,
            zerocopy: false,
        },
        worker: timely::WorkerConfig::default(),
    };
    let (jobs, size) = (args.jobs, args.size as usize);
    let guards = timely::execute(config, move |worker| {
        let _ = connected.send(()); // every peer is connected by now
        let index = worker.index(); // 0..workers in all processes
        let who = format!("worker-{index}");
        let gathered = Rc::new(RefCell::new(Vec::new()));
        let sink = Rc::clone(&gathered);
        let probe = worker.dataflow::<u64, _, _>(|scope| {
            let mine: Vec<u64> = if index == 0 {
                (0..jobs).collect()
            } else {
                Vec::new()
            };
            let (probe, _) = mine
                .to_stream(scope)
                .exchange(|&job| job) // job k to worker k % workers
                .map(move |job| {
                    let digest = sha_job(size, job);
                    event_as!(&who, "hashed job {job}");
                    Hashed {
                        job,
                        digest,
                        worker: index,
                        pid: pid(),
                    }
                })
                .exchange(|_| 0) // every digest to worker 0
                .inspect(move |h| sink.borrow_mut().push(h.clone()))
                .probe();
            probe
        });
        worker.step_while(|| !probe.done());
        gathered.take()
    })
    .map_err(|e| anyhow!("cannot start timely: {e}"))?;

    let mut all = Vec::new();
    for result in guards.join() {
        all.extend(result.map_err(|e| anyhow!("a worker failed: {e}"))?);
    }
    if process != 0 {
        event_as!(&me, "done: my workers' digests went to worker 0");
        return Ok(());
    }
    all.sort_by_key(|h| h.job);
    for h in &all {
        event_as!(
            &me,
            "job {:>2}: {} (worker-{}, pid {})",
            h.job,
            h.digest,
            h.worker,
            h.pid
        );
    }
    ensure!(
        all.len() as u64 == jobs,
        "gathered {} digests, expected {jobs}",
        all.len()
    );
    for h in &all {
        ensure!(
            h.digest == sha_job(size, h.job),
            "job {}: wrong digest {}",
            h.job,
            h.digest
        );
    }
    println!("check: all {jobs} digests match a single-threaded sha_job");
    Ok(())
}

/// Runs `-n` members on 127.0.0.1 (`examples_processes::launch`: free ports,
/// a temporary hostfile, children killed on error or after `--timeout`).
fn launch(args: &Args) -> Result<()> {
    let n = args.processes as usize;
    let flags = |p: usize, hostfile: &Path| -> Vec<OsString> {
        let mut v: Vec<OsString> = Vec::new();
        for (flag, value) in [
            ("-w", args.threads.to_string()),
            ("-n", n.to_string()),
            ("-p", p.to_string()),
            ("--jobs", args.jobs.to_string()),
            ("--size", args.size.to_string()),
            ("--connect-timeout", args.connect_timeout.to_string()),
        ] {
            v.extend([flag.into(), value.into()]);
        }
        v.extend(["-h".into(), hostfile.as_os_str().to_owned()]);
        v
    };
    launch::local_cluster(n, flags, Duration::from_secs(args.timeout))?;
    println!("check: all {n} processes finished; process 0 checked the digests");
    Ok(())
}
