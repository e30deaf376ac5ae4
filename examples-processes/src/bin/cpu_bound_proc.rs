//! The CPU-bound job three ways: one thread, a thread pool, a process pool.
//! In Python only the processes beat the single thread (the GIL); in Rust the
//! threads and the processes both scale with the cores.
//!
//! Mirrors the notes' advice for CPU-bound work (note 001: CPU密集型 ...
//! 使用多进程multithreading, "CPU-bound: use multiple processes"; the note
//! writes "multithreading" where it means multiprocessing) on the workshop's
//! CPU job, `is_prime` over PRIMES (100 x 112272535095293, see
//! `shared::workload`), timed with the notes' print, `single thread, cost = `.
//! The Python twin runs it single, on `ThreadPoolExecutor` and on
//! `ProcessPoolExecutor`; here: a plain loop, a rayon pool (`par_iter`), and
//! the crate's process pool (`examples_processes::pool`, this binary re-run
//! with `--role worker`, chosen first thing in `main` as Python's
//! `if __name__ == "__main__":` guard, numbers and answers as JSON lines over
//! pipes). The process pool's cost includes starting its workers, as the
//! `with ProcessPoolExecutor()` block's does.
//!
//! Measure in release mode (a debug build is many times slower):
//!
//! ```text
//! cargo run --release -p examples-processes --bin cpu_bound_proc
//! cargo run --release -p examples-processes --bin cpu_bound_proc -- --count 20 --workers 2
//! ```
//!
//! You should see `single thread, cost = ...`, `multi thread, cost = ...` and
//! `multi process, cost = ...` (the last two about equal, each about the first
//! divided by the number of cores), then
//! `check: all three give the same 100 answers (all prime)`.

use anyhow::{Context, Result, ensure};
use clap::{Parser, ValueEnum};
use examples_processes::pool::{self, Pool};
use rayon::prelude::*;
use shared::timing::timed;
use shared::workload::{PRIMES, is_prime};

/// is_prime over PRIMES: one thread, a thread pool, a process pool.
#[derive(Parser)]
#[command(allow_negative_numbers = true)] // `-1` is a value to refuse, not a flag
struct Args {
    /// How many of the 100 PRIMES to check.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..=100))]
    count: u32,
    /// Threads in the thread pool and processes in the process pool
    /// (default: the CPU count).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=256))]
    workers: Option<u32>,
    /// Which part this process plays; set only by the pool for its workers.
    #[arg(long, hide = true)]
    role: Option<Role>,
}

#[derive(Clone, Copy, PartialEq, ValueEnum)]
enum Role {
    Worker,
}

fn main() -> Result<()> {
    shared::quiet_backtraces();
    let args = Args::parse();
    // The `if __name__ == "__main__":` guard: a worker answers is_prime(n)
    // for each number it is sent, until its stdin closes.
    if args.role == Some(Role::Worker) {
        return pool::serve(|n: u64, _attempt| is_prime(n));
    }
    let numbers = &PRIMES[..args.count as usize];
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    let workers = args.workers.map_or(cpus, |n| n as usize);
    println!(
        "checking {} numbers: one thread, then {workers} threads, then {workers} processes",
        numbers.len()
    );

    let single: Vec<bool> = timed("single thread", || {
        numbers.iter().map(|&n| is_prime(n)).collect()
    });

    let threads = rayon::ThreadPoolBuilder::new()
        .num_threads(workers)
        .build()
        .context("cannot build the thread pool")?;
    let multi_thread: Vec<bool> = timed("multi thread", || {
        threads.install(|| numbers.par_iter().map(|&n| is_prime(n)).collect())
    });

    let multi_process = timed("multi process", || -> Result<Vec<bool>> {
        let mut executor = Pool::<u64, bool>::start(workers, 1)?;
        for n in numbers {
            executor.submit(n)?;
        }
        // As executor.map does, put the answers back in input order.
        let mut answers = vec![false; numbers.len()];
        for done in executor.as_completed() {
            let (job, prime) = done?;
            answers[job] = prime;
        }
        Ok(answers)
    })?; // the pool was dropped inside: its workers are killed and reaped

    ensure!(
        single == multi_thread,
        "the single-thread and thread-pool answers differ"
    );
    ensure!(
        single == multi_process,
        "the single-thread and process-pool answers differ"
    );
    ensure!(
        single.iter().all(|&p| p),
        "some of PRIMES were judged not prime"
    );
    println!(
        "check: all three give the same {} answers (all prime)",
        numbers.len()
    );
    Ok(())
}
