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
//! (default: one per CPU, rayon's default), named `pool-0`, `pool-1`, ...,
//! and used through `install`.
//!
//! For the comparison harness (`compare`), added here: `--only single` or
//! `--only pool` runs one of the two, with its check (the twin's third,
//! `--only process`, has no Rust side here: see `cpu_bound_proc`); `--json`
//! ends the output with one JSON line, the run's report (`shared::report`:
//! params `count`, `threads` (the pool's size), `only`; a cost per cost line;
//! the answer `"N of N prime"`); `--spans FILE` writes one JSON line per
//! `is_prime` call (`shared::spans`), labelled `is_prime #k`, on row `main`
//! for the single thread and on the row of the pool thread that ran it.
//!
//! Measure in release mode (a debug build is many times slower):
//!
//! ```text
//! cargo run --release -p examples-threads --bin cpu_bound
//! cargo run --release -p examples-threads --bin cpu_bound -- --count 20 --threads 2
//! cargo run --release -p examples-threads --bin cpu_bound -- --only pool --json --spans /tmp/spans.jsonl
//! ```
//!
//! You should see `single thread, cost = ...` with its CPU utilisation (about
//! 1.0: one core busy), `thread pool, cost = ...` (utilisation about 2.0 on 2
//! cores), then `speedup = 1.97x (thread pool vs single thread)` or so on 2
//! cores, and
//! `check: both give the same 100 answers (all prime)`. With `--only pool`,
//! the pool's lines and `check: the thread pool gives 100 answers (all
//! prime)`; with `--json`, last, `{"program":"cpu_bound",...,"answer":"100
//! of 100 prime"}`; with `--spans`, 100 spans on `main`, one after another,
//! then 100 spread over `pool-0`.. (each pool thread's one after another).

use anyhow::{Context, Result, bail};
use clap::{Parser, ValueEnum};
use examples_threads::Harness;
use rayon::prelude::*;
use shared::measure::measure;
use shared::report::{self, Report, primes_answer, value_name};
use shared::spans::{SpanFile, span};
use shared::timing::Stopwatch;
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
    /// Run one of the two only, with its check (default: both, then the speedup).
    #[arg(long, value_enum, default_value_t = Only::All)]
    only: Only,
    #[command(flatten)]
    harness: Harness,
}

#[derive(Clone, Copy, PartialEq, ValueEnum)]
enum Only {
    Single,
    Pool,
    All,
}

/// One call of the job, `k` counting from 0: a span on the row of the thread
/// that runs it (nothing is recorded without `--spans`).
fn check((k, &n): (usize, &u64)) -> bool {
    let _span = span(format_args!("is_prime #{}", k + 1));
    is_prime(n)
}

fn main() -> Result<()> {
    shared::quiet_backtraces();
    shared::timing::epoch();
    let args = Args::parse();
    let spans = SpanFile::create(args.harness.spans.as_deref())?; // a bad path fails now
    let runs = |run| args.only == Only::All || args.only == run;
    let numbers = &PRIMES[..args.count as usize];

    let mut builder = rayon::ThreadPoolBuilder::new().thread_name(|i| format!("pool-{i}"));
    if let Some(n) = args.threads {
        builder = builder.num_threads(n as usize);
    }
    let pool = builder.build().context("cannot build the thread pool")?;
    let size = pool.current_num_threads();
    let plan = match args.only {
        Only::Single => "one thread".to_string(),
        Only::Pool => format!("a pool of {size} threads"),
        Only::All => format!("one thread, then a pool of {size} threads"),
    };
    println!("checking {} numbers: {plan}", numbers.len());
    let mut report = Report::new("cpu_bound", report::PRIMES)
        .param("count", args.count)
        .param("threads", size)
        .param("only", value_name(&args.only));
    let mut done: Vec<(&str, Vec<bool>, f64)> = Vec::new(); // (label, answers, wall)

    // `measure` adds what the wall clock hides: CPU time over wall time is
    // how many cores were busy (about 1.0, then about the pool's size).
    if runs(Only::Single) {
        let ((answers, cost), m1) = measure("single thread", || {
            let sw = Stopwatch::start();
            let answers = numbers.iter().enumerate().map(check).collect::<Vec<bool>>();
            (answers, sw.report("single thread"))
        });
        report.cost("single thread", cost);
        println!("{}", m1.summary());
        done.push(("the single thread gives", answers, m1.wall_secs));
    }

    // The same closure, `par_iter` instead of `iter`; collect keeps the input
    // order, as executor.map does.
    if runs(Only::Pool) {
        let ((answers, cost), m2) = measure("thread pool", || {
            let sw = Stopwatch::start();
            let answers = pool.install(|| {
                let job = numbers.par_iter().enumerate().map(check);
                job.collect::<Vec<bool>>()
            });
            (answers, sw.report("thread pool"))
        });
        report.cost("thread pool", cost);
        println!("{}", m2.summary());
        done.push(("the thread pool gives", answers, m2.wall_secs));
    }
    spans.finish()?;

    // Both timings come from this one run, so the ratio is fair.
    if let [(_, _, single), (_, _, pooled)] = done[..] {
        let speedup = single / pooled;
        println!("speedup = {speedup:.2}x (thread pool vs single thread)");
    }

    let (who, answers, _) = &done[0];
    if done.iter().any(|(_, a, _)| a != answers) {
        bail!("the single-thread and pool answers differ");
    }
    if !answers.iter().all(|&p| p) {
        bail!("some of PRIMES were judged not prime");
    }
    let who = if done.len() == 2 {
        "both give the same"
    } else {
        who
    };
    println!("check: {who} {} answers (all prime)", numbers.len());
    report.answer(primes_answer(answers));
    report.print_if(args.harness.json);
    Ok(())
}
