//! The GIL lesson, from the Rust side: on a CPU-bound job, threads *do* speed
//! Rust up, because Rust has no global interpreter lock.
//!
//! The notes (notes/001_02a52d28409d88e4.txt), word for word:
//! 即使使用了多线程，同一时刻也只有单个线程使用CPU，导致多核CPU的浪费
//! ("even with many threads, only one thread uses the CPU at a time, wasting
//! a multi-core CPU"), GIL只会对CPU密集型的程序产生影响 ("the GIL only
//! affects CPU-bound programs"), and the way around it:
//! 使用multiprocessing多进程，对CPU密集型计算，单独启动子进程解释器去执行
//! ("use multiprocessing: for CPU-bound work, start a separate child
//! interpreter process to run it"). The job is the course's well-known one
//! (not in the notes' text): `is_prime` over `PRIMES` (100 x
//! 112272535095293), first on one thread, then
//! `ThreadPoolExecutor().map(is_prime, PRIMES)`. The twin also runs it on a
//! `ProcessPoolExecutor`: in CPython the thread pool is no faster, the
//! process pool is; here the threads are about as many times faster as you
//! have cores.
//!
//! The pool is rayon's: `par_iter()` is the one-word change from `iter()` that
//! mirrors `executor.map`, and its work-stealing pool is how Rust code usually
//! runs CPU work on all cores. The pool is built with `--threads` workers
//! (default: one per CPU, rayon's default) and used through `install`.
//!
//! Measure in release mode (a debug build is many times slower):
//!
//! ```text
//! cargo run --release -p examples-threads --bin cpu_bound
//! cargo run --release -p examples-threads --bin cpu_bound -- --count 20 --threads 2
//! ```
//!
//! You should see `single thread, cost = ...` with its CPU utilisation (about
//! 1.0: one core busy), `thread pool, cost = ...` (utilisation about 2.0 on 2
//! cores), then `speedup = 1.97x (thread pool vs single thread)` or so on 2
//! cores, and
//! `check: both give the same 100 answers (all prime)`.

use anyhow::{Context, Result, bail};
use clap::Parser;
use rayon::prelude::*;
use shared::measure::measure;
use shared::timing::timed;
use shared::workload::{PRIMES, is_prime};

/// is_prime over PRIMES, on one thread and on a rayon pool.
#[derive(Parser)]
#[command(allow_negative_numbers = true)] // `-1` is a value to refuse, not a flag
struct Args {
    /// How many of the 100 PRIMES to check.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..=100))]
    count: u32,
    /// Worker threads in the pool, 1 to 256 (default: one per CPU).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=256))]
    threads: Option<u32>,
}

fn main() -> Result<()> {
    shared::quiet_backtraces();
    shared::timing::epoch();
    let args = Args::parse();
    let numbers = &PRIMES[..args.count as usize];

    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(n) = args.threads {
        builder = builder.num_threads(n as usize);
    }
    let pool = builder.build().context("cannot build the thread pool")?;
    println!(
        "checking {} numbers: one thread, then a pool of {} threads",
        numbers.len(),
        pool.current_num_threads()
    );

    // `measure` adds what the wall clock hides: CPU time over wall time is
    // how many cores were busy (about 1.0, then about the pool's size).
    let (single, m1) = measure("single thread", || {
        timed("single thread", || {
            numbers.iter().map(|&n| is_prime(n)).collect::<Vec<bool>>()
        })
    });
    println!("{}", m1.summary());

    // The same closure, `par_iter` instead of `iter`; collect keeps the input
    // order, as executor.map does.
    let (pooled, m2) = measure("thread pool", || {
        timed("thread pool", || {
            pool.install(|| {
                numbers
                    .par_iter()
                    .map(|&n| is_prime(n))
                    .collect::<Vec<bool>>()
            })
        })
    });
    println!("{}", m2.summary());

    // Both timings come from this one run, so the ratio is fair.
    let speedup = m1.wall_secs / m2.wall_secs;
    println!("speedup = {speedup:.2}x (thread pool vs single thread)");

    if single != pooled {
        bail!("the single-thread and pool answers differ");
    }
    if !single.iter().all(|&p| p) {
        bail!("some of PRIMES were judged not prime");
    }
    println!(
        "check: both give the same {} answers (all prime)",
        numbers.len()
    );
    Ok(())
}
