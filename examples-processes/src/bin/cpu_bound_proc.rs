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
//! cargo run --release -p examples-processes --bin cpu_bound_proc -- --only processes --json
//! cargo run --release -p examples-processes --bin cpu_bound_proc -- --count 8 --spans /tmp/cpu.jsonl
//! ```
//!
//! You should see `single thread, cost = ...`, `multi thread, cost = ...` and
//! `multi process, cost = ...` (the last two about equal, each about the first
//! divided by the number of cores), then
//! `check: all three give the same 100 answers (all prime)`.
//!
//! For the comparison harness (added here): `--only single|threads|processes`
//! runs one of the three, with its own check (`check: multi process: 100
//! answers, all prime`); `--json` ends the output with one JSON line
//! (`shared::report`: workload `primes`, params `count`, `workers`, `only`,
//! every cost line, answer `100 of 100 prime`); `--spans FILE` writes who
//! ran when, one span per number, `is_prime #k`, on the rows `main`,
//! `rayon-0`.. and `worker (pid P)` (each worker process appends its own as
//! it exits, so the pool is shut down and waited for, as the `with` block's
//! end does, not killed).

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result, ensure};
use clap::{Parser, ValueEnum};
use examples_processes::pool::{self, Pool};
use rayon::prelude::*;
use shared::report::{PRIMES as PRIMES_JOB, Report, primes_answer};
use shared::spans::{SpanFile, span, span_as};
use shared::timing::Stopwatch;
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
    /// Run only one of the three (default: all three, in turn).
    #[arg(long, value_enum)]
    only: Option<Only>,
    /// End with one JSON line: the report the comparison harness reads.
    #[arg(long)]
    json: bool,
    /// Write who ran when to FILE (JSON lines, one span per number).
    #[arg(long, value_name = "FILE")]
    spans: Option<PathBuf>,
    /// Which part this process plays; set only by the pool for its workers.
    #[arg(long, hide = true)]
    role: Option<Role>,
}

#[derive(Clone, Copy, PartialEq, ValueEnum)]
enum Role {
    Worker,
}

/// The three ways, in the order they run, with their cost lines' labels.
#[derive(Clone, Copy, PartialEq, ValueEnum)]
enum Only {
    Single,
    Threads,
    Processes,
}

fn main() -> Result<()> {
    shared::quiet_backtraces();
    let args = Args::parse();
    // In a worker: records into the parent's spans file, if it shares one.
    let spans = SpanFile::create(args.spans.as_deref())?;
    // The `if __name__ == "__main__":` guard: a worker answers is_prime(n)
    // for each number it is sent, until its stdin closes.
    if args.role == Some(Role::Worker) {
        let row = format!("worker (pid {})", std::process::id());
        pool::serve_jobs(|job, n: u64, _attempt| {
            let _span = span_as(&row, format!("is_prime #{job}"));
            is_prime(n)
        })?;
        return spans.finish(); // appends this worker's spans as it exits
    }
    let numbers = &PRIMES[..args.count as usize];
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    let workers = args.workers.map_or(cpus, |n| n as usize);
    let all = [
        (Only::Single, "single thread", "one thread".to_string()),
        (Only::Threads, "multi thread", format!("{workers} threads")),
        (
            Only::Processes,
            "multi process",
            format!("{workers} processes"),
        ),
    ];
    let ways: Vec<_> = all
        .into_iter()
        .filter(|(way, _, _)| args.only.is_none_or(|o| o == *way))
        .collect();
    let plan: Vec<&str> = ways.iter().map(|(_, _, what)| what.as_str()).collect();
    println!(
        "checking {} numbers: {}",
        numbers.len(),
        plan.join(", then ")
    );
    let only = args.only.and_then(|o| o.to_possible_value());
    let only = only.as_ref().map_or("all", |v| v.get_name());
    let mut report = Report::new("cpu_bound_proc", PRIMES_JOB)
        .param("count", args.count)
        .param("workers", workers)
        .param("only", only);

    let mut results: Vec<(&str, Vec<bool>)> = Vec::new();
    for (way, label, _) in ways {
        let sw = Stopwatch::start();
        let answers = match way {
            Only::Single => single(numbers),
            Only::Threads => multi_thread(numbers, workers)?,
            Only::Processes => multi_process(numbers, workers)?,
        };
        report.cost(label, sw.report(label));
        results.push((label, answers));
    }

    let (first, answers) = &results[0];
    for (label, other) in &results[1..] {
        ensure!(other == answers, "the {first} and {label} answers differ");
    }
    ensure!(
        answers.iter().all(|&p| p),
        "some of PRIMES were judged not prime"
    );
    match results.len() {
        1 => println!("check: {first}: {} answers, all prime", numbers.len()),
        _ => println!(
            "check: all three give the same {} answers (all prime)",
            numbers.len()
        ),
    }
    report.answer(primes_answer(answers));
    spans.finish()?;
    report.print_if(args.json);
    Ok(())
}

/// is_prime(n) inside a span `is_prime #k` on the current thread's row.
fn check(k: usize, n: u64) -> bool {
    let _span = span(format!("is_prime #{k}")); // recorded only under --spans
    is_prime(n)
}

fn single(numbers: &[u64]) -> Vec<bool> {
    (0..).zip(numbers).map(|(k, &n)| check(k, n)).collect()
}

fn multi_thread(numbers: &[u64], workers: usize) -> Result<Vec<bool>> {
    let threads = rayon::ThreadPoolBuilder::new()
        .num_threads(workers)
        .thread_name(|i| format!("rayon-{i}")) // the spans' rows
        .build()
        .context("cannot build the thread pool")?;
    let each = |(k, &n): (usize, &u64)| check(k, n);
    Ok(threads.install(|| numbers.par_iter().enumerate().map(each).collect()))
}

/// The process pool's cost includes starting its workers and waiting for
/// them to exit, as the `with ProcessPoolExecutor()` block's does.
fn multi_process(numbers: &[u64], workers: usize) -> Result<Vec<bool>> {
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
    // The with block's end: shutdown(wait=True). Each worker exits by
    // itself (writing its spans); one still running after 10 s is killed.
    executor.shutdown(Duration::from_secs(10))?;
    Ok(answers)
}
