//! The CPU-bound job three ways: one thread, a thread pool, a process pool.
//! In Python only the processes beat the single thread (the GIL); in Rust the
//! threads and the processes both scale with the cores.
//!
//! The course's lesson 06 (`thread_process_cpu_bound.py`): `is_prime` over
//! `PRIMES = [112272535095293] * 100`, run by `single_thread()`, by
//! `ThreadPoolExecutor().map` and by `ProcessPoolExecutor().map`, each timed.
//! Note 001 gives the rule: CPU密集型 ... 使用多进程multithreading ("CPU-bound:
//! use multiple processes"; it writes "multithreading" where it means
//! multiprocessing). Here: a loop, a rayon pool, and the crate's process pool
//! (this binary again with `--role worker`).
//!
//! Measure in release mode (a debug build is many times slower):
//!
//! ```text
//! cargo run --release -p examples-processes --bin cpu_bound_proc
//! cargo run --release -p examples-processes --bin cpu_bound_proc -- --count 20 --workers 2
//! cargo run --release -p examples-processes --bin cpu_bound_proc -- --only processes
//! ```
//!
//! You should see `single thread, cost = ...`, `multi thread, cost = ...`,
//! `started 2 worker processes, pids [...]` and `multi process, cost = ...`
//! (the last two about equal, each about the first divided by the number of
//! cores), then `answer: 100 of 100 prime` once the three agree. `--only single|threads|processes` runs one of them. Ctrl-C
//! ends it at once (in the process pool: the workers ignore it, the parent
//! kills and reaps them, then exits 130).

use anyhow::{Result, ensure};
use clap::{Parser, ValueEnum};
use examples_processes::pool::{self, Pool, PoolArgs};
use examples_processes::rayon_pool;
use rayon::prelude::*;
use shared::event; // println with the elapsed time and the thread's name (shared/src/timing.rs)
use shared::report::primes_answer;
use shared::timing::timed; // runs a closure and prints `label, cost = X seconds` (shared/src/timing.rs)
use shared::workload::{PRIMES, is_prime};

/// is_prime over PRIMES: one thread, a thread pool, a process pool.
#[derive(Parser)]
#[command(allow_negative_numbers = true)] // `-1` is a value to refuse, not a flag
struct Args {
    /// How many of the 100 PRIMES to check.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..=100))]
    count: u32,
    /// Run only one of the three (default: all three, in turn).
    #[arg(long, value_enum)]
    only: Option<Only>,
    #[command(flatten)]
    pool: PoolArgs, // --workers N (threads and processes; default: the CPU count), the hidden --role
}

#[derive(Clone, Copy, PartialEq, ValueEnum)]
enum Only {
    Single,
    Threads,
    Processes,
}

fn main() -> Result<()> {
    let _run = shared::init()?; // quiet errors, one clock for parent and workers, spans if asked (shared/src/lib.rs)
    let args = Args::parse();
    // The `if __name__ == "__main__":` guard: a worker answers is_prime(n)
    // for each number it is sent, until its stdin closes.
    if args.pool.is_worker() {
        return pool::serve(|n: u64, _attempt| is_prime(n));
    }
    let numbers = &PRIMES[..args.count as usize];
    let workers = args.pool.workers();
    let runs = |way| args.only.is_none_or(|only| only == way);

    let mut answers: Vec<Vec<bool>> = Vec::new();
    if runs(Only::Single) {
        // def single_thread(): for number in PRIMES: is_prime(number)
        answers.push(timed("single thread", || numbers.iter().map(|&n| is_prime(n)).collect()));
    }
    if runs(Only::Threads) {
        // with ThreadPoolExecutor() as pool: pool.map(is_prime, PRIMES)
        let threads = rayon_pool(workers)?; // threads named rayon-N (src/lib.rs)
        let map = || threads.install(|| numbers.par_iter().map(|&n| is_prime(n)).collect());
        answers.push(timed("multi thread", map));
    }
    if runs(Only::Processes) {
        // with ProcessPoolExecutor() as pool: pool.map(is_prime, PRIMES)
        answers.push(timed("multi process", || -> Result<Vec<bool>> {
            // The pool: this binary again as `--role worker` (src/pool.rs); starting it counts, as the with block's.
            let mut pool = Pool::start(workers, 1)?;
            let stopper = pool.stopper(); // Ctrl-C: the workers ignore it; the pool stops waiting (src/pool.rs)
            ctrlc::set_handler(move || stopper.stop())?;
            event!("started {workers} worker processes, pids {:?}", pool.pids());
            let answers = match pool.map(numbers.iter().copied()) {
                Err(e) if pool::interrupted(&e) => {
                    drop(pool); // every worker killed and reaped, then exit 130
                    std::process::exit(130);
                }
                answers => answers?, // in input order, as map gives them
            };
            pool.shutdown()?; // the with block's end: the workers exit
            Ok(answers)
        })?);
    }
    ensure!(answers.iter().all(|a| *a == answers[0]), "the three ways disagree");
    println!("answer: {}", primes_answer(&answers[0])); // the line compare checks
    Ok(())
}
