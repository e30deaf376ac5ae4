//! A logic race that compiles: check-then-act split across two lock sections.
//!
//! The notes, word for word (notes 002, Chapter13): 「鎖定: 若要避免競速的情況發生，可以對資源被變更與取用時的關鍵程式碼進行鎖定。」 (Locking: to avoid races,
//! lock the critical code where the resource is changed and read.) Which
//! code is "the critical code" is the lesson here.
//!
//! The example is added here (the notes have no bank account): a balance of
//! 1000, two threads each withdraw 800, with a 0.1 s sleep between checking
//! the balance and taking the money. With the check and the withdrawal under
//! one lock (Python's `with self.lock:` around both), one withdrawal is
//! refused. Rust rules out *data races* (touching the balance without a lock
//! does not compile), not *logic races*: with `--split-lock` every access is
//! properly locked, yet both threads pass the check before either withdraws,
//! and the balance goes to -600. The twin is `examples-sync/python/bank_lock.py`.
//!
//!     cargo run -p examples-sync --bin bank_lock
//!     cargo run -p examples-sync --bin bank_lock -- --split-lock
//!
//! You should see, by default, one thread withdraw and the other refused
//! (which one wins varies between runs), then `final balance = 200`; with
//! `--split-lock` both checks pass, both withdrawals happen, and
//! `final balance = -600`, reported as a broken invariant.

use std::sync::Mutex;
use std::thread;
use std::time::Duration;

use anyhow::{Result, ensure};
use clap::Parser;
use examples_sync::together::run_together;
use shared::event; // event! = println with the elapsed time and the thread's name (shared/src/timing.rs)
use shared::workload::secs_arg; // clap parser: seconds from 0 to 3600, NaN and inf refused

#[derive(Parser)]
#[command(about = "Two withdrawals of 800 from 1000: one lock section vs two")]
struct Args {
    /// Check under one lock section and withdraw under another (the bug).
    #[arg(long)]
    split_lock: bool,
    /// Seconds between the check and the withdrawal (0 to 3600).
    #[arg(long, default_value = "0.1", value_parser = secs_arg)]
    delay: Duration,
}

const OPENING: i64 = 1000;
const AMOUNT: i64 = 800;

// ANCHOR: withdraw withdraw: check the balance, wait, take the money: under one lock, or two sections (--split-lock)
fn withdraw(balance: &Mutex<i64>, a: &Args) -> bool {
    let mut b = balance.lock().unwrap(); // unwrap: fails only if a holder panicked
    event!("check: balance {} >= {AMOUNT}? {}", *b, *b >= AMOUNT);
    if *b < AMOUNT {
        event!("refused: insufficient funds");
        return false;
    }
    if a.split_lock {
        drop(b); // the bug: the lock is let go between the check and the act
        thread::sleep(a.delay); // the other thread checks now, and passes too
        b = balance.lock().unwrap(); // each access locked: no data race, still a logic race
    } else {
        thread::sleep(a.delay); // the same wait, the lock still held: the other thread waits
    }
    *b -= AMOUNT;
    event!("withdrew {AMOUNT}, balance now {}", *b);
    true
}
// ANCHOR_END: withdraw

fn main() -> Result<()> {
    let _run = shared::init()?; // quiet errors, the clock, spans if asked (shared/src/lib.rs)
    let a = Args::parse();
    // ANCHOR: main two threads withdraw 800 each, then the books are checked
    let how = ["one lock", "two lock sections"][usize::from(a.split_lock)];
    event!("balance {OPENING}; two threads withdraw {AMOUNT} each; check and withdraw under {how}");

    let balance = Mutex::new(OPENING);
    // run_together (src/together.rs): threads withdraw-1 and withdraw-2, started at once.
    let done = run_together("withdraw", 2, |_| withdraw(&balance, &a))?;
    let succeeded = done.into_iter().filter(|&ok| ok).count() as i64;

    let balance = balance.into_inner().unwrap();
    event!("{succeeded} of 2 withdrawals succeeded");
    println!("final balance = {balance}");
    // The books add up whatever happened; under one lock exactly one withdrawal succeeds.
    let books = balance == OPENING - AMOUNT * succeeded;
    ensure!(books && (a.split_lock || succeeded == 1), "check failed: the books, or one lock");
    if balance < 0 {
        event!("invariant broken: balance {balance} < 0 (a logic race that compiled)");
    } else {
        event!("check: balance {balance} = {OPENING} - {succeeded} x {AMOUNT}, never below 0");
    }
    Ok(())
}
// ANCHOR_END: main
