//! Why pools: creating and destroying a thread costs far more than a tiny
//! task, so reuse a few threads instead of spawning one per task.
//!
//! The notes, word for word (notes/001_02a52d28409d88e4.txt, 线程池和进程池):
//! 原理：提前创建好线程/进程放在池子里，新的task到来可以重用这些资源，减少了新建、终止线程/进程的开销
//! ("how it works: threads/processes are created in advance and kept in the
//! pool; a new task reuses them, saving the cost of creating and ending
//! threads/processes") and (notes/003_d0b3d7c6892ba864.txt)
//! 线程池，不用创建释放线程，而是复用线程 ("a thread pool: no creating and
//! freeing threads, but reusing them"). Added here: a measurement of that
//! cost. Both sides run the same 100,000 tiny tasks (`i * i`) with at most N
//! threads alive (N = `--threads`, default one per CPU):
//!
//! - spawn per task: a new OS thread for every task, N at a time, each joined;
//! - thread pool: N threads made once, each taking task after task from one
//!   crossbeam channel until it closes (what a pool is, written out; rayon
//!   does the same, and batches tasks too, which is faster still).
//!
//! Measure in release mode:
//!
//! ```text
//! cargo run --release -p examples-threads --bin pool_vs_spawn
//! cargo run --release -p examples-threads --bin pool_vs_spawn -- --tasks 10000 --threads 4
//! ```
//!
//! You should see `spawn per task, cost = ...`, `thread pool, cost = ...`,
//! then `ratio = X.XXx (spawn per task / thread pool)`: how many times slower
//! a thread per task is (hundreds of times or more: 444x to 2,093x in five
//! release runs of the two commands above on a busy 2-core Linux box; the
//! spawn side's cost varies with the machine's load), and
//! `check: both sums = 333328333350000`.

use std::thread;

use anyhow::{Context, Result, bail};
use clap::Parser;
use shared::timing::Stopwatch;

/// The same tiny tasks: a thread per task vs a pool.
#[derive(Parser)]
#[command(allow_negative_numbers = true)] // `-1` is a value to refuse, not a flag
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
    let mut sum = 0;
    let mut alive = Vec::with_capacity(batch);
    for i in 0..tasks {
        let h = thread::Builder::new()
            .spawn(move || task(i))
            .context("cannot spawn a thread")?;
        alive.push(h);
        if alive.len() == batch || i + 1 == tasks {
            // join() is Err only if a task panicked: a bug, so pass it on.
            sum += alive.drain(..).map(|h| h.join().unwrap()).sum::<u128>();
        }
    }
    Ok(sum)
}

/// `workers` threads made once; each sums the results of the tasks it takes
/// from the channel, and returns its sum when the channel closes.
fn thread_pool(tasks: u64, workers: usize) -> Result<u128> {
    let (tx, rx) = crossbeam::channel::bounded::<u64>(1024);
    let mut pool = Vec::with_capacity(workers);
    for w in 1..=workers {
        let rx = rx.clone();
        let h = thread::Builder::new()
            .name(format!("pool-{w}"))
            .spawn(move || rx.iter().map(task).sum::<u128>())
            .context("cannot spawn a pool worker")?;
        pool.push(h);
    }
    drop(rx);
    for i in 0..tasks {
        tx.send(i).context("every pool worker is gone")?;
    }
    drop(tx); // closes the channel: the workers' loops end
    Ok(pool.into_iter().map(|h| h.join().unwrap()).sum())
}

fn main() -> Result<()> {
    shared::quiet_backtraces();
    shared::timing::epoch();
    let args = Args::parse();
    let threads = match args.threads {
        Some(n) => n as usize,
        None => thread::available_parallelism().map_or(1, |n| n.get()),
    };
    println!(
        "{} tasks, at most {threads} threads alive at a time",
        args.tasks
    );

    let sw = Stopwatch::start();
    let spawned = spawn_per_task(args.tasks, threads)?;
    let spawn_time = sw.report("spawn per task");

    let sw = Stopwatch::start();
    let pooled = thread_pool(args.tasks, threads)?;
    let pool_time = sw.report("thread pool");

    // Both timings come from this one run, so the ratio is fair.
    println!(
        "ratio = {:.2}x (spawn per task / thread pool)",
        spawn_time.as_secs_f64() / pool_time.as_secs_f64()
    );

    // Sum of i^2 for i in 0..n is (n-1) n (2n-1) / 6.
    let n = u128::from(args.tasks);
    let expected = if n == 0 {
        0
    } else {
        (n - 1) * n * (2 * n - 1) / 6
    };
    if spawned != expected || pooled != expected {
        bail!("sums differ: spawn {spawned}, pool {pooled}, expected {expected}");
    }
    println!("check: both sums = {expected}");
    Ok(())
}
