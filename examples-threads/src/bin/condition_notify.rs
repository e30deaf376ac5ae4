//! `notify_one` wakes exactly one waiter, `notify_all` wakes the rest; which
//! one wakes first is up to the OS.
//!
//! The notes (notes/002_bdfb11ea434acb50.txt), word for word:
//! notify() 會通知正在等待的執行緒，但無法預期哪一個執行緒會被通知，即便透過 notify_all()，也是所有等待的執行緒一同爭取鎖定。
//! ("notify() notifies a waiting thread, but which one cannot be predicted;
//! even with notify_all(), all the waiting threads compete for the lock
//! together.") and notify() 可指定通知的執行緒數量，可能通知指定數量 (含) 以上的執行緒。
//! ("notify() can be told how many threads to notify; it may notify that
//! many or more.") Both hold: Python's docs say `notify(n)` wakes exactly n
//! today but a future version may wake more. Rust has no `notify(n)`: call
//! `notify_one` n times. The waiters and the flags are added here.
//!
//! Three waiters wait for `go`. main sets `go` (true for all of them now),
//! calls `notify_one`, and exactly one leaves: the other two sleep on with
//! their predicate true, because nobody woke them, until `notify_all`.
//!
//! Run: `cargo run -p examples-threads --bin condition_notify -- --waiters 3`
//!
//! You should see each `waiter-N` say `waiting for go` (in any order), main's
//! `go = true, notify_one()`, ONE waiter's `woke up, leaving` (which one
//! varies), main's `notify_one woke 1 of 3 ...`, the other two leave, then
//! `check: notify_one woke 1 waiter, notify_all the other 2`.

use std::{thread, time::Duration};

use anyhow::ensure;
use clap::Parser;
// parking_lot's: std's Condvar may wake a waiter spuriously (a futex
// notified in the moment between unlock and sleep: about 1 run in 10 here
// let two go, the note's "or more"); parking_lot queues the waiter before it
// unlocks and promises no spurious wake-ups. No poisoning: lock() is the guard.
use parking_lot::{Condvar, Mutex};
use shared::{event, workload::secs_arg};

/// Condvar::notify_one wakes one waiter, notify_all the rest
#[derive(Parser)]
struct Args {
    /// Threads waiting on the condition (2 to 100).
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(2..=100))]
    waiters: u32,
    /// Seconds main watches, after notify_one, for more waiters to leave (0 to 3600).
    #[arg(long, default_value = "0.5", value_parser = secs_arg)]
    settle: Duration,
}

struct State {
    go: bool,      // the predicate every waiter waits for
    asleep: usize, // waiters that have started waiting
    left: usize,   // waiters that saw `go` and left
}

static STATE: Mutex<State> = Mutex::new(State { go: false, asleep: 0, left: 0 });
static GO: Condvar = Condvar::new(); // the waiters sleep here
static MAIN: Condvar = Condvar::new(); // main sleeps here

fn waiter() {
    let mut s = STATE.lock();
    s.asleep += 1;
    // `event!` = println with the time and the thread's name (shared/src/timing.rs)
    event!("waiting for go");
    MAIN.notify_one();
    GO.wait_while(&mut s, |s| !s.go); // queued on GO before the lock is let go
    s.left += 1;
    event!("woke up, leaving");
    MAIN.notify_one(); // only main sleeps on MAIN: no other waiter wakes
}

fn main() -> anyhow::Result<()> {
    let _run = shared::init()?; // one-line errors and the clock of `event!` (shared/src/lib.rs)
    let args = Args::parse();
    let n = args.waiters as usize;

    let after_one = thread::scope(|scope| {
        for k in 1..=n {
            thread::Builder::new().name(format!("waiter-{k}")).spawn_scoped(scope, waiter)?;
        }
        // Every waiter is queued on GO once all have counted themselves.
        let mut s = STATE.lock();
        MAIN.wait_while(&mut s, |s| s.asleep < n);
        s.go = true; // now true for every waiter...
        GO.notify_one(); // ...but only one is woken
        event!("go = true, notify_one()");
        MAIN.wait_while(&mut s, |s| s.left == 0);
        // Watch a while: does anyone else leave? (Nobody woke them.)
        MAIN.wait_while_for(&mut s, |s| s.left == 1, args.settle);
        let after_one = s.left;
        event!("notify_one woke {after_one} of {n} waiters; now notify_all()");
        GO.notify_all();
        MAIN.wait_while(&mut s, |s| s.left < n);
        anyhow::Ok(after_one) // the scope joins the waiters (and re-raises a panic)
    })?;
    ensure!(after_one == 1, "notify_one let {after_one} waiters go (a spurious wake-up?)");
    println!("check: notify_one woke 1 waiter, notify_all the other {}", n - 1);
    Ok(())
}
