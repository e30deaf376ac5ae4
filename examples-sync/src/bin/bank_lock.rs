//! A logic race that compiles: check-then-act split across two lock sections.
//!
//! The notes, word for word (notes 002, Chapter13): 「鎖定: 若要避免競速的情況發生，可以對資源被變更與取用時的關鍵程式碼進行鎖定。」 (Locking: to avoid races,
//! lock the critical code where the resource is changed and read.) Which
//! code is "the critical code" is the lesson here.
//!
//! The example is added here (the notes have no bank account): `Account(1000)`,
//! two threads each withdraw 800, with a 0.1 s sleep between checking the
//! balance and taking the money. With the check and the withdrawal under one
//! lock (Python's `with self.lock:` around both), one withdrawal is refused.
//! Rust's type system rules out *data races* (two threads touching the
//! balance without synchronisation does not compile), not *logic races*: with
//! `--split-lock` every access to the balance is properly locked, yet both
//! threads pass the check before either withdraws, and the balance goes to
//! -600.
//!
//!     cargo run -p examples-sync --bin bank_lock
//!     cargo run -p examples-sync --bin bank_lock -- --split-lock
//!
//! You should see, by default, one thread withdraw and the other refused
//! (which thread wins varies between runs), then `final balance = 200`; with
//! `--split-lock` both checks pass, both withdrawals happen, and
//! `final balance = -600`, reported as a broken invariant.

use std::sync::{Barrier, Mutex};
use std::thread;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::Parser;
use shared::event;
use shared::workload::secs_arg;

#[derive(Parser)]
#[command(allow_negative_numbers = true)] // `-1` is a value to refuse, not a flag
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

struct Account {
    balance: Mutex<i64>,
}

impl Account {
    /// Check and act under one guard: no other thread can withdraw between.
    fn withdraw(&self, amount: i64, delay: Duration) -> bool {
        // unwrap: lock() fails only if a thread panicked while holding the
        // lock ("poisoning"); nothing here can panic, so it cannot happen.
        let mut balance = self.balance.lock().unwrap();
        event!(
            "check: balance {} >= {amount}? {}",
            *balance,
            *balance >= amount
        );
        if *balance < amount {
            return false;
        }
        thread::sleep(delay); // the 0.1 s between check and act, lock still held
        *balance -= amount;
        event!("withdrew {amount}, balance now {}", *balance);
        true
    }

    /// The same steps, but the guard is dropped between check and act: each
    /// access is locked (no data race), the pair is not (a logic race).
    fn withdraw_split(&self, amount: i64, delay: Duration) -> bool {
        let ok = {
            let balance = self.balance.lock().unwrap();
            event!(
                "check: balance {} >= {amount}? {}",
                *balance,
                *balance >= amount
            );
            *balance >= amount
        }; // guard dropped here: the other thread may check now
        if !ok {
            return false;
        }
        thread::sleep(delay);
        let mut balance = self.balance.lock().unwrap();
        *balance -= amount;
        event!("withdrew {amount}, balance now {}", *balance);
        true
    }
}

fn main() -> Result<()> {
    shared::quiet_backtraces();
    let args = Args::parse();
    shared::timing::epoch();
    let delay = args.delay;
    let account = Account {
        balance: Mutex::new(OPENING),
    };
    let how = if args.split_lock {
        "check and withdraw under two lock sections"
    } else {
        "check and withdraw under one lock"
    };
    event!("balance {OPENING}; two threads withdraw {AMOUNT} each; {how}");

    let start = Barrier::new(2); // both threads reach the check together
    let succeeded = thread::scope(|s| -> Result<usize> {
        let mut handles = Vec::new();
        for name in ["withdraw-1", "withdraw-2"] {
            let (account, start) = (&account, &start);
            let h = thread::Builder::new()
                .name(name.into())
                .spawn_scoped(s, move || {
                    start.wait();
                    let ok = if args.split_lock {
                        account.withdraw_split(AMOUNT, delay)
                    } else {
                        account.withdraw(AMOUNT, delay)
                    };
                    if !ok {
                        event!("refused: insufficient funds");
                    }
                    ok
                })
                .context("spawning a withdrawal thread")?;
            handles.push(h);
        }
        // unwrap on join: it fails only if the thread panicked; pass that on.
        Ok(handles
            .into_iter()
            .map(|h| h.join().unwrap())
            .filter(|&ok| ok)
            .count())
    })?;

    let balance = account.balance.into_inner().unwrap();
    event!("{succeeded} of 2 withdrawals succeeded");
    println!("final balance = {balance}");
    // The books must add up whatever happened.
    if balance != OPENING - AMOUNT * succeeded as i64 {
        bail!("check failed: balance {balance} does not match {succeeded} withdrawals");
    }
    if balance < 0 {
        // The demonstration of --split-lock: reported, not an error exit.
        event!(
            "invariant broken: balance {balance} < 0 (a logic race; no data race, and it compiled)"
        );
    } else {
        event!("check: balance {balance} = {OPENING} - {succeeded} x {AMOUNT}, never below 0");
    }
    if !args.split_lock && succeeded != 1 {
        bail!("check failed: with one lock exactly one withdrawal should succeed, {succeeded} did");
    }
    Ok(())
}
