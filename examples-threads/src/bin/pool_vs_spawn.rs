//! Why pools: creating and destroying a thread costs far more than a tiny
//! task, so reuse a few threads instead of spawning one per task.
//!
//! The notes, word for word (notes/001_02a52d28409d88e4.txt, 线程池和进程池):
//! 原理：提前创建好线程/进程放在池子里，新的task到来可以重用这些资源，减少了新建、终止线程/进程的开销
//! ("how it works: threads/processes are created in advance and kept in the
//! pool; a new task reuses them, saving the cost of creating and ending
//! threads/processes"). Added here: a measurement of that cost. Both sides
//! run the same 100,000 tiny tasks (`i * i`) with at most N threads alive
//! (N = `--threads`, default one per CPU).
//!
//! Measure in release mode:
//!
//! ```text
//! cargo run --release -p examples-threads --bin pool_vs_spawn [-- --tasks 10000 --threads 4]
//! ```
//!
//! You should see `spawn per task, cost = ...`, `thread pool, cost = ...`,
//! then `ratio = X.XXx (spawn per task / thread pool)`: how many times slower
//! a thread per task is (hundreds of times or more: 444x to 2,093x in five
//! release runs on a busy 2-core Linux box; the spawn side varies with the
//! machine's load), and `check: both sums = 333328333350000`.

use std::thread;

use anyhow::{Result, ensure};
use clap::Parser;
use shared::timing::Stopwatch;

/// Why pools: the same tiny tasks on a thread each vs on a pool
#[derive(Parser)]
struct Args {
    /// How many tasks (0 to 10,000,000).
    #[arg(long, default_value_t = 100_000, value_parser = clap::value_parser!(u64).range(0..=10_000_000))]
    tasks: u64,
    /// Threads alive at a time, on both sides, 1 to 256 (default: one per CPU).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=256))]
    threads: Option<u32>,
}

/// One tiny task: far cheaper than creating the thread that runs it.
fn task(i: u64) -> u128 {
    u128::from(i) * u128::from(i)
}

/// A new thread per task, `batch` at a time (100,000 live threads at once
/// would hit the OS's limits), each joined for its result.
fn spawn_per_task(tasks: u64, batch: usize) -> Result<u128> {
    let (mut sum, mut alive) = (0, Vec::with_capacity(batch));
    for i in 0..tasks {
        alive.push(thread::Builder::new().spawn(move || task(i))?);
        if alive.len() == batch || i + 1 == tasks {
            // join() is Err only if a task panicked: a bug, so pass it on.
            sum += alive.drain(..).map(|h| h.join().unwrap()).sum::<u128>();
        }
    }
    Ok(sum)
}

/// `workers` threads made once; each sums the results of the tasks it takes
/// from the channel, and returns its sum when the channel closes (what a pool
/// is, written out; rayon does the same, and batches tasks too).
fn thread_pool(tasks: u64, workers: usize) -> Result<u128> {
    let (tx, rx) = crossbeam::channel::bounded::<u64>(1024);
    thread::scope(|s| {
        let mut pool = Vec::with_capacity(workers);
        for w in 1..=workers {
            let worker = thread::Builder::new().name(format!("pool-{w}"));
            pool.push(worker.spawn_scoped(s, || rx.iter().map(task).sum::<u128>())?);
        }
        (0..tasks).try_for_each(|i| tx.send(i))?; // Err only if every worker is gone (they panicked)
        drop(tx); // closes the channel: the workers' loops end
        Ok(pool.into_iter().map(|h| h.join().unwrap()).sum())
    })
}

fn main() -> Result<()> {
    let _run = shared::init()?; // one-line errors, the clock, spans if asked (shared/src/lib.rs)
    let args = Args::parse();
    let cpus = thread::available_parallelism().map_or(1, |n| n.get());
    let threads = args.threads.map_or(cpus, |n| n as usize);
    println!("{} tasks, at most {threads} threads alive at a time", args.tasks);

    // Stopwatch::report(label) prints `label, cost = X seconds` (shared/src/timing.rs)
    let sw = Stopwatch::start();
    let spawned = spawn_per_task(args.tasks, threads)?;
    let spawn_time = sw.report("spawn per task").as_secs_f64();
    let sw = Stopwatch::start();
    let pooled = thread_pool(args.tasks, threads)?;
    // Both timings come from this one run, so the ratio is fair.
    let ratio = spawn_time / sw.report("thread pool").as_secs_f64();
    println!("ratio = {ratio:.2}x (spawn per task / thread pool)");
    let expected: u128 = (0..args.tasks).map(task).sum(); // on this thread, one by one
    ensure!(spawned == expected && pooled == expected, "the sums differ");
    println!("check: both sums = {expected}");
    Ok(())
}
