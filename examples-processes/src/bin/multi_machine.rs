//! The fifth granularity, many machines: the crawl, the primes or the sha
//! jobs spread over timely dataflow workers in several processes that talk
//! over TCP, so the same binary runs on one machine or on many.
//!
//! The notes name it and stop: 程序运行的5种并发粒度 ... 多机器 ("the 5
//! granularities of concurrency ... many machines", note 001), for when
//! 如果单机无法搞定 ("if one machine cannot do it"); note 003:
//! 多机器并行(handoop/spark/hive) ("parallelism over many machines"; "handoop"
//! is its typo for Hadoop). Twin: `multi_machine.py`, the standard library's
//! remote manager (`multiprocessing.managers.BaseManager` serves objects over
//! TCP with an authkey): a job queue, no dataflow, no partitioning, no
//! progress tracking. timely's own flags: `-w` threads per process, `-n`
//! processes, this one's `-p`, `-h hostfile` of `host:port` lines (process 0
//! first). Without `-p` the binary is a launcher (`examples_processes::launch`):
//! it writes a hostfile of free ports on 127.0.0.1 (and, for the crawl, starts
//! the blog site) and runs `-n` members. The members connect to each other at
//! once (timely's own `Config::Cluster` polls for peers once a second: about
//! 1 s of every run). timely is not fault tolerant: when a member dies the
//! launcher kills the rest and reruns, on a fresh cluster, only the jobs whose
//! results process 0 had not reported. Ctrl-C (it reaches the whole process
//! group; on Windows every process of the console): the launcher kills its
//! members, removes its files and exits 130.
//!
//! ```text
//! cargo run --release -p examples-processes --bin multi_machine -- --job primes
//! cargo run --release -p examples-processes --bin multi_machine -- --job crawl -n 3 -w 2
//! # two machines, the same hosts.txt on both (10.0.0.1:2101 and 10.0.0.2:2101);
//! # a crawl there takes the --site of a blog-site both reach (else each serves its own):
//! host0$ cargo run --release -p examples-processes --bin multi_machine -- -n 2 -p 0 -h hosts.txt
//! host1$ cargo run --release -p examples-processes --bin multi_machine -- -n 2 -p 1 -h hosts.txt
//! ```
//!
//! You should see the hostfile, 2 started processes, process 0's `job  3:
//! <result> (worker-1, pid P)` lines as results come in (job k ran on worker
//! k % workers: even jobs in one process, odd in the other), `answer: 12
//! digests, sha256 of all: <hex>` (`100 of 100 prime`, `727 post links on 50
//! pages`), both exits, then the launcher's `multi machine, cost = X seconds`.

use std::process::id as pid;

use anyhow::Result;
use clap::Parser;
use examples_processes::launch::{self, ClusterArgs, JobArgs, Results};
use shared::event_as; // println with the elapsed time and a given name (shared/src/timing.rs)
use timely::dataflow::operators::{Exchange, Input, Inspect, Probe, vec::Map};
use timely::dataflow::{InputHandle, ProbeHandle};

/// A job over timely dataflow workers in several processes.
#[derive(Parser)]
#[command(allow_negative_numbers = true)] // `-1` is a value to refuse, not a flag
#[command(disable_help_flag = true)] // -h is timely's hostfile
struct Args {
    #[command(flatten)]
    cluster: ClusterArgs, // timely's -w -n -p -h, --connect-timeout, --run-timeout (src/launch.rs)
    #[command(flatten)]
    job: JobArgs, // --job crawl|primes|sha, --pages --site ..., --count, --jobs --size (src/launch.rs)
}

fn main() -> Result<()> {
    let _run = shared::init()?; // quiet errors, the launcher's clock in its members (shared/src/lib.rs)
    let args = Args::parse();
    let site = args.job.open_site()?; // the crawl's: --site, or started here
    let Some(process) = args.cluster.process else {
        // A launcher: this binary again, -n times, with these flags plus `-p P -h HOSTFILE`
        // (and `--site` of the site it started, so that every member crawls that one).
        return launch::local_cluster(&args.cluster, &args.job.site_flag(site.as_ref()));
    };
    let work = args.job.work(site.as_ref()); // job n -> "14 posts", "prime", a digest
    let results = Results::open(args.cluster.done.as_deref()); // a rerun's: those reported before
    let todo: Vec<u64> = args.job.numbers().filter(|&n| !results.has(n)).collect();
    // TCP to every peer, made without timely's once-a-second polls (src/launch.rs).
    let (builders, comms) = launch::connect(&args.cluster, process)?;
    let seen = results.clone();
    let workers =
        timely::execute::execute_from(builders, comms, Default::default(), move |worker| {
            let (index, peers, work, seen) =
                (worker.index(), worker.peers(), work.clone(), seen.clone());
            let (mut input, probe) = (InputHandle::new(), ProbeHandle::new());
            worker.dataflow::<usize, _, _>(|scope| {
                scope
                    .input_from(&mut input)
                    .exchange(|&n: &u64| n) // job n to worker n % peers, maybe in another process
                    .map(move |n| (n, work(n), index, pid())) // crosses TCP inside timely (bincode)
                    .exchange(|_| 0) // every result to worker 0
                    .inspect(move |(n, result, worker, pid)| {
                        event_as!("process-0", "job {n:>2}: {result} (worker-{worker}, pid {pid})");
                        seen.record(*n, result); // in the launcher's done file at once
                    })
                    .probe_with(&probe);
            });
            // Worker 0 feeds the jobs, one epoch each, two per worker in flight (one
            // running, one queued, so none waits while worker 0 runs its own): it
            // sends epoch e once epoch e - 2 * peers is done.
            for (epoch, &n) in todo.iter().enumerate().filter(|_| index == 0) {
                while probe.less_than(&(epoch + 1).saturating_sub(2 * peers)) {
                    worker.step_or_park(None); // runs the operators; parks until a message comes
                }
                input.send(n);
                input.advance_to(epoch + 1);
            }
        });
    launch::join(workers)?; // once every worker is done
    if process == 0 {
        // Every result, an earlier cluster's too: the single-thread run's answer.
        println!("answer: {}", args.job.answer(results.all())?); // the line compare checks
    }
    Ok(())
}
