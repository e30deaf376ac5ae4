//! Re-entrant locking: taking the same lock twice in one thread.
//!
//! The notes, word for word: 「RLock：避免 Deadlock 發生，它允許一個 thread 在調用 `.release（）`之前多次`.acquire（）`，也就是鎖中鎖的概念，可以遞迴的鎖。」
//! (notes 000: RLock avoids deadlock: it lets one thread `.acquire()` several
//! times before it calls `.release()`, a lock inside a lock, a lock that can
//! be taken recursively) and 「threading.RLock 實現了可重入鎖 (Reentrant lock)，用於特殊需求。」 (notes 002, Chapter13: threading.RLock implements a
//! reentrant lock, for special needs). The deadlock it avoids is only a
//! thread waiting for itself; two threads taking two locks in opposite
//! order still deadlock with RLocks (see the `deadlock` bin). The example is
//! added here: a method
//! that holds the lock calls another method that takes it again. With a plain
//! `threading.Lock` the second `acquire()` waits forever for itself; an
//! `RLock` counts how many times its owner took it. Here:
//!
//! 1. `std::sync::Mutex` is not re-entrant: while this thread holds the guard,
//!    its own `try_lock` returns `WouldBlock` (a second `lock()` would never
//!    return, or panic; std does not promise which, so it is never called).
//! 2. `parking_lot::ReentrantMutex` is: `transfer` holds it and calls
//!    `withdraw` and `deposit`, which lock it again. While main holds it,
//!    another thread's `try_lock` fails and its `lock` waits.
//!
//!     cargo run -p examples-sync --bin rlock
//!
//! You should see `WouldBlock`, then the nested locks at depth 1 and 2, the
//! other thread refused, then served after main releases, and the checked
//! final balances. The order of the lines is the same on every run.

use std::cell::RefCell;
use std::sync::{Barrier, Mutex, TryLockError};
use std::thread;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::Parser;
use parking_lot::ReentrantMutex;
use shared::event;

#[derive(Parser)]
#[command(allow_negative_numbers = true)] // `-1` is a value to refuse, not a flag
#[command(about = "std Mutex is not re-entrant; parking_lot::ReentrantMutex is (Python's RLock)")]
struct Args {}

/// Two balances behind one re-entrant lock (Python: one RLock on the object).
/// `ReentrantMutex` hands out only shared references (`&T`): its owner can
/// hold two guards at once, and two `&mut` to one value would alias. So the
/// data sits in a `RefCell`, which checks at run time that only one
/// `borrow_mut` is alive at a time; each method keeps its borrow short.
/// (`RefCell` is not `Sync`, but the lock lets only one thread in at a time,
/// so `ReentrantMutex<RefCell<_>>` is still shared safely between threads.)
struct Bank {
    accounts: ReentrantMutex<RefCell<[i64; 2]>>,
}

impl Bank {
    fn withdraw(&self, from: usize, amount: i64) {
        let guard = self.accounts.lock(); // second time for this thread
        event!("withdraw: locked again (depth 2), -{amount} from account {from}");
        guard.borrow_mut()[from] -= amount;
    }

    fn deposit(&self, to: usize, amount: i64) {
        let guard = self.accounts.lock();
        event!("deposit: locked again (depth 2), +{amount} to account {to}");
        guard.borrow_mut()[to] += amount;
    }

    /// Holds the lock across both steps so nobody sees the money in flight.
    fn transfer(&self, from: usize, to: usize, amount: i64) {
        let _guard = self.accounts.lock();
        event!("transfer: locked (depth 1)");
        self.withdraw(from, amount);
        self.deposit(to, amount);
        event!("transfer: done, unlocking");
    }
}

fn main() -> Result<()> {
    shared::quiet_backtraces();
    let _args = Args::parse();
    shared::timing::epoch();

    // 1. std Mutex: the owner cannot take it again.
    let plain = Mutex::new(0);
    // unwrap: lock() fails only if a thread panicked while holding the lock
    // ("poisoning"); nothing here can panic, so it cannot happen.
    let guard = plain.lock().unwrap();
    match plain.try_lock() {
        Err(TryLockError::WouldBlock) => event!(
            "std Mutex: locked, then try_lock from the same thread: WouldBlock (lock() would never return: deadlock or panic)"
        ),
        Ok(_) => bail!("std Mutex let its owner lock it twice"),
        Err(TryLockError::Poisoned(_)) => bail!("std Mutex poisoned"),
    }
    drop(guard);
    event!(
        "std Mutex: unlocked, try_lock now: {}",
        if plain.try_lock().is_ok() {
            "ok"
        } else {
            "failed"
        }
    );

    // 2. ReentrantMutex: the owner can take it again...
    let bank = Bank {
        accounts: ReentrantMutex::new(RefCell::new([100, 0])),
    };
    bank.transfer(0, 1, 30); // locks inside a lock, on one thread
    // ...and other threads still wait while the owner holds it.
    let outer = bank.accounts.lock();
    event!("main: holding the lock");
    let tried = Barrier::new(2);
    thread::scope(|s| -> Result<()> {
        let other = thread::Builder::new()
            .name("other".into())
            .spawn_scoped(s, || {
                let refused = bank.accounts.try_lock().is_none();
                event!(
                    "try_lock while main holds it: {}",
                    if refused { "refused" } else { "got it" }
                );
                tried.wait();
                bank.transfer(1, 0, 10); // waits until main lets go
                refused
            })
            .context("spawning the other thread")?;
        tried.wait(); // `other` has tried; give it time to block in lock()
        thread::sleep(Duration::from_millis(100));
        event!("main: releasing the lock");
        drop(outer);
        // unwrap on join: it fails only if the thread panicked; pass that on.
        if !other.join().unwrap() {
            bail!("another thread got the ReentrantMutex while main held it");
        }
        Ok(())
    })?;

    let [a, b] = bank.accounts.into_inner().into_inner();
    event!("final balances: account 0 = {a}, account 1 = {b}");
    if (a, b) != (80, 20) {
        bail!("check failed: expected 80 and 20, got {a} and {b}");
    }
    event!("check: 100 - 30 + 10 = 80 and 0 + 30 - 10 = 20, total 100 conserved");
    Ok(())
}
