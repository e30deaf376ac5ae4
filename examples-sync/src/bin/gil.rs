//! A simulated GIL: one global lock handed over every 5 ms.
//!
//! The notes, word for word: 「當一個執行緒沒有直譯超過 1000 個 bytecode 指令 (Python 2)，或是超過 5 ms (Python 3.2後) 的時候，執行緒將會釋放 GIL 來讓其他執行緒使用。」
//! (notes 000: a thread releases the GIL for other threads once it has
//! interpreted more than 1000 bytecode instructions (Python 2) or run more
//! than 5 ms (since Python 3.2)); 「任何时刻仅有一个线程在执行。」 (notes 001:
//! only one thread runs at any moment); 「GIL只会对CPU密集型的程序产生影响」
//! (notes 001: the GIL affects only CPU-bound programs). So a CPU job on two
//! threads is no faster than on one.
//!
//! The simulation is added here: the "interpreter" is a loop of `is_prime`
//! calls, each playing one bytecode. With the GIL (`examples_sync::Gil`,
//! src/gil.rs: a fair lock, handed straight to a waiting thread) a thread
//! runs only while holding it, and hands it over after each switch interval.
//! Without it the same threads run truly in parallel. The twin,
//! `examples-sync/python/gil.py`, runs the real GIL.
//!
//!     cargo run --release -p examples-sync --bin gil
//!     cargo run --release -p examples-sync --bin gil -- --numbers 2000 --switch-interval 0.001
//!
//! You should see three cost lines (`1 thread`, `2 threads with GIL`,
//! `2 threads without GIL`), how often the GIL changed hands (about every
//! 5 ms; less on a busy machine, where a thread may still be waiting for a
//! core instead of the lock), and the speedups: about 1.0x with the GIL, near
//! 2x without on 2 idle cores. Use `--release` for timing. On a timeline
//! (`compare timeline`) the holds of `gil-1` and `gil-2` take turns.

use std::time::Duration;

use anyhow::{Result, ensure};
use clap::Parser;
use examples_sync::gil::{Gil, Held};
use examples_sync::together::run_together;
use shared::timing::Stopwatch; // prints `<label>, cost = X seconds` (shared/src/timing.rs)
// is_prime: the course's trial division; positive_secs_arg: clap parser, seconds in (0, 3600]
use shared::workload::{is_prime, positive_secs_arg};

const N: u64 = 100_000_007; // a 9-digit prime: one is_prime call is ~5,000 trial divisions

#[derive(Parser)]
#[command(about = "A simulated GIL makes 2 threads no faster than 1")]
struct Args {
    /// Total number of is_prime calls in the job.
    #[arg(long, default_value_t = 50_000, value_parser = clap::value_parser!(u64).range(0..=10_000_000))]
    numbers: u64,
    /// Threads for the two multi-threaded runs.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u64).range(1..=64))]
    threads: u64,
    /// Seconds a thread may hold the GIL before handing it over (Python's 0.005).
    #[arg(long, default_value = "0.005", value_parser = positive_secs_arg)]
    switch_interval: Duration,
}

/// The "interpreter": `count` is_prime calls; with a GIL, only while holding it.
fn job(count: u64, gil: Option<&Gil>, me: usize) -> u64 {
    let mut held = gil.map(|g| g.acquire(me));
    let mut found = 0;
    for _ in 0..count {
        found += u64::from(is_prime(N)); // one "bytecode"
        // Held::check: a switch interval over and a thread waiting? Hand the GIL over.
        held.iter_mut().for_each(Held::check);
    }
    found
}

/// The job split over --threads threads named `{label}-1`, ... (src/together.rs); the primes found.
fn on_threads(label: &str, a: &Args, gil: Option<&Gil>) -> Result<u64> {
    let share = |i| a.numbers / a.threads + u64::from(i < a.numbers % a.threads);
    let found = run_together(label, a.threads, |i| job(share(i), gil, i as usize + 1))?;
    Ok(found.iter().sum())
}

fn main() -> Result<()> {
    let _run = shared::init()?; // quiet errors, the clock, spans if asked (shared/src/lib.rs)
    let a = Args::parse();
    let (n, t, interval) = (a.numbers, a.threads, a.switch_interval);
    println!("job: {n} x is_prime({N}); GIL switch interval {interval:?}");

    let sw = Stopwatch::start();
    let one = job(n, None, 1);
    let single = sw.report("1 thread");

    let gil = Gil::new(interval);
    let sw = Stopwatch::start();
    let with_gil = on_threads("gil", &a, Some(&gil))?;
    let gil_cost = sw.report(&format!("{t} threads with GIL"));
    println!("the GIL changed hands {} times", gil.hand_overs());

    let sw = Stopwatch::start();
    let without = on_threads("free", &a, None)?;
    let free_cost = sw.report(&format!("{t} threads without GIL"));

    let ratio = |d: Duration| single.as_secs_f64() / d.as_secs_f64().max(1e-9);
    println!("speedup with GIL = {:.2}x", ratio(gil_cost));
    println!("speedup without GIL = {:.2}x", ratio(free_cost));
    ensure!([one, with_gil, without] == [n; 3], "check failed: a run missed primes");
    println!("check: every run found {n} of {n} primes");
    Ok(())
}
