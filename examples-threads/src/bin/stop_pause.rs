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
//! (cleared = paused) and `__running` (cleared = stop), and `pause()`,
//! `resume()`, `stop()`. A Python `Event` is a bool under a lock plus a
//! condition variable; here both are visible. Neither language can kill a
//! thread from outside: the worker checks the flags between steps.
//!
//! Run: `cargo run -p examples-threads --bin stop_pause [-- --run-secs 4 --tick 0.2]`
//!
//! You should see `work step` lines for 30% of the run, main's `pause`, the
//! worker's `paused after N work steps`, no work until main's `resume` at 60%,
//! `resumed` and more work, then main's `stop` and the worker's
//! `stopped after M work steps`, and `check: no work while paused`.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::Relaxed};
use std::{sync::Condvar, sync::Mutex, thread, time::Duration};

use anyhow::ensure;
use clap::Parser;
use shared::{event, workload::positive_secs_arg, workload::secs_arg};

/// Stop, pause and resume a thread: a stop flag and a Mutex + Condvar gate
#[derive(Parser)]
struct Args {
    /// Length of the whole run, in seconds (0 to 3600).
    #[arg(long, default_value = "2", value_parser = secs_arg)]
    run_secs: Duration,
    /// Seconds per work step (more than 0, at most 3600).
    #[arg(long, default_value = "0.1", value_parser = positive_secs_arg)]
    tick: Duration,
}

/// What main and the worker share (borrowed in a `thread::scope`: no `Arc`).
#[derive(Default)]
struct Job {
    stop: AtomicBool,    // Relaxed is enough: the flag carries no other data
    paused: Mutex<bool>, // the pause gate, with the `wake` Condvar
    wake: Condvar,
    steps: AtomicUsize, // work steps done, counted under the gate's lock
}

/// job.pause() / job.resume(): set the gate and wake the worker; returns
/// the steps done so far, exact because the worker counts under this lock.
fn set_paused(job: &Job, paused: bool) -> usize {
    // unwrap on lock(): poisoned only if a thread panicked holding it.
    let mut gate = job.paused.lock().unwrap();
    *gate = paused;
    job.wake.notify_all(); // on pause, harmless: the worker is not waiting
    job.steps.load(Relaxed)
}

fn run(job: &Job, tick: Duration) {
    while !job.stop.load(Relaxed) {
        let mut paused = job.paused.lock().unwrap();
        if *paused {
            event!("paused after {} work steps", job.steps.load(Relaxed)); // println + time + thread (shared/src/timing.rs)
            // wait_while, not a single wait(): wait() may wake up spuriously, so
            // the predicate is re-checked after every wake-up (the loop is inside).
            paused = job.wake.wait_while(paused, |paused| *paused).unwrap();
            if job.stop.load(Relaxed) {
                break; // stopped while paused
            }
            event!("resumed");
        }
        let steps = job.steps.fetch_add(1, Relaxed) + 1; // under the lock: see set_paused
        drop(paused); // work with the gate open, so main can pause us meanwhile
        event!("work step {steps}");
        thread::sleep(tick);
    }
    event!("stopped after {} work steps", job.steps.load(Relaxed));
}

fn main() -> anyhow::Result<()> {
    let _run = shared::init()?; // one-line errors and the clock of `event!` (shared/src/lib.rs)
    let args = Args::parse();
    let (job, phase) = (Job::default(), args.run_secs.mul_f64(0.3));
    let (at_pause, at_resume) = thread::scope(|s| {
        let worker = thread::Builder::new().name("worker".into());
        worker.spawn_scoped(s, || run(&job, args.tick))?; // Job(...).start()
        thread::sleep(phase);
        event!("pause");
        let at_pause = set_paused(&job, true); // job.pause()
        thread::sleep(phase);
        event!("resume");
        let at_resume = set_paused(&job, false); // job.resume()
        thread::sleep(phase + phase / 3); // the last 40% of the run
        event!("stop");
        // job.stop(), as the recipe's: clear the run flag, then open the gate, so
        // that a paused worker wakes up and sees the flag (set_paused notifies under
        // the lock: a worker between its check and its wait() cannot miss it).
        job.stop.store(true, Relaxed);
        set_paused(&job, false);
        anyhow::Ok((at_pause, at_resume)) // the scope joins the worker
    })?;
    ensure!(at_pause == at_resume, "the worker did work between pause and resume");
    let total = job.steps.load(Relaxed);
    println!("check: no work while paused ({at_pause} steps before the pause, {total} in all)");
    Ok(())
}
