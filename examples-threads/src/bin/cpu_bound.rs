//! The GIL lesson, from the Rust side: on a CPU-bound job, threads *do* speed
//! Rust up, because Rust has no global interpreter lock.
//!
//! Mirrors the note's `is_prime` over `PRIMES` (100 x 112272535095293): first
//! `for n in PRIMES: is_prime(n)` on one thread, then
//! `ThreadPoolExecutor().map(is_prime, PRIMES)`. In CPython the pool is no
//! faster (the GIL lets one thread run bytecode at a time); here it is about
//! as many times faster as you have cores.
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
//! cores), then `speedup = 1.97x` or so on 2 cores, and
//! `check: both give the same 100 answers (all prime)`.

use anyhow::{Context, Result, bail};
use clap::Parser;
use rayon::prelude::*;
use shared::measure::measure;
use shared::timing::timed;
use shared::workload::{PRIMES, is_prime};

/// is_prime over PRIMES, on one thread and on a rayon pool.
#[derive(Parser)]
struct Args {
    /// How many of the 100 PRIMES to check.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..=100))]
    count: u32,
    /// Worker threads in the pool (default: one per CPU).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
    threads: Option<u32>,
}

fn main() -> Result<()> {
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
    println!("speedup = {:.2}x", m1.wall_secs / m2.wall_secs);

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
