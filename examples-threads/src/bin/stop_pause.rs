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
    steps: AtomicUsize,  // work steps done
    parked: AtomicUsize, // steps done when the worker stopped at the gate
}

fn run(job: &Job, tick: Duration) {
    while !job.stop.load(Relaxed) {
        // unwrap on lock(): poisoned only if a thread panicked holding it.
        let mut paused = job.paused.lock().unwrap();
        if *paused {
            job.parked.store(job.steps.load(Relaxed), Relaxed);
            event!("paused after {} work steps", job.steps.load(Relaxed)); // println + time + thread (shared/src/timing.rs)
            // A loop, not an `if`: wait() may wake up spuriously, so re-check
            // the predicate every time (`Condvar::wait_while` writes this loop).
            while *paused && !job.stop.load(Relaxed) {
                paused = job.wake.wait(paused).unwrap();
            }
            if !job.stop.load(Relaxed) {
                event!("resumed");
            }
        }
        drop(paused);
        if job.stop.load(Relaxed) {
            break;
        }
        let steps = job.steps.fetch_add(1, Relaxed) + 1;
        event!("work step {steps}");
        thread::sleep(tick);
    }
    event!("stopped after {} work steps", job.steps.load(Relaxed));
}

fn main() -> anyhow::Result<()> {
    let _run = shared::init()?; // one-line errors and the clock of `event!` (shared/src/lib.rs)
    let args = Args::parse();
    let (mut job, phase) = (Job::default(), args.run_secs.mul_f64(0.3));
    *job.parked.get_mut() = usize::MAX; // never parked, so far
    let at_resume = thread::scope(|s| {
        let worker = thread::Builder::new().name("worker".into());
        worker.spawn_scoped(s, || run(&job, args.tick))?; // Job(...).start()
        thread::sleep(phase);
        event!("pause");
        *job.paused.lock().unwrap() = true; // job.pause()
        thread::sleep(phase);
        event!("resume");
        let mut paused = job.paused.lock().unwrap(); // job.resume()
        *paused = false;
        job.wake.notify_all();
        let at_resume = job.steps.load(Relaxed); // read under the lock: the worker is still parked
        drop(paused);
        thread::sleep(phase + phase / 3); // the last 40% of the run
        event!("stop");
        job.stop.store(true, Relaxed); // job.stop()
        // Notify under the lock: a worker between its check and its wait()
        // would otherwise miss this wake-up and sleep forever.
        let _paused = job.paused.lock().unwrap();
        job.wake.notify_all();
        anyhow::Ok(at_resume) // the scope joins the worker once _paused is gone
    })?;
    let (parked, total) = (job.parked.load(Relaxed), job.steps.load(Relaxed));
    // usize::MAX: the whole pause fell inside one tick (make --run-secs longer).
    ensure!(parked == at_resume, "the worker was not parked from pause to resume");
    println!("check: no work while paused ({parked} steps before the pause, {total} in all)");
    Ok(())
}
