//! Lost updates: `counter += 1` from many threads, and two ways to fix it.
//!
//! The notes, word for word (notes 002, Chapter13):
//! - 「競速 (Race condition): 若執行緒之間需要共享的是可變動狀態的資料，就會有可能發生競速的狀況。」
//!   (Race condition: if threads share mutable data, a race can happen.)
//! - 「鎖定: 若要避免競速的情況發生，可以對資源被變更與取用時的關鍵程式碼進行鎖定。」
//!   (Locking: to avoid races, lock the critical code where the resource is
//!   changed and read.)
//!
//! and (notes 000, the GIL part): 「GIL 保證的 Thread-safe 是 Bytecode 而不是 Python Code」 (the thread safety the GIL guarantees is per bytecode, not
//! per line of Python).
//!
//! The notes give no counter code; the example is added here (the catalogue's
//! workload): five threads each run `counter += 1` 100,000 times. In Python
//! that line is several bytecodes (LOAD_GLOBAL, LOAD_CONST, BINARY_OP,
//! STORE_GLOBAL on 3.11), so a switch between the load and the store can lose
//! updates; the twin, `examples-sync/python/race_condition.py`, shows when it
//! actually does (rarely since 3.10: its header says why).
//!
//! Rust will not compile an unsynchronised `counter += 1` on shared memory
//! (see `send_sync`), so the honest analogue is an atomic `load` followed by
//! a separate atomic `store`: each step is atomic, the pair is not, exactly as
//! each bytecode is atomic but the three together are not. No `unsafe`. The
//! fixes: the increment under a `Mutex` (Python's `with lock:`), or
//! `fetch_add`, one indivisible read-modify-write.
//!
//!     cargo run -p examples-sync --bin race_condition
//!     cargo run -p examples-sync --bin race_condition -- --threads 2 --increments 1000
//!
//! You should see `load then store: Counter should be 500000, got N` with N
//! smaller than 500000 and different on every run (how much is lost depends
//! on scheduling; with tiny sizes a run can lose nothing), then the `Mutex`
//! and `fetch_add` versions, which always print 500000 and are checked.

use std::hint::spin_loop;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use anyhow::{Result, bail};
use clap::Parser;
use examples_sync::together::run_together;
use shared::event;

#[derive(Parser)]
#[command(allow_negative_numbers = true)] // `-1` is a value to refuse, not a flag
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
    shared::quiet_backtraces();
    let args = Args::parse();
    shared::timing::epoch();
    let expected = args.threads * args.increments; // at most 10^11: no overflow
    event!("{} threads x {} increments", args.threads, args.increments);

    // 1. The race: LOAD, then (in between, another thread may store) STORE.
    let counter = AtomicU64::new(0);
    run_together("racy", args.threads, |_| {
        for _ in 0..args.increments {
            let v = counter.load(Relaxed); // LOAD
            // Widen the window between the two steps a little, as the
            // interpreter's own work between bytecodes does.
            spin_loop();
            counter.store(v + 1, Relaxed); // ADD + STORE
        }
    })?;
    let racy = counter.load(Relaxed);
    event!("load then store: Counter should be {expected}, got {racy}");
    if racy < expected {
        event!("load then store: lost {} updates", expected - racy);
    } else {
        event!("load then store: no update lost this run (the race is still there; try again)");
    }

    // 2. Fix one: the whole read-modify-write under a lock (`with lock:`).
    let counter = Mutex::new(0u64);
    run_together("mutex", args.threads, |_| {
        for _ in 0..args.increments {
            // unwrap: lock() fails only if a thread panicked while holding
            // the lock ("poisoning"); nothing here can panic, so it cannot.
            *counter.lock().unwrap() += 1;
        }
    })?;
    let with_mutex = counter.into_inner().unwrap();
    event!("Mutex: Counter should be {expected}, got {with_mutex}");

    // 3. Fix two: one indivisible read-modify-write instruction.
    let counter = AtomicU64::new(0);
    run_together("fetch-add", args.threads, |_| {
        for _ in 0..args.increments {
            counter.fetch_add(1, Relaxed);
        }
    })?;
    let with_fetch_add = counter.load(Relaxed);
    event!("fetch_add: Counter should be {expected}, got {with_fetch_add}");

    if with_mutex != expected || with_fetch_add != expected {
        bail!("check failed: a fix lost updates (Mutex {with_mutex}, fetch_add {with_fetch_add})");
    }
    event!("check: Mutex and fetch_add both gave {expected}");
    Ok(())
}
