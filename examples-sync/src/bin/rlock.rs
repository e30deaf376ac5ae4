//! Re-entrant locking: taking the same lock twice in one thread.
//!
//! The notes, word for word: 「RLock：避免 Deadlock 發生，它允許一個 thread 在調用 `.release（）`之前多次`.acquire（）`，也就是鎖中鎖的概念，可以遞迴的鎖。」
//! (notes 000: RLock avoids deadlock: it lets one thread `.acquire()` several
//! times before it calls `.release()`, a lock inside a lock, a lock that can
//! be taken recursively) and 「threading.RLock 實現了可重入鎖 (Reentrant lock)，用於特殊需求。」 (notes 002, Chapter13: threading.RLock implements a
//! reentrant lock, for special needs). The deadlock it avoids is only a
//! thread waiting for itself; two threads taking two locks in opposite order
//! still deadlock with RLocks (the `deadlock` bin).
//!
//! The example is added here: `transfer` holds the lock and calls `add`
//! twice, which takes it again. `std::sync::Mutex` is not re-entrant
//! (shown with `try_lock`, never by hanging); `parking_lot::ReentrantMutex`
//! is, and another thread still waits while the owner holds it. The twin is
//! `examples-sync/python/rlock.py`.
//!
//!     cargo run -p examples-sync --bin rlock
//!
//! You should see `WouldBlock`, the nested locks at depth 1 and 2, the other
//! thread refused, then served after main releases, and the checked final
//! balances. The order of the lines is the same on every run.

use std::cell::RefCell;
use std::sync::{Barrier, Mutex, TryLockError};
use std::thread;
use std::time::Duration;

use anyhow::{Result, ensure};
use parking_lot::{ReentrantMutex, const_reentrant_mutex};
use shared::event; // event! = println with the elapsed time and the thread's name (shared/src/timing.rs)

/// Two balances behind one re-entrant lock (Python: `accounts, lock = [100, 0], RLock()`).
/// `ReentrantMutex` hands out only `&T` (its owner may hold two guards at
/// once, and two `&mut` would alias), so the data sits in a `RefCell`, whose
/// `borrow_mut` is checked at run time; each function keeps its borrow short.
static ACCOUNTS: ReentrantMutex<RefCell<[i64; 2]>> = const_reentrant_mutex(RefCell::new([100, 0]));

fn add(account: usize, amount: i64) {
    let guard = ACCOUNTS.lock(); // the second time for this thread
    event!("add: locked again (depth 2), {amount:+} to account {account}");
    guard.borrow_mut()[account] += amount;
}

/// Holds the lock across both steps, so nobody sees the money in flight.
fn transfer(from: usize, to: usize, amount: i64) {
    let _guard = ACCOUNTS.lock();
    event!("transfer: locked (depth 1)");
    add(from, -amount);
    add(to, amount);
    event!("transfer: done, unlocking");
}

fn main() -> Result<()> {
    let _run = shared::init()?; // quiet errors, the clock, spans if asked (shared/src/lib.rs)

    // 1. std Mutex: the owner cannot take it again.
    let plain = Mutex::new(0);
    let guard = plain.lock().unwrap(); // unwrap: fails only if a holder panicked
    let again = plain.try_lock(); // lock() here would never return (a deadlock, or a panic)
    ensure!(matches!(again, Err(TryLockError::WouldBlock)), "std Mutex let its owner in twice");
    event!("std Mutex: locked, then try_lock from the same thread: WouldBlock");
    drop((again, guard));

    // 2. ReentrantMutex: the owner can take it again...
    transfer(0, 1, 30);
    // ...and other threads still wait while the owner holds it.
    let outer = ACCOUNTS.lock();
    event!("main: holding the lock");
    let tried = Barrier::new(2);
    let refused = thread::scope(|s| -> Result<bool> {
        let other = thread::Builder::new().name("other".into());
        let other = other.spawn_scoped(s, || {
            let refused = ACCOUNTS.try_lock().is_none();
            event!("try_lock while main holds it: {}", if refused { "refused" } else { "got it" });
            tried.wait();
            transfer(1, 0, 10); // waits until main lets go
            refused
        })?;
        tried.wait(); // `other` has tried; give it time to block in lock()
        thread::sleep(Duration::from_millis(100));
        event!("main: releasing the lock");
        drop(outer);
        Ok(other.join().unwrap()) // unwrap: the thread's panic, passed on
    })?;
    ensure!(refused, "another thread got it while main held it");

    let [a, b] = *ACCOUNTS.lock().borrow();
    event!("final balances: account 0 = {a}, account 1 = {b}");
    ensure!((a, b) == (80, 20), "check failed: expected 80 and 20");
    event!("check: 100 - 30 + 10 = 80 and 0 + 30 - 10 = 20, total 100 conserved");
    Ok(())
}
