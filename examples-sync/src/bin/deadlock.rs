//! Deadlock: two locks taken in opposite order, detected; the fix is a global order.
//!
//! The notes, word for word (notes 002, Chapter13):
//! 「死結 (Dead Lock): 因執行緒無法取得鎖定時會造成阻斷，若不正確使用 Lock 有可能造成效能低落與死結問題。」
//! ("Deadlock: a thread that cannot get a lock blocks; using Lock incorrectly
//! can cause poor performance and deadlock.") They give no code; the example
//! is added here: two transfers between accounts A and B. With `--buggy`
//! `transfer-a-to-b` locks A then B and `transfer-b-to-a` B then A, with a
//! sleep between the two locks, so each holds its first before asking for its
//! second: it deadlocks on every run. Without `--buggy` both lock in one
//! global order (A before B), the transfers finish, and the total is checked.
//!
//! The main thread is a watchdog: every 50 ms it looks for a cycle of
//! threads waiting for each other, reports who holds and wants which lock,
//! and exits with an error, leaving the deadlocked threads to die with the
//! process. The cycle is found (`examples_sync::wait_for`) by parking_lot's
//! own detector, `parking_lot::deadlock::check_deadlock()`, with this crate's
//! feature `deadlock_detection` (on by default; it costs every lock some
//! bookkeeping, so leave it off in code you copy), or without it by the same
//! check by hand over a wait-for table each transfer keeps: the lock it
//! holds, written just after taking it, and the lock it wants, written just
//! before blocking on it. A cycle there (T1 wants what T2 holds, T2 wants
//! what T1 holds) is a real deadlock; a `try_lock_for` timeout would not be
//! detection, since a slow thread looks the same as a stuck one.
//!
//! Run it with:
//!
//!     cargo run -p examples-sync --bin deadlock
//!     cargo run -p examples-sync --bin deadlock -- --buggy
//!     cargo run -p examples-sync --no-default-features --bin deadlock -- --buggy
//!
//! You should see, with `--buggy`, both threads lock their first account,
//! then `deadlock detected` naming both threads, and exit code 1. Without it,
//! one transfer waits for the other (which one goes first varies), then
//! `check: total 2000 conserved`.

use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use clap::Parser;
use examples_sync::wait_for::{DETECTOR, Row, WaitFor};
use parking_lot::Mutex;
use shared::event;
use shared::workload::secs_arg;

#[derive(Parser)]
#[command(allow_negative_numbers = true)] // `-1` is a value to refuse, not a flag
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

const NAMES: [&str; 2] = ["A", "B"];

struct Bank {
    balances: [Mutex<i64>; 2],
    /// What each transfer holds and wants (examples-sync/src/wait_for.rs).
    waits: WaitFor,
}

impl Bank {
    fn transfer(&self, from: usize, to: usize, amount: i64, buggy: bool, delay: Duration) {
        // The fix: every thread locks the account with the smaller id first,
        // so no two threads can each hold what the other wants.
        let (first, second) = if buggy {
            (from, to)
        } else {
            (from.min(to), from.max(to))
        };
        self.waits.note(None, Some(first)); // just before blocking
        let mut g1 = self.balances[first].lock();
        self.waits.note(Some(first), None); // just after taking it
        event!("locked account {}", NAMES[first]);
        thread::sleep(delay); // widen the window: the other thread takes its first lock
        let (a, b) = (NAMES[first], NAMES[second]);
        event!("holds account {a}, wants account {b}");
        self.waits.note(Some(first), Some(second));
        let mut g2 = self.balances[second].lock();
        self.waits.note(Some(first), None);
        event!("locked account {b}");
        let moved = if first == from { amount } else { -amount };
        *g1 -= moved;
        *g2 += moved;
        event!("moved {amount} from {} to {}", NAMES[from], NAMES[to]);
        self.waits.clear(); // before the guards unlock
    }

    /// The threads in a deadlock cycle (see `WaitFor::deadlocked`), described.
    fn deadlocked(&self) -> Vec<String> {
        let name = |lock: Option<usize>| lock.map_or("-", |i| NAMES[i]);
        let describe = |r: &Row| {
            let (holds, wants) = (name(r.holds), name(r.wants));
            format!("{} holds account {holds}, wants account {wants}", r.thread)
        };
        self.waits.deadlocked().iter().map(describe).collect()
    }
}

fn main() -> Result<()> {
    shared::quiet_backtraces();
    let args = Args::parse();
    shared::timing::epoch();
    // Arc, not a scope: a scope would join the deadlocked threads and hang.
    let bank = Arc::new(Bank {
        balances: [Mutex::new(1000), Mutex::new(1000)],
        waits: WaitFor::new(),
    });
    let order = if args.buggy {
        "each thread locks its source first (opposite orders)"
    } else {
        "both threads lock A before B (a global order)"
    };
    event!("A = 1000, B = 1000; A->B 100 and B->A 50 at once; {order}");

    let start = Arc::new(Barrier::new(2));
    let mut handles = Vec::new();
    for (name, from, to, amount) in [
        ("transfer-a-to-b", 0, 1, 100),
        ("transfer-b-to-a", 1, 0, 50),
    ] {
        let (bank, start) = (bank.clone(), start.clone());
        let h = thread::Builder::new()
            .name(name.into())
            .spawn(move || {
                start.wait();
                bank.transfer(from, to, amount, args.buggy, args.delay);
            })
            .context("spawning a transfer thread")?;
        handles.push(h);
    }

    // The watchdog: finished, deadlocked, or out of time.
    let began = Instant::now();
    while !handles.iter().all(|h| h.is_finished()) {
        let cycle = bank.deadlocked();
        if !cycle.is_empty() {
            event!("deadlock detected by {DETECTOR}: threads waiting for each other");
            cycle.iter().for_each(|w| event!("in the cycle: {w}"));
            bail!("deadlock: the transfers would wait forever (their threads are left behind)");
        }
        if began.elapsed() > args.timeout {
            let t = args.timeout;
            bail!("the transfers did not finish within {t:?} and no deadlock was detected");
        }
        thread::sleep(Duration::from_millis(50));
    }
    // unwrap on join: it fails only if the thread panicked; pass that on.
    handles.into_iter().for_each(|h| h.join().unwrap());

    let (a, b) = (*bank.balances[0].lock(), *bank.balances[1].lock());
    event!("A = {a}, B = {b}");
    let want = "expected A = 950, B = 1050 (total 2000)";
    ensure!(
        (a, b) == (950, 1050),
        "check failed: {want}, got {a} and {b}"
    );
    event!("check: total {} conserved (A = 950, B = 1050)", a + b);
    Ok(())
}
