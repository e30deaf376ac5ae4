//! Which operations are indivisible: one step versus several.
//!
//! Mirrors the note's atomicity section (notes 000, 四. 什麼是原子操作 (atomic
//! operation)？, "what is an atomic operation?"), word for word:
//! 「所以能確保的是每行 Bytecode 都會被運行完成，而多行 Bytecode 時則有被中斷切換執行緒的可能性。」
//! (what is guaranteed is that each bytecode runs to completion; with several
//! bytecodes a thread switch may interrupt). Its example disassembles
//! `list_sort()` (`this_is_list.sort()`) and `list_append()`
//! (`this_is_list.append('text')`) and concludes
//! 「所以 sort 本身是單一個 bytecode，這代表在執行完 sort 前是沒有機會被中斷而釋放 GIL 的。」
//! (sort itself is a single bytecode, so it cannot be interrupted before it
//! finishes) but that append, with one more bytecode (`LOAD_CONST 'text'`),
//! 「所以 append 函式就不是一個原子操作～」 (so append is not an atomic
//! operation). The twin, `examples-sync/python/atomic_ops.py`, prints `dis` of
//! both on the running Python (3.11: RESUME, LOAD_GLOBAL, LOAD_METHOD,
//! PRECALL, CALL; the note's CALL_METHOD is 3.7-3.10) and runs them.
//!
//! Where the note holds and where not: "one step that does the whole change"
//! is the right test, "how many instructions" is not. The list changes inside
//! one call bytecode in both functions (LOAD_CONST only pushes an argument),
//! so append is as atomic as sort in CPython, as the Python FAQ says; and a
//! sort that calls back into Python code (a Python `__lt__`) can be
//! interrupted. Rust's atomics show the same two sides (added here), each
//! run from several threads, checked, and its steps listed as `dis` lists
//! bytecodes:
//! - one step, indivisible: `fetch_add`, `swap` (one `lock xadd` / `xchg` on
//!   x86-64), like one CALL into C under the GIL;
//! - two steps, not indivisible: a `load` then a `store` (a `spin_loop()`
//!   hint between them widens the gap, as the interpreter's own work between
//!   two bytecodes does), like LOAD ... STORE of `n += 1`;
//! - several steps yet indivisible as a whole: a `compare_exchange` loop,
//!   which retries when another thread got in between: counting steps, as the
//!   note does for append, gets it wrong.
//!
//! Run it with:
//!
//!     cargo run -p examples-sync --bin atomic_ops
//!     cargo run -p examples-sync --bin atomic_ops -- --threads 2 --ops 1000
//!
//! You should see: `load then store` gets less than expected (by a different
//! amount each run), `swap from load then store` loses and duplicates tokens
//! (with tiny sizes, such as the second command's, either may lose nothing),
//! and `fetch_add`, the `compare_exchange` loop (its retry count varies) and
//! `swap` always match, then `check: ...`.

use std::hint::spin_loop;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use anyhow::{Result, ensure};
use clap::Parser;
use examples_sync::together::run_together;
use shared::event;

#[derive(Parser)]
#[command(allow_negative_numbers = true)] // `-1` is a value to refuse, not a flag
#[command(about = "Indivisible atomic operations versus load-then-store")]
struct Args {
    /// Number of threads running each operation.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u64).range(1..=64))]
    threads: u64,
    /// Operations per thread.
    #[arg(long, default_value_t = 100_000, value_parser = clap::value_parser!(u64).range(0..=10_000_000))]
    ops: u64,
}

/// Every thread swaps its own unique tokens into one cell; returns how many
/// tokens came back (from the swaps, plus the one left in the cell) and how
/// many distinct ones. Indivisible swaps give back every token exactly once.
fn swap_tokens(
    args: &Args,
    swap: impl Fn(&AtomicU64, u64) -> u64 + Sync,
) -> Result<(usize, usize)> {
    let cell = AtomicU64::new(0); // token 0 is in the cell at the start
    let per_thread = run_together("worker", args.threads, |i| {
        (1..=args.ops)
            .map(|k| swap(&cell, i * args.ops + k))
            .collect::<Vec<_>>()
    })?;
    let mut back: Vec<u64> = per_thread.into_iter().flatten().collect();
    back.push(cell.load(Relaxed));
    let returned = back.len();
    back.sort_unstable();
    back.dedup();
    Ok((returned, back.len()))
}

fn main() -> Result<()> {
    shared::quiet_backtraces();
    let args = Args::parse();
    shared::timing::epoch();
    let expected = args.threads * args.ops;
    // Relaxed everywhere: indivisibility of one variable needs no ordering
    // with other memory; ordering is a different lesson.

    event!("load then store: steps = [load, store]: 2 steps, another thread can run between");
    let n = AtomicU64::new(0);
    run_together("worker", args.threads, |_| {
        for _ in 0..args.ops {
            let v = n.load(Relaxed);
            spin_loop(); // widen the gap a little, or it is rare in release builds
            n.store(v + 1, Relaxed);
        }
    })?;
    let got = n.load(Relaxed);
    let lost = expected - got;
    event!("load then store: expected {expected}, got {got} (lost {lost})");

    event!(
        "fetch_add: steps = [fetch_add]: 1 step (one `lock`-prefixed instruction on x86-64), indivisible"
    );
    let n = AtomicU64::new(0);
    run_together("worker", args.threads, |_| {
        for _ in 0..args.ops {
            n.fetch_add(1, Relaxed);
        }
    })?;
    let fetch_add = n.load(Relaxed);
    event!("fetch_add: expected {expected}, got {fetch_add}");

    event!("compare_exchange loop: steps = [load, compare_exchange, retry]: indivisible");
    let n = AtomicU64::new(0);
    let retries: u64 = run_together("worker", args.threads, |_| {
        let mut retries = 0;
        for _ in 0..args.ops {
            let mut v = n.load(Relaxed);
            // Store v + 1 only if the value is still v; otherwise another
            // thread got in between: take its value and try again.
            while let Err(now) = n.compare_exchange(v, v + 1, Relaxed, Relaxed) {
                v = now;
                retries += 1;
            }
        }
        retries
    })?
    .into_iter()
    .sum();
    let cas = n.load(Relaxed);
    // Each retry is a conflict that the loop noticed and redid.
    event!("compare_exchange loop: expected {expected}, got {cas} ({retries} retries)");

    let tokens = expected as usize + 1;
    event!("swap: steps = [swap]: 1 step (`xchg`), indivisible");
    let (swap_back, swap_distinct) = swap_tokens(&args, |c, new| c.swap(new, Relaxed))?;
    event!("swap: expected {tokens} distinct tokens back, got {swap_distinct} of {swap_back}");

    event!("swap from load then store: steps = [load, store]: 2 steps");
    let (back, distinct) = swap_tokens(&args, |c, new| {
        let old = c.load(Relaxed);
        spin_loop();
        c.store(new, Relaxed);
        old
    })?;
    let (lost, dup) = (tokens - distinct, back - distinct);
    event!(
        "swap from load then store: expected {tokens} distinct tokens back, got {distinct} of {back}"
    );
    event!("swap from load then store: {lost} tokens lost, {dup} duplicated");

    let exact = [fetch_add, cas] == [expected; 2] && [swap_distinct, swap_back] == [tokens; 2];
    ensure!(
        exact,
        "check failed: an indivisible operation lost an update"
    );
    event!("check: fetch_add, compare_exchange loop and swap all exact");
    event!(
        "so: indivisible means the whole change is one step (or retried as one), not few instructions"
    );
    Ok(())
}
