//! What "thread-safe" means in Rust: `Send` and `Sync`, checked at compile time.
//!
//! The note, word for word (notes 000, 三. 什麼是 thread-safe？): 「當多執行緒同時運行，並對同一資源進行讀寫操作的修改時，必須保證其執行緒與執行緒間不會發生衝突，和數據修改不會發生錯誤，稱為 thread-safe。」
//! (When several threads run at once and read and modify the same resource,
//! guaranteeing that they do not conflict and that the data is not modified
//! wrongly is called thread-safe.) In Python that is the programmer's care
//! (and a `threading.Lock`). Rust (added here) makes it two marker traits:
//! `Send` (a value may move to another thread) and `Sync` (a `&` to it may be
//! shared between threads), checked when compiling.
//!
//! This bin prints which std types are `Send` and `Sync`, as the compiler
//! decides for this very build, then shares a `Vec` with reader threads
//! through an `Arc` (an `Rc` would not compile). The versions that do not
//! compile are `compile_fail` doctests, with their error codes (E0277,
//! E0499), each beside its fix (`Arc`; a `Mutex` or an atomic for shared
//! mutation, which `race_condition` runs), in `examples-sync/src/send_sync.rs`:
//! `cargo test -p examples-sync --doc`. The twin,
//! `examples-sync/python/send_sync.py`, runs what Rust rejects and loses updates.
//!
//!     cargo run -p examples-sync --bin send_sync
//!
//! You should see the table, checked against what std documents, then the
//! readers' sums, checked. The order of the `reader-N`
//! lines varies between runs.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::atomic::AtomicUsize;
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread;

use anyhow::{Result, ensure};
use clap::Parser;
use examples_sync::send_sync; // send_sync!(T) = (T: Send?, T: Sync?) as a pair of bools (src/send_sync.rs)
use shared::event; // event! = println with the elapsed time and the thread's name (shared/src/timing.rs)

#[derive(Parser)]
#[command(about = "Send and Sync: what thread-safe means in Rust")]
struct Args {
    /// Threads in each demonstration.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u64).range(1..=64))]
    threads: u64,
}

fn main() -> Result<()> {
    let _run = shared::init()?; // quiet errors, the clock, spans if asked (shared/src/lib.rs)
    let n = Args::parse().threads as usize;

    println!("{:<24} {:<5} Sync", "type", "Send");
    let yes = |b: bool| if b { "yes" } else { "no" };
    for ((ty, send, sync), documented) in [
        (send_sync!(i32), "yes yes"),
        (send_sync!(Rc<i32>), "no no"), // its count is not atomic
        (send_sync!(Arc<i32>), "yes yes"),
        (send_sync!(Cell<i32>), "yes no"), // mutation through & with no lock
        (send_sync!(RefCell<i32>), "yes no"),
        (send_sync!(Mutex<RefCell<i32>>), "yes yes"), // a Mutex makes it shareable
        (send_sync!(MutexGuard<'static, i32>), "no yes"), // unlocked by the thread that locked
        (send_sync!(AtomicUsize), "yes yes"),
        (send_sync!(*const i32), "no no"),
    ] {
        println!("{ty:<24} {:<5} {}", yes(send), yes(sync));
        let row = format!("{} {}", yes(send), yes(sync));
        ensure!(row == documented, "check failed: std documents {ty} as {documented}");
    }
    event!("check: every row is what std documents");

    // Arc, not Rc: shared ownership across threads (an atomic count).
    let data = Arc::new(vec![1, 2, 3]);
    let readers: Vec<_> = (1..=n)
        .map(|i| {
            let data = Arc::clone(&data); // each thread owns a clone: Arc<Vec<i32>> is Send
            let reader = thread::Builder::new().name(format!("reader-{i}"));
            reader.spawn(move || {
                let (sum, count) = (data.iter().sum::<i32>(), Arc::strong_count(&data));
                event!("sum = {sum}, Arc strong count now {count}");
                sum
            })
        })
        .collect::<Result<_, _>>()?;
    let sums: Vec<i32> = readers.into_iter().map(|h| h.join().unwrap()).collect(); // unwrap: a reader's panic
    let back_to_one = Arc::strong_count(&data) == 1; // every thread's clone was dropped
    ensure!(sums == vec![6; n] && back_to_one, "check failed: {sums:?}");
    event!("check: Arc<Vec<i32>> read by {n} threads, every sum 6, strong count back to 1");

    event!("the versions that do not compile: src/send_sync.rs (cargo test --doc)");
    Ok(())
}
