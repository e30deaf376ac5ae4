//! The fifth granularity, many machines: the sha jobs spread over timely
//! dataflow workers in several processes that talk over TCP, so the same
//! binary runs on one machine or on many.
//!
//! The notes name it and stop: 程序运行的5种并发粒度 ... 多机器 ("the 5
//! granularities of concurrency ... many machines", note 001), for when
//! 如果单机无法搞定 ("if one machine cannot do it"); note 003:
//! 多机器并行(handoop/spark/hive) ("parallelism over many machines"; "handoop"
//! is its typo for Hadoop). No twin: Python's standard library has nothing for it.
//! timely's own flags: `-w` worker threads per process, `-n` processes, this
//! one `-p`, `-h hostfile` of `host:port` lines (process 0 first). Worker 0
//! holds the job numbers; `exchange(|&job| job)` sends job k to worker
//! k % workers, which hashes it (`sha_job`, as in `process_pool_hash`); a
//! second `exchange` gathers the digests at worker 0, whose process prints
//! and checks them against a single-threaded `sha_job`.
//!
//! Roles, chosen first thing in `main` (the `if __name__ == "__main__":`
//! guard's analogue): with `-p`, a member of the cluster; without it, a
//! launcher (`examples_processes::launch`, plumbing) that writes a hostfile of
//! free ports on 127.0.0.1 and runs `-n` members as children, on its clock.
//!
//! ```text
//! cargo run -p examples-processes --bin multi_machine
//! cargo run -p examples-processes --bin multi_machine -- -n 3 -w 2
//! cargo run --release -p examples-processes --bin multi_machine -- --json
//!
//! # two machines, the same hosts.txt on both:  10.0.0.1:2101
//! #                                             10.0.0.2:2101
//! host0$ cargo run --release -p examples-processes --bin multi_machine -- -w 2 -n 2 -p 0 -h hosts.txt
//! host1$ cargo run --release -p examples-processes --bin multi_machine -- -w 2 -n 2 -p 1 -h hosts.txt
//! ```
//!
//! You should see the hostfile and 2 started processes, timely's own plain
//! lines while they connect (`awaiting connections (at 0/1)` from process 0,
//! which polls once a second, so connecting takes about a second; and, if
//! process 1 tried before process 0 was listening, its `error connecting to
//! worker 0: ...; retrying`), each worker's `hashed job k` (worker 0 the even
//! jobs, worker 1 the odd; the interleaving varies), process 0's `job  3:
//! <digest> (worker-1, pid P)` for the 12 jobs in order, `check: all 12
//! digests match a single-threaded sha_job`, both exits, then the launcher's
//! `multi machine, cost = X seconds` (starting the processes and their
//! connecting included) and `check: all 2 processes finished; process 0
//! checked the digests`. A member that cannot reach its peers exits with an
//! error naming the hostfile after `--connect-timeout` s; the launcher kills
//! stragglers after `--timeout` s.
//!
//! `--json` (for the comparison harness, added here) is the launcher's, the
//! process whose stdout the default command shows last: it ends the output
//! with one JSON line (`shared::report`: workload `sha`, params `jobs`,
//! `size`, `processes`, `threads`, its cost line, and the answer `12
//! digests, sha256 of all: <hex>`, which process 0 computes and hands it in
//! a temporary file). A member run by hand (`-p`) refuses `--json`.

use std::cell::RefCell;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::id as pid;
use std::rc::Rc;
use std::time::Duration;

use anyhow::{Context, Result, anyhow, ensure};
use clap::Parser;
use examples_processes::{TempFile, launch};
use serde::{Deserialize, Serialize};
use shared::event_as;
use shared::report::{Report, SHA, sha_answer};
use shared::timing::Stopwatch;
use shared::workload::{SHA_JOBS, SHA_SIZE, sha_job};
use timely::dataflow::operators::vec::{Map, ToStream};
use timely::dataflow::operators::{Exchange, Inspect, Probe};

/// The sha jobs over timely dataflow workers in several processes.
#[derive(Parser)]
#[command(allow_negative_numbers = true)] // `-1` is a value to refuse, not a flag
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
    /// Launcher: end with one JSON line, the report the comparison harness reads.
    #[arg(long)]
    json: bool,
    /// Process 0: write the answer to this file (set by the launcher for --json).
    #[arg(long, hide = true)]
    answer_file: Option<PathBuf>,
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
    shared::timing::epoch(); // a member started by the launcher: the launcher's clock
    let args = Args::parse();
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
    ensure!(!args.json, "--json is the launcher's: run without -p");
    let path = args
        .hostfile
        .as_deref()
        .context("-p needs a hostfile (-h)")?;
    let addresses = launch::read_hostfile(path, n)?;
    let me = format!("process-{process}");
    event_as!(
        &me,
        "pid {}, connecting to the {n} processes of {}",
        pid(),
        path.display()
    );
    // timely retries a refused connection for ever: give up after a deadline.
    let limit = Duration::from_secs(args.connect_timeout);
    let connected = launch::connect_deadline(process, n, limit, path);

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
            let mine: Vec<u64> = (0..jobs).filter(|_| index == 0).collect();
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
        let (job, digest, worker) = (h.job, &h.digest, h.worker);
        event_as!(
            &me,
            "job {job:>2}: {digest} (worker-{worker}, pid {})",
            h.pid
        );
        ensure!(*digest == sha_job(size, job), "job {job}: wrong digest");
    }
    ensure!(
        all.len() as u64 == jobs,
        "gathered {} digests, expected {jobs}",
        all.len()
    );
    println!("check: all {jobs} digests match a single-threaded sha_job");
    if let Some(file) = &args.answer_file {
        let digests: Vec<String> = all.into_iter().map(|h| h.digest).collect(); // job order
        std::fs::write(file, sha_answer(&digests)).context("cannot write the answer")?;
    }
    Ok(())
}

/// Runs `-n` members on 127.0.0.1 (`examples_processes::launch`: free ports,
/// a temporary hostfile, children killed on error or after `--timeout`).
fn launch(args: &Args) -> Result<()> {
    let n = args.processes as usize;
    let (w, jobs, size, limit) = (args.threads, args.jobs, args.size, args.connect_timeout);
    let answer = TempFile::new("multi_machine", ".answer"); // process 0 writes it
    let flags = |p: usize, hostfile: &Path| -> Vec<OsString> {
        let line =
            format!("-w {w} -n {n} -p {p} --jobs {jobs} --size {size} --connect-timeout {limit}");
        let mut v: Vec<OsString> = line.split(' ').map(OsString::from).collect();
        v.extend(["-h".into(), hostfile.into()]);
        if p == 0 && args.json {
            v.extend(["--answer-file".into(), answer.0.clone().into()]);
        }
        v
    };
    let sw = Stopwatch::start();
    launch::local_cluster(n, flags, Duration::from_secs(args.timeout))?;
    let cost = sw.report("multi machine");
    println!("check: all {n} processes finished; process 0 checked the digests");
    if args.json {
        let mut report = Report::new("multi_machine", SHA)
            .param("jobs", jobs)
            .param("size", size)
            .param("processes", n)
            .param("threads", w);
        report.cost("multi machine", cost);
        report.answer(std::fs::read_to_string(&answer.0).context("no answer from process 0")?);
        report.print_if(true);
    }
    Ok(())
}
