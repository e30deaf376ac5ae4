//! A simulated GIL: one global lock handed over every 5 ms.
//!
//! The notes, word for word: 「當一個執行緒沒有直譯超過 1000 個 bytecode 指令 (Python 2)，或是超過 5 ms (Python 3.2後) 的時候，執行緒將會釋放 GIL 來讓其他執行緒使用。」
//! (notes 000: a thread releases the GIL for other threads once it has
//! interpreted more than 1000 bytecode instructions (Python 2) or run more
//! than 5 ms (since Python 3.2)); 「任何时刻仅有一个线程在执行。」 (notes 001:
//! only one thread runs at any moment); 「GIL只会对CPU密集型的程序产生影响」
//! (notes 001: the GIL affects only CPU-bound programs). Precisely, on 3.2
//! and later: a thread that has waited the switch interval
//! (`sys.getswitchinterval()` = 0.005 s) asks for the GIL, and the holder
//! gives it up at its next check point (see `race_condition.py` for where
//! those are). So a CPU job on two threads is no faster than on one.
//!
//! The simulation is added here. The "interpreter" is a loop of `is_prime`
//! calls (each call, some 10 µs in a release build, plays one bytecode); with the GIL (a
//! `parking_lot::Mutex<()>`) a thread runs only while holding it, and after
//! holding it 5 ms it calls `MutexGuard::bump`: if another thread is waiting,
//! the lock is handed straight to it (a fair unlock), and this thread waits
//! for its next turn. A std `Mutex` would not do: it is unfair, so the thread
//! that unlocks usually re-locks at once and the other starves (the problem
//! CPython 3.2's "new GIL" fixed by forcing the switch). Without the GIL the
//! same threads run truly in parallel on separate cores.
//!
//! `--spans FILE` (added here, for `compare timeline`) writes who ran when as
//! JSON lines (`shared::spans`): under the GIL, one span per hold, labelled
//! `holds the GIL` on rows `gil-1`, `gil-2`, ..., taken after the lock is
//! acquired and ended before it is handed over, so the holds of different
//! threads never overlap, on any machine; in the runs without the GIL (rows
//! `main` for the single thread, `free-1`, `free-2`, ...), one span per
//! switch interval of work, labelled `runs, no GIL`.
//!
//!     cargo run --release -p examples-sync --bin gil
//!     cargo run --release -p examples-sync --bin gil -- --numbers 2000 --switch-interval 0.001
//!     cargo run --release -p examples-sync --bin gil -- --spans /tmp/spans.jsonl
//!
//! You should see three cost lines (`1 thread`, `2 threads with GIL`,
//! `2 threads without GIL`), how often the GIL changed hands (about every
//! 5 ms; less often on a busy machine, where a thread may still be waiting
//! for a core instead of for the lock), and the speedups: about 1.0x with the
//! GIL, near 2x without on 2 idle cores. Times vary with the machine and its
//! load; use `--release` for timing. With `--spans`, the `gil-N` rows take
//! turns, a hold of about 5 ms each, while the `free-N` rows run side by side.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering::Relaxed};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::Parser;
use parking_lot::{Mutex, MutexGuard};
use shared::spans::{SpanFile, record, span};
use shared::timing::{Stopwatch, thread_name};
use shared::workload::{is_prime, positive_secs_arg};

/// A 9-digit prime: one `is_prime` call is ~5,000 trial divisions.
const N: u64 = 100_000_007;

#[derive(Parser)]
#[command(allow_negative_numbers = true)] // `-1` is a value to refuse, not a flag
#[command(about = "A simulated GIL makes 2 threads no faster than 1")]
struct Args {
    /// Total number of is_prime calls in the job.
    #[arg(long, default_value_t = 50_000, value_parser = clap::value_parser!(u64).range(0..=10_000_000))]
    numbers: u64,
    /// Threads for the two multi-threaded runs.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u64).range(1..=64))]
    threads: u64,
    /// Seconds a thread may hold the GIL before handing it over (Python's 0.005; more than 0, at most 3600).
    #[arg(long, default_value = "0.005", value_parser = positive_secs_arg)]
    switch_interval: Duration,
    /// Write who ran when (each hold of the GIL) to FILE as JSON lines (`shared::spans`).
    #[arg(long, value_name = "FILE")]
    spans: Option<PathBuf>,
}

struct Gil {
    lock: Mutex<()>,
    interval: Duration,
    holder: AtomicUsize,   // which thread took it last (1-based)
    hand_overs: AtomicU64, // times another thread ran between a bump and its return
}

/// The "interpreter": `count` is_prime calls, each counted if prime. With a
/// GIL, only while holding it, handing it over after each switch interval.
/// With `--spans`, a span per hold (without a GIL, per interval of work).
fn job(count: u64, interval: Duration, gil: Option<&Gil>, me: usize) -> u64 {
    let mut found = 0;
    let Some(gil) = gil else {
        let mut batch = (span("runs, no GIL"), Instant::now());
        for _ in 0..count {
            found += u64::from(is_prime(N));
            if batch.1.elapsed() >= interval {
                drop(batch); // ends the span before the next begins
                batch = (span("runs, no GIL"), Instant::now());
            }
        }
        return found;
    };
    let name = thread_name(); // the row of this thread's holds
    let mut guard = gil.lock.lock();
    gil.holder.store(me, Relaxed);
    let mut held = Instant::now(); // this hold began: after the lock was taken
    let mut since = held;
    for _ in 0..count {
        found += u64::from(is_prime(N));
        if since.elapsed() >= gil.interval {
            let handing = Instant::now(); // still holding it
            // Fair hand-over: unlock_fair then lock, in one call. Returns at
            // once if nobody is waiting.
            MutexGuard::bump(&mut guard);
            if gil.holder.swap(me, Relaxed) != me {
                gil.hand_overs.fetch_add(1, Relaxed); // another thread ran meanwhile
                record(&name, "holds the GIL", held, handing);
                held = Instant::now();
            }
            since = Instant::now();
        }
    }
    record(&name, "holds the GIL", held, Instant::now()); // before the guard drops
    found
}

/// Splits the job over `threads` named threads; returns the primes found.
fn on_threads(label: &str, args: &Args, gil: Option<&Gil>) -> Result<u64> {
    thread::scope(|s| {
        let mut handles = Vec::new();
        for i in 0..args.threads {
            // Thread i gets an equal share; the first ones take the remainder.
            let share = args.numbers / args.threads + u64::from(i < args.numbers % args.threads);
            let h = thread::Builder::new()
                .name(format!("{label}-{}", i + 1))
                .spawn_scoped(s, move || {
                    job(share, args.switch_interval, gil, i as usize + 1)
                })
                .context("spawning a worker")?;
            handles.push(h);
        }
        // unwrap on join: it fails only if the thread panicked; pass that on.
        Ok(handles.into_iter().map(|h| h.join().unwrap()).sum())
    })
}

fn main() -> Result<()> {
    shared::quiet_backtraces();
    let args = Args::parse();
    shared::timing::epoch();
    let spans = SpanFile::create(args.spans.as_deref())?; // a bad path fails now
    let interval = args.switch_interval;
    let t = args.threads;
    println!(
        "job: {} x is_prime({N}); GIL switch interval {interval:?}",
        args.numbers
    );

    let sw = Stopwatch::start();
    let one = job(args.numbers, interval, None, 1);
    let single = sw.report("1 thread");

    let gil = Gil {
        lock: Mutex::new(()),
        interval,
        holder: AtomicUsize::new(0),
        hand_overs: AtomicU64::new(0),
    };
    let sw = Stopwatch::start();
    let with_gil = on_threads("gil", &args, Some(&gil))?;
    let gil_cost = sw.report(&format!("{t} threads with GIL"));
    // Counted only when a thread's time ran out and another thread ran
    // before it got the GIL back, not when a thread simply finished.
    println!(
        "the GIL changed hands {} times",
        gil.hand_overs.load(Relaxed)
    );

    let sw = Stopwatch::start();
    let without = on_threads("free", &args, None)?;
    let free_cost = sw.report(&format!("{t} threads without GIL"));
    spans.finish()?;

    let ratio = |d: Duration| single.as_secs_f64() / d.as_secs_f64().max(1e-9);
    println!("speedup with GIL = {:.2}x", ratio(gil_cost));
    println!("speedup without GIL = {:.2}x", ratio(free_cost));

    let n = args.numbers;
    if one != n || with_gil != n || without != n {
        bail!("check failed: expected {n} primes in every run, got {one}, {with_gil}, {without}");
    }
    println!("check: every run found {n} of {n} primes");
    Ok(())
}
