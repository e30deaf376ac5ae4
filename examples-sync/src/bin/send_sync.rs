//! What "thread-safe" means in Rust: `Send` and `Sync`, checked at compile time.
//!
//! The note, word for word (notes 000, 三. 什麼是 thread-safe？, "what is
//! thread-safe?"): 「當多執行緒同時運行，並對同一資源進行讀寫操作的修改時，必須保證其執行緒與執行緒間不會發生衝突，和數據修改不會發生錯誤，稱為 thread-safe。」 (When
//! several threads run at once and read and modify the same resource,
//! guaranteeing that they do not conflict and that the data is not modified
//! wrongly is called thread-safe.) In Python that guarantee is the
//! programmer's care (and a `threading.Lock`). Rust (added here) answers with two marker traits: `Send` (a value may move to another
//! thread) and `Sync` (a `&` to it may be shared between threads). This bin
//! runs the versions that compile (`Arc` instead of `Rc`; a `Mutex` or an
//! atomic for shared mutation) and prints which std types are `Send` and
//! `Sync`, as the compiler decides for this very build. The versions that do
//! not compile are `compile_fail` doctests in `examples-sync/src/send_sync.rs`,
//! with the error codes (E0277, E0499): `cargo test -p examples-sync --doc`.
//! Python has no such check: its twin, `examples-sync/python/send_sync.py`,
//! runs what Rust rejects (one counter mutated from several threads without
//! a lock) and shows the updates it loses at run time, then the `Lock` fix.
//!
//!     cargo run -p examples-sync --bin send_sync
//!
//! You should see the table, checked against what std documents, then each
//! working version with its checked result. The order of the `reader-N`
//! lines varies between runs.

use std::cell::{Cell, RefCell};
use std::marker::PhantomData;
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread;

use anyhow::{Context, Result, ensure};
use clap::Parser;
use shared::event;

#[derive(Parser)]
#[command(allow_negative_numbers = true)] // `-1` is a value to refuse, not a flag
#[command(about = "Send and Sync: what thread-safe means in Rust")]
struct Args {
    /// Threads in each demonstration.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u64).range(1..=64))]
    threads: u64,
}

// Asking the compiler "is T Send?" and getting a bool, for the table only
// ("autoref specialisation", a trick that works in macros on concrete types):
// method lookup tries `SendProbe<T>`'s own `&self` method first, which exists
// only when `T: Send`, and otherwise falls back to the one on `&SendProbe<T>`.
trait Yes {
    fn send(&self) -> bool {
        true
    }
    fn sync(&self) -> bool {
        true
    }
}
trait No {
    fn send(&self) -> bool {
        false
    }
    fn sync(&self) -> bool {
        false
    }
}
struct SendProbe<T>(PhantomData<T>);
struct SyncProbe<T>(PhantomData<T>);
impl<T: Send> Yes for SendProbe<T> {}
impl<T> No for &SendProbe<T> {}
impl<T: Sync> Yes for SyncProbe<T> {}
impl<T> No for &SyncProbe<T> {}
/// Prints the row the compiler decides for `$t`; true if it is the
/// `(Send, Sync)` that std documents, given as `$expected`.
macro_rules! row {
    ($t:ty, $expected:expr) => {{
        let send = (&SendProbe::<$t>(PhantomData)).send();
        let sync = (&SyncProbe::<$t>(PhantomData)).sync();
        let yn = |b: bool| if b { "yes" } else { "no" };
        println!("{:<24} {:<5} {}", stringify!($t), yn(send), yn(sync));
        (send, sync) == $expected
    }};
}

fn main() -> Result<()> {
    shared::quiet_backtraces();
    let args = Args::parse();
    shared::timing::epoch();
    let n = args.threads as usize;

    println!("{:<24} {:<5} Sync", "type", "Send");
    let rows = [
        row!(i32, (true, true)),
        row!(Rc<i32>, (false, false)),
        row!(Arc<i32>, (true, true)),
        row!(Cell<i32>, (true, false)),
        row!(RefCell<i32>, (true, false)),
        row!(Mutex<RefCell<i32>>, (true, true)), // a Mutex makes a Send type shareable
        row!(MutexGuard<'static, i32>, (false, true)), // unlock on the locking thread
        row!(AtomicUsize, (true, true)),
        row!(*const i32, (false, false)),
    ];
    ensure!(
        rows.iter().all(|&as_documented| as_documented),
        "check failed: a row is not what std documents"
    );
    event!("check: every row is what std documents");

    // 1. Arc, not Rc: shared ownership across threads (atomic ref count).
    let data = Arc::new(vec![1, 2, 3]);
    let mut handles = Vec::new();
    for i in 1..=n {
        let data = Arc::clone(&data); // each thread owns a clone: it is Send
        let h = thread::Builder::new()
            .name(format!("reader-{i}"))
            .spawn(move || {
                event!(
                    "sum = {}, Arc strong count now {}",
                    data.iter().sum::<i32>(),
                    Arc::strong_count(&data)
                );
                data.iter().sum::<i32>()
            })
            .context("spawning a reader")?;
        handles.push(h);
    }
    // unwrap on join: it fails only if the thread panicked; pass that on.
    let sums: Vec<i32> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    ensure!(sums.iter().all(|&s| s == 6), "check failed: sums {sums:?}");
    ensure!(
        Arc::strong_count(&data) == 1,
        "check failed: clones not dropped"
    );
    event!("check: Arc<Vec<i32>> read by {n} threads, every sum 6, strong count back to 1");

    // 2. Shared mutation through `&`: a Mutex (Python's `with lock:`) and
    //    an atomic. A scope lets the threads borrow them: no Arc needed.
    let log = Mutex::new(Vec::new());
    let hits = AtomicUsize::new(0);
    thread::scope(|s| {
        for i in 0..n {
            let (log, hits) = (&log, &hits);
            s.spawn(move || {
                // unwrap: lock() fails only if a thread panicked while holding
                // the lock ("poisoning"); nothing here can panic.
                log.lock().unwrap().push(i);
                hits.fetch_add(1, Relaxed);
            });
        }
    });
    let mut log = log.into_inner().unwrap();
    log.sort_unstable();
    ensure!(
        log == (0..n).collect::<Vec<_>>(),
        "check failed: log {log:?}"
    );
    ensure!(
        hits.load(Relaxed) == n,
        "check failed: {} hits",
        hits.load(Relaxed)
    );
    event!("check: Mutex<Vec<usize>> got all {n} pushes, AtomicUsize counted {n} hits");
    event!(
        "the versions that do not compile: src/send_sync.rs, `cargo test -p examples-sync --doc`"
    );
    Ok(())
}
