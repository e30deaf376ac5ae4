//! Scoped threads borrow local data: no `Arc`, no clone, no `'static`.
//!
//! Rust only (no Python twin: Python threads can always read any object,
//! the garbage collector keeps it alive; the Rust question is *who owns it*).
//! `thread::spawn` needs a `'static` closure, because the thread may outlive
//! the function that made it: `thread::spawn(|| data.iter().sum::<u64>())` on a
//! local `data` fails to compile (E0373: the closure may outlive the function,
//! but it borrows `data`). `std::thread::scope` (Rust 1.63) joins every thread
//! spawned in it before it returns, so its threads may borrow locals:
//!
//! 1. shared borrows: threads sum chunks of a local `Vec` (`chunks`);
//! 2. mutable borrows: threads double disjoint chunks in place (`chunks_mut`);
//!    the borrow checker accepts it because the chunks cannot overlap;
//! 3. the older form, `crossbeam::scope`, soft-deprecated in favour of
//!    `std::thread::scope`: its `spawn` closures take a `&Scope`, and the
//!    scope returns `Err` if any of its threads panicked.
//!
//! Run: `cargo run -p examples-threads --bin scoped [-- --len 1000 --threads 3]`
//!
//! You should see one line per thread in each part (the order within a part
//! varies between runs), and three `check:` lines: the sums are n(n+1)/2,
//! twice that after doubling, and the same again from crossbeam.

use std::thread;

use anyhow::Result;
use clap::Parser;
use examples_threads::check::sum as check; // check: {what} = {got}, or Err if not expected
use shared::event;

/// Scoped threads borrow a local Vec: no Arc (std::thread::scope)
#[derive(Parser)]
struct Args {
    /// Length of the Vec, holding 1..=len (1 to 100,000,000).
    #[arg(long, default_value_t = 1_000_000, value_parser = clap::value_parser!(u64).range(1..=100_000_000))]
    len: u64,
    /// How many threads, one chunk each (1 to 64).
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=64))]
    threads: u32,
}

/// One thread's work: the sum of its chunk.
fn sum(part: &[u64]) -> u64 {
    // `event!` = println with the time and thread name (shared/src/timing.rs)
    event!("summing {} items starting at {}", part.len(), part[0]);
    part.iter().sum()
}

fn main() -> Result<()> {
    let _run = shared::init()?; // one-line errors and the clock of `event!` (shared/src/lib.rs)
    let args = Args::parse();
    // A plain local: owned by main, never wrapped in Arc.
    let mut data: Vec<u64> = (1..=args.len).collect();
    let chunk = data.len().div_ceil(args.threads as usize);
    let expected = args.len * (args.len + 1) / 2;

    // 1. Shared borrows: each thread gets a `&[u64]` into `data`.
    let total = thread::scope(|s| -> Result<u64> {
        let mut handles = Vec::new();
        for (k, part) in data.chunks(chunk).enumerate() {
            let t = thread::Builder::new().name(format!("sum-{k}"));
            handles.push(t.spawn_scoped(s, move || sum(part))?); // `part` is a `&[u64]` into `data`
        }
        // join() is Err only if a thread panicked: a bug, so pass it on.
        Ok(handles.into_iter().map(|h| h.join().unwrap()).sum())
    })?;
    check("std::thread::scope sum", total, expected)?;

    // 2. Mutable borrows: chunks_mut splits `data` into disjoint `&mut [u64]`.
    thread::scope(|s| -> Result<()> {
        for (k, part) in data.chunks_mut(chunk).enumerate() {
            let t = thread::Builder::new().name(format!("double-{k}"));
            t.spawn_scoped(s, move || {
                part.iter_mut().for_each(|x| *x *= 2);
                event!("doubled {} items in place", part.len());
            })?;
        }
        Ok(())
    })?; // every thread is joined here, so `data` is all ours again
    check("sum after doubling in place", data.iter().sum(), 2 * expected)?;

    // 3. The older form: crossbeam::scope (soft-deprecated since Rust 1.63).
    let total = crossbeam::scope(|s| -> Result<u64> {
        let mut handles = Vec::new();
        for (k, part) in data.chunks(chunk).enumerate() {
            let t = s.builder().name(format!("xb-sum-{k}"));
            handles.push(t.spawn(move |_| sum(part))?); // its closures take the scope
        }
        Ok(handles.into_iter().map(|h| h.join().unwrap()).sum())
    })
    .expect("Err only if a thread panicked, and join().unwrap() re-raised that already")?;
    check("crossbeam::scope sum", total, 2 * expected)?;
    Ok(())
}
