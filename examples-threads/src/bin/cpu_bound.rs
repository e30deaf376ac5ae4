//! The GIL lesson, from the Rust side: on a CPU-bound job, threads *do* speed
//! Rust up, because Rust has no global interpreter lock.
//!
//! The notes (notes/001_02a52d28409d88e4.txt), word for word:
//! 即使使用了多线程，同一时刻也只有单个线程使用CPU，导致多核CPU的浪费
//! ("even with many threads, only one thread uses the CPU at a time, wasting
//! a multi-core CPU"), GIL只会对CPU密集型的程序产生影响 ("the GIL only
//! affects CPU-bound programs"). The job is the course's (lesson 06,
//! `thread_process_cpu_bound.py`): `is_prime` over `PRIMES` (100 x
//! 112272535095293), first on one thread, then
//! `ThreadPoolExecutor().map(is_prime, PRIMES)`. The twin also runs the
//! course's `ProcessPoolExecutor`: in CPython the thread pool is no faster,
//! the process pool is; here the threads are about as many times faster as
//! you have cores (`cpu_bound_proc` has the processes).
//!
//! Measure in release mode (a debug build is many times slower):
//!
//! ```text
//! cargo run --release -p examples-threads --bin cpu_bound
//! cargo run --release -p examples-threads --bin cpu_bound -- --count 20 --threads 2 [--only pool]
//! ```
//!
//! You should see `single thread, cost = ...`, `thread pool, cost = ...`,
//! then `speedup = 1.97x (thread pool vs single thread)` or so on 2 cores,
//! `check: both give the same 100 answers (all prime)` and `answer: 100 of
//! 100 prime`. `--only single` or `--only pool` runs one of the two.

use anyhow::ensure;
use clap::Parser;
use rayon::prelude::*;
use shared::workload::{PRIMES, is_prime};
use shared::{report::primes_answer, timing::Stopwatch};

/// is_prime over PRIMES, on one thread and on a thread pool (the GIL lesson)
#[derive(Parser)]
struct Args {
    /// How many of the 100 PRIMES to check (1 to 100).
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..=100))]
    count: u32,
    /// Worker threads in the pool, 1 to 256 (default: one per CPU).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=256))]
    threads: Option<u32>,
    /// Run one of the two only (default: both, then the speedup).
    #[arg(long, default_value = "all", value_parser = ["single", "pool", "all"])]
    only: String,
}

fn main() -> anyhow::Result<()> {
    let _run = shared::init()?; // one-line errors, the clock, spans if asked (shared/src/lib.rs)
    let args = Args::parse();
    let numbers = &PRIMES[..args.count as usize];
    let threads = args.threads.unwrap_or(0) as usize; // 0: rayon's default, one per CPU
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads);
    let pool = pool.thread_name(|i| format!("pool_{i}")).build()?; // as ThreadPoolExecutor names them
    let (n, size) = (numbers.len(), pool.current_num_threads());
    println!("checking {n} numbers; the pool has {size} threads");
    let mut runs = Vec::new(); // (answers, seconds)
    if args.only != "pool" {
        // Stopwatch::report(label) prints `label, cost = X seconds` (shared/src/timing.rs)
        let sw = Stopwatch::start();
        let answers: Vec<bool> = numbers.iter().map(|&n| is_prime(n)).collect();
        runs.push((answers, sw.report("single thread")));
    }
    if args.only != "single" {
        let sw = Stopwatch::start();
        // pool.map(is_prime, PRIMES): `par_iter` for `iter`, on rayon's
        // work-stealing pool; collect keeps the input order, as map does.
        let answers = pool.install(|| numbers.par_iter().map(|&n| is_prime(n)).collect());
        runs.push((answers, sw.report("thread pool")));
    }
    if let [(_, single), (_, pooled)] = &runs[..] {
        // Both timings come from this one run, so the ratio is fair.
        let speedup = single.as_secs_f64() / pooled.as_secs_f64();
        println!("speedup = {speedup:.2}x (thread pool vs single thread)");
    }
    let answers = &runs[0].0;
    let same = runs.iter().all(|(a, _)| a == answers);
    ensure!(same && answers.iter().all(|&p| p), "the answers differ, or one is not prime");
    let who = match args.only.as_str() {
        "single" => "the single thread gives",
        "pool" => "the thread pool gives",
        _ => "both give the same",
    };
    println!("check: {who} {n} answers (all prime)");
    println!("answer: {}", primes_answer(answers)); // what `compare` checks
    Ok(())
}
