//! Which operations are indivisible: one step versus several.
//!
//! The note (notes 000, 四. 什麼是原子操作 (atomic operation)？), word for word:
//! 「所以能確保的是每行 Bytecode 都會被運行完成，而多行 Bytecode 時則有被中斷切換執行緒的可能性。」
//! (each bytecode runs to completion; with several bytecodes a thread switch
//! may interrupt). It disassembles `this_is_list.sort()` and
//! `this_is_list.append('text')` and concludes that sort, one bytecode, is
//! atomic, and 「所以 append 函式就不是一個原子操作～」 (so append is not
//! atomic), for its one more bytecode, `LOAD_CONST 'text'`. The twin,
//! `examples-sync/python/atomic_ops.py`, prints `dis` of both on the running
//! Python and shows the note is half right: append is atomic too.
//!
//! The test is "is the whole change one step", not "how many instructions".
//! Rust's atomics show both sides (added here), each run from several
//! threads, checked, its steps listed as `dis` lists bytecodes: `fetch_add`
//! and `swap` are one step; a `load` then a `store` are two and lose
//! updates; a `compare_exchange` loop is several steps yet indivisible as a
//! whole, since it retries when another thread got in between.
//!
//!     cargo run -p examples-sync --bin atomic_ops
//!     cargo run -p examples-sync --bin atomic_ops -- --threads 2 --ops 1000
//!
//! You should see `load then store` get less than expected (a different
//! amount each run; tiny sizes may lose nothing), and `fetch_add`, the
//! `compare_exchange` loop and `swap` always exact, then `check: ...`.

use std::collections::HashSet;
use std::hint::spin_loop;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use anyhow::{Result, ensure};
use clap::Parser;
use examples_sync::together::run_together;
use shared::event; // event! = println with the elapsed time and the thread's name (shared/src/timing.rs)

#[derive(Parser)]
#[command(about = "Indivisible atomic operations versus load-then-store")]
struct Args {
    /// Number of threads running each operation.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u64).range(1..=64))]
    threads: u64,
    /// Operations per thread.
    #[arg(long, default_value_t = 100_000, value_parser = clap::value_parser!(u64).range(0..=10_000_000))]
    ops: u64,
}

// Relaxed everywhere: indivisibility of one variable needs no ordering with other memory.

/// `add_one` run --ops times on each of --threads threads (started together), on one counter.
fn count(a: &Args, add_one: impl Fn(&AtomicU64) + Sync) -> Result<u64> {
    let n = AtomicU64::new(0);
    // src/together.rs: threads worker-1, worker-2, ..., started at once.
    run_together("worker", a.threads, |_| (0..a.ops).for_each(|_| add_one(&n)))?;
    Ok(n.into_inner())
}

fn main() -> Result<()> {
    let _run = shared::init()?; // quiet errors, the clock, spans if asked (shared/src/lib.rs)
    let a = Args::parse();
    let (expected, tokens) = (a.threads * a.ops, a.threads * a.ops + 1);

    event!("load then store: steps = [load, store]: 2 steps, another thread can run between");
    let got = count(&a, |n| {
        let v = n.load(Relaxed);
        spin_loop(); // widen the gap a little, or the loss is rare in release builds
        n.store(v + 1, Relaxed);
    })?;
    event!("load then store: expected {expected}, got {got} (lost {})", expected - got);

    event!("fetch_add: steps = [fetch_add]: 1 step (one `lock xadd` on x86-64), indivisible");
    let fetch_add = count(&a, |n| _ = n.fetch_add(1, Relaxed))?;
    event!("fetch_add: expected {expected}, got {fetch_add}");

    event!("compare_exchange loop: steps = [load, compare_exchange, retry]: indivisible");
    let retries = AtomicU64::new(0);
    let cas = count(&a, |n| {
        let mut v = n.load(Relaxed);
        // Store v + 1 only if the value is still v; else another thread got in: retry with its value.
        while let Err(now) = n.compare_exchange(v, v + 1, Relaxed, Relaxed) {
            v = now;
            retries.fetch_add(1, Relaxed);
        }
    })?;
    event!("compare_exchange loop: expected {expected}, got {cas} ({retries:?} retries)");

    event!("swap: steps = [swap]: 1 step (`xchg`), indivisible");
    let cell = AtomicU64::new(0); // token 0 is in the cell at the start
    let back = run_together("worker", a.threads, |i| {
        // Each thread swaps in its own tokens and keeps the one it took out.
        (1..=a.ops).map(|k| cell.swap(i * a.ops + k, Relaxed)).collect::<Vec<_>>()
    })?;
    let back: HashSet<u64> = back.concat().into_iter().chain([cell.into_inner()]).collect();
    let distinct = back.len() as u64; // a token lost, or got back twice, shows here
    event!("swap: expected {tokens} distinct tokens back, got {distinct} of {tokens}");

    ensure!([fetch_add, cas, distinct] == [expected, expected, tokens], "check failed: a loss");
    event!("check: fetch_add, compare_exchange loop and swap all exact");
    // So: indivisible means the whole change is one step (or retried as one), not few instructions.
    Ok(())
}
