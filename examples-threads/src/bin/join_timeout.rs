//! `thread.join(timeout)` in Rust: `JoinHandle::join` has no timeout, so the
//! worker says "done" on a std `mpsc` channel and main waits with
//! `recv_timeout`. As in Python, the timeout only stops the *waiting*: the
//! thread keeps running.
//!
//! The notes (notes/002_bdfb11ea434acb50.txt), word for word:
//! thread.join([timeout])，timeout 參數為可選參數，可指定 thread 線程最多可以霸占 CPU 資源的時間(以秒為單位)，默認直到 thread 執行結束 (進入死亡狀態) 才釋放 CPU 資源。
//! ("timeout is optional: it sets the longest time, in seconds, the thread may
//! hog the CPU; by default the CPU is released only when the thread has ended
//! (entered the dead state).")
//!
//! The note is wrong. The timeout is how long the *caller* waits; it does
//! nothing to the thread, which keeps running and keeps whatever CPU it uses.
//! `join(timeout)` returns `None` either way, so Python code asks
//! `t.is_alive()` afterwards; here `is_alive()` is `!handle.is_finished()`.
//! The 3 s worker, its steps and the flags are added here.
//!
//! Run: `cargo run -p examples-threads --bin join_timeout [-- --work-secs 1 --timeout 2]`
//!
//! You should see `worker` steps, main's wait time out after 1 s with the worker
//! still alive, more `worker` steps after that, `worker done`, and only then the
//! final `join()` returning and `check: worker ran all 6 steps`. With a timeout
//! longer than the work, the wait ends early with `worker finished in time`.

use std::sync::mpsc::{self, RecvTimeoutError};
use std::{thread, time::Duration};

use anyhow::{Result, bail, ensure};
use clap::Parser;
use shared::{event, workload::secs_arg};

/// thread.join(timeout): the wait ends, the thread keeps running
#[derive(Parser)]
struct Args {
    /// How long the worker runs, in seconds (6 steps; 0 to 3600).
    #[arg(long, default_value = "3", value_parser = secs_arg)]
    work_secs: Duration,
    /// How long main waits for it, in seconds: Python's join(timeout) (0 to 3600).
    #[arg(long, default_value = "1", value_parser = secs_arg)]
    timeout: Duration,
}

const STEPS: u32 = 6;

fn main() -> Result<()> {
    let _run = shared::init()?; // one-line errors and the clock of `event!` (shared/src/lib.rs)
    let args = Args::parse();
    let step = args.work_secs / STEPS;

    // The worker's last act is to say "done". An mpsc channel's send never
    // blocks, so the worker never waits for main. (Polling is_finished() in
    // a sleep loop would notice the end up to one poll late.)
    let (done_tx, done_rx) = mpsc::channel::<()>();
    let worker = thread::Builder::new().name("worker".into());
    let worker = worker.spawn(move || {
        let mut done = 0; // the steps really done: what join() hands back
        for i in 1..=STEPS {
            // `event!` = println with the time and the thread's name (shared/src/timing.rs)
            event!("step {i}/{STEPS}");
            thread::sleep(step);
            done += 1;
        }
        event!("worker done");
        // Nobody may be listening any more: that is fine, ignore the error.
        let _ = done_tx.send(());
        done
    })?;

    let timeout = args.timeout.as_secs_f64();
    event!("join(timeout={timeout}): waiting at most {timeout} s");
    match done_rx.recv_timeout(args.timeout) {
        Ok(()) => event!("worker finished in time"),
        Err(RecvTimeoutError::Timeout) => {
            event!("timed out; the worker is not stopped by that");
            // Only asked here: right after "done" arrives, the thread may
            // still be returning, and is_finished() may not be true yet.
            event!("is_alive() = {}", !worker.is_finished());
        }
        // The sender was dropped without a message: the worker panicked.
        Err(RecvTimeoutError::Disconnected) => bail!("the worker ended without finishing"),
    }

    event!("now a plain join(): waits as long as it takes");
    // join() is Err only if the worker panicked: a bug, so pass it on.
    let steps = worker.join().unwrap();
    event!("joined: the worker ran {steps} steps");
    ensure!(steps == STEPS, "the worker ran {steps} steps, expected {STEPS}");
    println!("check: worker ran all {STEPS} steps");
    Ok(())
}
