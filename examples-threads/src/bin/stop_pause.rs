//! Stopping, pausing and resuming a thread by hand: an `AtomicBool` stop flag
//! and a pause gate made of a `Mutex<bool>` and a `Condvar`.
//!
//! The notes (notes/002_bdfb11ea434acb50.txt), word for word:
//! 若要停止執行緒，需自行實作，讓執行緒跑完應有的流程。
//! ("To stop a thread you must implement it yourself, letting the thread run
//! through its proper flow.") and 執行緒的暫停與重啟也需視需求實作。
//! ("Pausing and restarting a thread must also be implemented as needed.")
//! The notes give no code. What follows is added here, after a common Python
//! recipe: a `Job(threading.Thread)` with two `threading.Event`s, `__flag`
//! (cleared = paused, `self.__flag.wait()` blocks) and `__running` (cleared =
//! stop), and `pause()`, `resume()`, `stop()`. A Python `Event` is a bool under
//! a lock plus a condition variable; here both are visible. Neither language
//! can kill a thread from outside: the worker checks the flags between steps
//! and stops itself, as the note says.
//!
//! Run: `cargo run -p examples-threads --bin stop_pause` (or add
//! `-- --run-secs 4 --tick 0.2`).
//!
//! You should see `work step` lines for 30% of the run, main's `pause`, the
//! worker's `paused after N work steps`, no work until main's `resume` at 60%,
//! `resumed` and more work, then main's `stop` and the worker's
//! `stopped after M work steps`, and `check: no work while paused`.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::Relaxed};
use std::sync::{Condvar, Mutex};
use std::thread;
use std::time::Duration;

use anyhow::{Context, Result, ensure};
use clap::Parser;
use shared::event;
use shared::workload::{positive_secs_arg, secs_arg};

/// A worker paused at 30% of the run, resumed at 60%, stopped at the end.
#[derive(Parser)]
#[command(allow_negative_numbers = true)] // `-1` is a value to refuse, not a flag
struct Args {
    /// Length of the whole run, in seconds (0 to 3600).
    #[arg(long, default_value = "2", value_parser = secs_arg)]
    run_secs: Duration,
    /// Seconds per work step (more than 0, at most 3600; 0 would print work
    /// steps as fast as the terminal takes them).
    #[arg(long, default_value = "0.1", value_parser = positive_secs_arg)]
    tick: Duration,
}

/// What main and the worker share, borrowed inside a `thread::scope` (which
/// joins the worker before `main` goes on), so no `Arc` is needed.
#[derive(Default)]
struct Control {
    stop: AtomicBool,  // Relaxed is enough: the flag carries no other data
    gate: Mutex<Gate>, // the pause gate, with the `wake` Condvar
    wake: Condvar,
    steps: AtomicUsize,
}

#[derive(Default)]
struct Gate {
    paused: bool,
    parked_at: Option<usize>, // steps done when the worker began to wait
}

impl Control {
    /// The worker's side: blocks while paused (and not stopped); true if it
    /// had to wait.
    fn wait_while_paused(&self, steps: usize) -> bool {
        // lock() is Err only if a thread panicked while holding the lock;
        // unwrap() passes that panic on.
        let mut gate = self.gate.lock().unwrap();
        let parked = gate.paused && !self.stop.load(Relaxed);
        if parked {
            gate.parked_at = Some(steps);
            event!("paused after {steps} work steps");
        }
        // A loop, not an `if`: wait() may wake up spuriously, so re-check the
        // predicate every time (`Condvar::wait_while` writes this loop for you).
        while gate.paused && !self.stop.load(Relaxed) {
            gate = self.wake.wait(gate).unwrap();
        }
        parked
    }

    fn pause(&self) {
        self.gate.lock().unwrap().paused = true;
    }

    /// Lets the worker go; returns (steps when it parked, steps now), read
    /// under the lock while the worker is still parked.
    fn resume(&self) -> (Option<usize>, usize) {
        let mut gate = self.gate.lock().unwrap();
        gate.paused = false;
        self.wake.notify_all();
        (gate.parked_at, self.steps.load(Relaxed))
    }

    fn stop(&self) {
        self.stop.store(true, Relaxed);
        // Take the lock before notifying: a worker between its check and its
        // wait() would otherwise miss this wake-up and sleep forever.
        let _gate = self.gate.lock().unwrap();
        self.wake.notify_all();
    }
}

fn worker(ctl: &Control, tick: Duration) -> usize {
    let mut steps = 0;
    while !ctl.stop.load(Relaxed) {
        let parked = ctl.wait_while_paused(steps);
        if ctl.stop.load(Relaxed) {
            break;
        }
        if parked {
            event!("resumed");
        }
        steps += 1;
        ctl.steps.store(steps, Relaxed);
        event!("work step {steps}");
        thread::sleep(tick);
    }
    event!("stopped after {steps} work steps");
    steps
}

fn main() -> Result<()> {
    shared::quiet_backtraces();
    shared::timing::epoch();
    let args = Args::parse();
    let (tick, phase) = (args.tick, args.run_secs.mul_f64(0.3));

    let ctl = Control::default();
    let (parked_at, at_resume, total) = thread::scope(|s| -> Result<_> {
        let handle = thread::Builder::new()
            .name("worker".into())
            .spawn_scoped(s, || worker(&ctl, tick))
            .context("cannot spawn the worker")?;

        thread::sleep(phase);
        event!("pause");
        ctl.pause();
        thread::sleep(phase);
        event!("resume");
        let (parked_at, at_resume) = ctl.resume();
        thread::sleep(phase + phase / 3); // the last 40% of the run
        event!("stop");
        ctl.stop();
        // join() is Err only if the worker panicked: a bug, so pass it on.
        Ok((parked_at, at_resume, handle.join().unwrap()))
    })?;

    let parked_at = parked_at
        .context("the worker never reached the pause gate: make --run-secs longer than --tick")?;
    let extra = at_resume - parked_at;
    ensure!(extra == 0, "the worker did {extra} work steps while paused");
    println!(
        "check: no work while paused ({parked_at} steps before the pause, {at_resume} at resume, {total} in all)"
    );
    Ok(())
}
