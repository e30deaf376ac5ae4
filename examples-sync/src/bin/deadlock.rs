//! Deadlock: two locks taken in opposite order, detected; the fix is a global order.
//!
//! The notes, word for word (notes 002, Chapter13):
//! 「死結 (Dead Lock): 因執行緒無法取得鎖定時會造成阻斷，若不正確使用 Lock 有可能造成效能低落與死結問題。」
//! (Deadlock: a thread that cannot get a lock blocks; using Lock incorrectly
//! can cause poor performance and deadlock.) They give no code; the example
//! is added here: two transfers between accounts A and B. With `--buggy`
//! `transfer-a-to-b` locks A then B and `transfer-b-to-a` B then A, with a
//! sleep between the two locks, so each holds its first before asking for
//! its second: it deadlocks on every run. Without `--buggy` both lock A
//! before B, the transfers finish, and the total is checked.
//!
//! The main thread is a watchdog: every 50 ms it looks for a cycle of threads
//! waiting for each other, reports who holds and wants which lock, and exits
//! with an error. The cycle is found (src/wait_for.rs) by parking_lot's own
//! detector with this crate's feature `deadlock_detection` (on by default; it
//! costs every lock some bookkeeping, so leave it off in code you copy), or
//! without it by the same search by hand over a wait-for table. The twin is
//! `examples-sync/python/deadlock.py`.
//!
//!     cargo run -p examples-sync --bin deadlock
//!     cargo run -p examples-sync --bin deadlock -- --buggy
//!     cargo run -p examples-sync --no-default-features --bin deadlock -- --buggy
//!
//! You should see, with `--buggy`, both threads lock their first account,
//! then `deadlock detected` naming both threads, and exit code 1. Without it,
//! one transfer waits for the other (which goes first varies), then
//! `check: total 2000 conserved`.

use std::thread;
use std::time::Duration;

use anyhow::{Result, ensure};
use clap::Parser;
use examples_sync::wait_for::WaitFor; // src/wait_for.rs
use parking_lot::Mutex;
use shared::event; // event! = println with the elapsed time and the thread's name (shared/src/timing.rs)
use shared::workload::secs_arg; // clap parser: seconds from 0 to 3600, NaN and inf refused

#[derive(Parser)]
#[command(about = "Two locks in opposite order deadlock; a global lock order fixes it")]
struct Args {
    /// Take the two locks in opposite order in the two threads (deadlocks).
    #[arg(long)]
    buggy: bool,
    /// Seconds between taking the first lock and the second (0 to 3600).
    #[arg(long, default_value = "0.1", value_parser = secs_arg)]
    delay: Duration,
    /// Give up (error) if the transfers have not finished after this many seconds (0 to 3600).
    #[arg(long, default_value = "5", value_parser = secs_arg)]
    timeout: Duration,
}

const NAMES: [&str; 2] = ["account A", "account B"];
static ACCOUNTS: [Mutex<i64>; 2] = [Mutex::new(1000), Mutex::new(1000)];

fn transfer(from: usize, to: usize, amount: i64, a: &Args, waits: &WaitFor) {
    // The fix: every thread locks the account with the smaller index first,
    // so no two threads can each hold what the other wants.
    let (first, second) = if a.buggy { (from, to) } else { (from.min(to), from.max(to)) };
    let (one, two) = (NAMES[first], NAMES[second]);
    // waits.lock = lock(), noting in the wait-for table what this thread wants, then holds.
    let mut g1 = waits.lock(&ACCOUNTS[first], one);
    event!("locked {one}");
    thread::sleep(a.delay); // widen the window: the other thread takes its first lock
    event!("holds {one}, wants {two}");
    let mut g2 = waits.lock(&ACCOUNTS[second], two);
    event!("locked {two}");
    let moved = if first == from { amount } else { -amount };
    (*g1, *g2) = (*g1 - moved, *g2 + moved);
    event!("moved {amount} from {} to {}", NAMES[from], NAMES[to]);
    waits.clear(); // before the guards unlock
}

fn main() -> Result<()> {
    let _run = shared::init()?; // quiet errors, the clock, spans if asked (shared/src/lib.rs)
    // Leaked, not borrowed in a scope: a scope would join deadlocked threads and hang.
    let a: &'static Args = Box::leak(Box::new(Args::parse()));
    let waits: &'static WaitFor = Box::leak(Box::default());
    let order = ["both lock A, then B", "each locks its source first"][usize::from(a.buggy)];
    event!("A = 1000, B = 1000; A->B 100 and B->A 50 at once; {order}");
    let mut handles = Vec::new();
    for (name, from, to, amount) in [("transfer-a-to-b", 0, 1, 100), ("transfer-b-to-a", 1, 0, 50)]
    {
        let t = thread::Builder::new().name(name.into());
        handles.push(t.spawn(move || transfer(from, to, amount, a, waits))?);
    }

    // The watchdog (src/wait_for.rs): every 50 ms, a deadlock found or the
    // timeout passed is an error; it never waits for the threads forever.
    waits.watch(&handles, a.timeout)?;
    let (a, b) = (*ACCOUNTS[0].lock(), *ACCOUNTS[1].lock());
    event!("A = {a}, B = {b}");
    ensure!((a, b) == (950, 1050), "check failed: not 950 and 1050");
    event!("check: total {} conserved (A = 950, B = 1050)", a + b);
    Ok(())
}
