//! The fifth granularity, many machines: the sha jobs spread over timely
//! dataflow workers in several processes that talk over TCP, so the same
//! binary runs on one machine or on many.
//!
//! The notes name it and stop: 程序运行的5种并发粒度 ... 多机器 ("the 5
//! granularities of concurrency ... many machines", note 001), for when
//! 如果单机无法搞定 ("if one machine cannot do it"); note 003:
//! 多机器并行(handoop/spark/hive) ("parallelism over many machines"; "handoop"
//! is its typo for Hadoop). No twin: Python's standard library has nothing for it.
//! timely's own flags: `-w` threads per process, `-n` processes, this one's
//! `-p`, `-h hostfile` of `host:port` lines (process 0 first). Without `-p`
//! the binary is a launcher: it writes a hostfile of free ports on 127.0.0.1
//! and runs `-n` members as children (`examples_processes::launch`).
//!
//! ```text
//! cargo run -p examples-processes --bin multi_machine
//! cargo run -p examples-processes --bin multi_machine -- -n 3 -w 2
//!
//! # two machines, the same hosts.txt on both:  10.0.0.1:2101
//! #                                             10.0.0.2:2101
//! host0$ cargo run --release -p examples-processes --bin multi_machine -- -w 2 -n 2 -p 0 -h hosts.txt
//! host1$ cargo run --release -p examples-processes --bin multi_machine -- -w 2 -n 2 -p 1 -h hosts.txt
//! ```
//!
//! You should see the hostfile, 2 started processes, timely's own lines while
//! they connect (`awaiting connections (at 0/1)`, polled once a second),
//! each worker's `hashed job k` (worker 0 the even jobs, worker 1 the odd; the
//! interleaving varies), process 0's `job  3: <digest> (worker-1, pid P)` for
//! the 12 jobs in order and `answer: 12 digests, sha256 of all: <hex>`, both
//! exits, then the launcher's `multi machine, cost = X seconds`.

use std::path::PathBuf;
use std::process::id as pid;
use std::sync::{Mutex, mpsc};
use std::time::Duration;

use anyhow::{Result, anyhow, ensure};
use clap::Parser;
use examples_processes::launch;
use shared::event_as; // println with the elapsed time and a given name (shared/src/timing.rs)
use shared::report::sha_answer;
use shared::timing::Stopwatch;
use shared::workload::{SHA_JOBS, SHA_SIZE, sha_job};
use timely::dataflow::operators::vec::{Map, ToStream};
use timely::dataflow::operators::{Capture, Exchange, capture::Extract};

/// The sha jobs over timely dataflow workers in several processes.
#[derive(Parser)]
#[command(allow_negative_numbers = true)] // `-1` is a value to refuse, not a flag
#[command(disable_help_flag = true)] // -h is timely's hostfile
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

fn main() -> Result<()> {
    let _run = shared::init()?; // quiet errors, the launcher's clock in its members (shared/src/lib.rs)
    let args = Args::parse();
    let Some(process) = args.process else {
        // A launcher: this binary again, -n times, with these flags plus
        // `-p P -h HOSTFILE` (free ports on 127.0.0.1), killed after --timeout.
        let sw = Stopwatch::start();
        launch::local_cluster(args.processes as usize, Duration::from_secs(args.timeout))?;
        sw.report("multi machine"); // starting the processes and their connecting included
        return Ok(());
    };
    // A member: timely's -w -n -p -h, and a deadline to reach the peers
    // (timely retries a refused connection for ever).
    let hosts = args.hostfile.as_deref();
    let (w, n) = (args.threads, args.processes);
    let (config, connected) = launch::member(w, process, n, hosts, args.connect_timeout)?;
    let (jobs, size) = (args.jobs, args.size as usize);
    let (tx, gathered) = mpsc::channel();
    let tx = Mutex::new(tx); // a sender for each worker thread, cloned below
    let workers = timely::execute(config, move |worker| {
        let index = worker.index(); // 0..workers in all processes
        let tx = tx.lock().unwrap().clone(); // unwrap: poisoned only if a worker panicked
        worker.dataflow::<u64, _, _>(|scope| {
            let mine: Vec<u64> = (0..jobs).filter(|_| index == 0).collect(); // worker 0 holds the jobs
            mine.to_stream(scope)
                .exchange(|&job| job) // job k to worker k % workers, maybe in another process
                .map(move |job| {
                    let digest = sha_job(size, job);
                    event_as!(&format!("worker-{index}"), "hashed job {job}");
                    (job, digest, index, pid()) // crosses TCP inside timely (bincode)
                })
                .exchange(|_| 0) // every digest to worker 0
                .capture_into(tx);
        });
    });
    let workers = workers.map_err(|e| anyhow!("cannot start timely: {e}"))?;
    let _ = connected.send(()); // execute returns once every peer is connected
    for result in workers.join() {
        result.map_err(|e| anyhow!("a worker failed: {e}"))?;
    }
    let me = format!("process-{process}");
    if process != 0 {
        event_as!(&me, "done: my workers' digests went to worker 0");
        return Ok(());
    }
    let mut digests = Vec::new();
    for (job, digest, worker, pid) in gathered.extract().into_iter().flat_map(|(_, v)| v) {
        event_as!(&me, "job {job:>2}: {digest} (worker-{worker}, pid {pid})"); // sorted by job
        digests.push(digest);
    }
    ensure!(digests.len() as u64 == jobs, "gathered {} digests, not {jobs}", digests.len());
    println!("answer: {}", sha_answer(&digests)); // the line compare checks
    Ok(())
}
