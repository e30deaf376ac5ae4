//! Deadlock: two locks taken in opposite order, detected; the fix is a global order.
//!
//! Mirrors the GIL and thread-safety note's deadlock: two threads each hold
//! one `threading.Lock` and wait for the other's. Two transfers between
//! accounts A and B; with `--buggy` `transfer-a-to-b` locks A then B and
//! `transfer-b-to-a` locks B then A, with a sleep between the two locks, so
//! each holds its first before asking for its second: it deadlocks on every
//! run. The main thread is a watchdog: every 50 ms it asks parking_lot's
//! detector (`parking_lot::deadlock::check_deadlock()`, feature
//! `deadlock_detection`) for cycles, reports which thread holds and wants
//! which lock, and exits with an error, leaving the deadlocked threads to die
//! with the process. Without `--buggy` both lock in one global order (A
//! before B), the same transfers finish, and the total money is checked.
//!
//!     cargo run -p examples-sync --bin deadlock
//!     cargo run -p examples-sync --bin deadlock -- --buggy
//!
//! You should see, with `--buggy`, both threads lock their first account,
//! then `deadlock detected` naming both threads, and exit code 1. Without it,
//! one transfer waits for the other (which one goes first varies), then
//! `check: total 2000 conserved`.

use std::collections::HashMap;
use std::sync::{Arc, Barrier};
use std::thread::{self, ThreadId};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::Parser;
use parking_lot::Mutex;
use shared::event;

#[derive(Parser)]
#[command(about = "Two locks in opposite order deadlock; a global lock order fixes it")]
struct Args {
    /// Take the two locks in opposite order in the two threads (deadlocks).
    #[arg(long)]
    buggy: bool,
    /// Seconds between taking the first lock and the second.
    #[arg(long, default_value_t = 0.1)]
    delay: f64,
    /// Give up (error) if the transfers have not finished after this many seconds.
    #[arg(long, default_value_t = 5.0)]
    timeout: f64,
}

const NAMES: [&str; 2] = ["A", "B"];

struct Bank {
    balances: [Mutex<i64>; 2],
    /// What each thread holds and wants, written just before it blocks, so
    /// the watchdog can say more than the detector's thread ids.
    waits: std::sync::Mutex<HashMap<ThreadId, String>>,
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
        let mut g1 = self.balances[first].lock();
        event!("locked account {}", NAMES[first]);
        thread::sleep(delay); // widen the window: the other thread takes its first lock
        let wants = format!("account {}, wants account {}", NAMES[first], NAMES[second]);
        event!("holds {wants}");
        let who = format!("{} holds {wants}", shared::timing::thread_name());
        // unwrap: std lock() fails only if a thread panicked while holding
        // the lock ("poisoning"); nothing here can panic, so it cannot happen.
        self.waits
            .lock()
            .unwrap()
            .insert(thread::current().id(), who);
        let mut g2 = self.balances[second].lock();
        event!("locked account {}", NAMES[second]);
        let moved = if first == from { amount } else { -amount };
        *g1 -= moved;
        *g2 += moved;
        event!("moved {amount} from {} to {}", NAMES[from], NAMES[to]);
    }
}

fn main() -> Result<()> {
    let args = Args::parse();
    shared::timing::epoch();
    let delay = shared::workload::seconds(args.delay).context("--delay")?;
    let timeout = shared::workload::seconds(args.timeout).context("--timeout")?;
    // Arc, not a scope: a scope would join the deadlocked threads and hang.
    let bank = Arc::new(Bank {
        balances: [Mutex::new(1000), Mutex::new(1000)],
        waits: Default::default(),
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
                bank.transfer(from, to, amount, args.buggy, delay);
            })
            .context("spawning a transfer thread")?;
        handles.push(h);
    }

    // The watchdog: finished, deadlocked, or out of time.
    let began = Instant::now();
    while !handles.iter().all(|h| h.is_finished()) {
        let cycles = parking_lot::deadlock::check_deadlock();
        if !cycles.is_empty() {
            event!(
                "deadlock detected: {} cycle(s) of threads waiting for each other",
                cycles.len()
            );
            let waits = bank.waits.lock().unwrap();
            for t in cycles.iter().flatten() {
                event!(
                    "in the cycle: {}",
                    waits.get(&t.thread_id()).map_or("?", String::as_str)
                );
            }
            bail!("deadlock: the transfers would wait forever (their threads are left behind)");
        }
        if began.elapsed() > timeout {
            bail!("the transfers did not finish within {timeout:?} and no deadlock was detected");
        }
        thread::sleep(Duration::from_millis(50));
    }
    for h in handles {
        // unwrap on join: it fails only if the thread panicked; pass that on.
        h.join().unwrap();
    }

    let (a, b) = (*bank.balances[0].lock(), *bank.balances[1].lock());
    event!("A = {a}, B = {b}");
    if a + b != 2000 || (a, b) != (950, 1050) {
        bail!("check failed: expected A = 950, B = 1050 (total 2000), got {a} and {b}");
    }
    event!("check: total {} conserved (A = 950, B = 1050)", a + b);
    Ok(())
}
