//! Lost updates: `counter += 1` from many threads, and two ways to fix it.
//!
//! The notes, word for word (notes 002, Chapter13):
//! - 「競速 (Race condition): 若執行緒之間需要共享的是可變動狀態的資料，就會有可能發生競速的狀況。」
//!   (Race condition: if threads share mutable data, a race can happen.)
//! - 「鎖定: 若要避免競速的情況發生，可以對資源被變更與取用時的關鍵程式碼進行鎖定。」
//!   (Locking: to avoid races, lock the critical code where the resource is
//!   changed and read.)
//!
//! and (notes 000): 「GIL 保證的 Thread-safe 是 Bytecode 而不是 Python Code」
//! (the thread safety the GIL guarantees is per bytecode, not per line).
//!
//! The counter is added here (the notes give no counter code): five threads
//! each add 1 100,000 times. Rust will not compile an unsynchronised
//! `counter += 1` on shared memory (see `send_sync`), so the analogue of
//! Python's LOAD ... STORE bytecodes is an atomic `load` then a separate
//! `store`: each step indivisible, the pair not. The twin is
//! `examples-sync/python/race_condition.py`.
//!
//!     cargo run -p examples-sync --bin race_condition
//!     cargo run -p examples-sync --bin race_condition -- --threads 2 --increments 1000
//!
//! You should see `load then store: Counter should be 500000, got N` with N
//! below 500000, different on every run (tiny sizes may lose nothing), then
//! `Mutex` and `fetch_add`, which always give 500000 and are checked.

use std::hint::spin_loop;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use anyhow::{Result, ensure};
use clap::Parser;
use examples_sync::together::run_together;
use shared::event; // event! = println with the elapsed time and the thread's name (shared/src/timing.rs)

#[derive(Parser)]
#[command(about = "Lost updates from load-then-store, fixed by Mutex and fetch_add")]
struct Args {
    /// Number of threads incrementing the counter.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..=1000))]
    threads: u64,
    /// Increments per thread.
    #[arg(long, default_value_t = 100_000, value_parser = clap::value_parser!(u64).range(0..=100_000_000))]
    increments: u64,
}

fn main() -> Result<()> {
    let _run = shared::init()?; // quiet errors, the clock, spans if asked (shared/src/lib.rs)
    let Args { threads, increments } = Args::parse();
    let expected = threads * increments;

    // 1. The race. run_together (src/together.rs) starts the threads at once, so they overlap.
    let counter = AtomicU64::new(0);
    run_together("racy", threads, |_| {
        for _ in 0..increments {
            let v = counter.load(Relaxed); // LOAD
            spin_loop(); // a little work between the steps, as the interpreter does between bytecodes
            counter.store(v + 1, Relaxed); // ADD + STORE: overwrites what others stored meanwhile
        }
    })?;
    let (racy, lost) = (counter.load(Relaxed), expected - counter.into_inner());
    event!("load then store: Counter should be {expected}, got {racy} (lost {lost})");

    // 2. Fix one: the whole read-modify-write under a lock (Python's `with lock:`).
    let counter = Mutex::new(0u64);
    run_together("mutex", threads, |_| {
        for _ in 0..increments {
            *counter.lock().unwrap() += 1; // unwrap: fails only if a holder panicked
        }
    })?;
    let with_mutex = counter.into_inner().unwrap();
    event!("Mutex: Counter should be {expected}, got {with_mutex}");

    // 3. Fix two: one indivisible read-modify-write instruction.
    let counter = AtomicU64::new(0);
    run_together("fetch-add", threads, |_| {
        for _ in 0..increments {
            counter.fetch_add(1, Relaxed);
        }
    })?;
    let with_fetch_add = counter.into_inner();
    event!("fetch_add: Counter should be {expected}, got {with_fetch_add}");

    let exact = with_mutex == expected && with_fetch_add == expected;
    ensure!(exact, "check failed: a fix lost updates");
    event!("check: Mutex and fetch_add both gave {expected}");
    Ok(())
}
