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
//! process 0's `job  3: <digest> (worker-1, pid P)` for the 12 jobs in order
//! (worker 0 hashed the even jobs, worker 1 the odd, in the other process) and
//! `answer: 12 digests, sha256 of all: <hex>`, both exits, then the
//! launcher's `multi machine, cost = X seconds`.

use std::process::id as pid;
use std::sync::mpsc;

use anyhow::{Result, ensure};
use clap::Parser;
use examples_processes::ShaArgs;
use examples_processes::launch::{self, ClusterArgs};
use shared::event_as; // println with the elapsed time and a given name (shared/src/timing.rs)
use shared::report::sha_answer;
use shared::workload::sha_job;
use timely::dataflow::operators::vec::{Map, ToStream};
use timely::dataflow::operators::{Capture, Exchange, capture::Extract};

/// The sha jobs over timely dataflow workers in several processes.
#[derive(Parser)]
#[command(allow_negative_numbers = true)] // `-1` is a value to refuse, not a flag
#[command(disable_help_flag = true)] // -h is timely's hostfile
struct Args {
    #[command(flatten)]
    cluster: ClusterArgs, // timely's -w -n -p -h, --connect-timeout, --timeout (src/launch.rs)
    #[command(flatten)]
    sha: ShaArgs, // --jobs, --size (src/lib.rs)
}

fn main() -> Result<()> {
    let _run = shared::init()?; // quiet errors, the launcher's clock in its members (shared/src/lib.rs)
    let args = Args::parse();
    let Some(process) = args.cluster.process else {
        // A launcher: this binary again, -n times, with these flags plus
        // `-p P -h HOSTFILE` (free ports on 127.0.0.1), killed after --timeout;
        // it prints `multi machine, cost = X seconds`, their start included.
        return launch::local_cluster(&args.cluster);
    };
    // A member: timely's -w -n -p -h, and a deadline to reach the peers
    // (timely retries a refused connection for ever).
    let (config, connected) = launch::member(&args.cluster, process)?;
    let (tx, gathered) = mpsc::channel();
    let workers = timely::execute(config, move |worker| {
        let index = worker.index(); // 0..workers in all processes
        let tx = tx.clone(); // a sender for each worker thread
        worker.dataflow::<u64, _, _>(|scope| {
            (0..args.sha.jobs)
                .filter(move |_| index == 0) // worker 0 holds the jobs
                .to_stream(scope)
                .exchange(|&job| job) // job k to worker k % workers, maybe in another process
                // The job's digest, and who made it: crosses TCP inside timely (bincode).
                .map(move |job| (job, sha_job(args.sha.size, job), index, pid()))
                .exchange(|_| 0) // every digest to worker 0
                .capture_into(tx);
        });
    });
    // execute returns once every peer is connected: the deadline is off; then
    // wait for the workers, as timely's own examples do (src/launch.rs).
    launch::join(workers, connected)?;
    // Every digest went to worker 0, in process 0: the others gathered none.
    let mut digests = Vec::new();
    for (job, digest, worker, pid) in gathered.extract().into_iter().flat_map(|(_, v)| v) {
        event_as!("process-0", "job {job:>2}: {digest} (worker-{worker}, pid {pid})"); // sorted by job
        digests.push(digest);
    }
    if process == 0 {
        ensure!(digests.len() as u64 == args.sha.jobs, "{} digests gathered", digests.len());
        println!("answer: {}", sha_answer(&digests)); // the line compare checks
    }
    Ok(())
}
