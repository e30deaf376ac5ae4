//! `thread.join(timeout)` in Rust: `JoinHandle::join` has no timeout, so the
//! worker signals "done" on a channel and main waits with `recv_timeout`.
//! As in Python, the timeout only stops the *waiting*: the thread keeps running.
//!
//! Mirrors the threading note's `t.join(timeout=1)` on a worker that needs 3 s,
//! followed by `t.is_alive()`, which is still `True`. Here `is_alive()` is
//! `!handle.is_finished()`. (Polling `is_finished()` in a sleep loop would also
//! give a bounded wait, but it notices the end up to one poll late; the channel
//! wakes main at once.)
//!
//! Run it:
//!
//! ```text
//! cargo run -p examples-threads --bin join_timeout
//! cargo run -p examples-threads --bin join_timeout -- --work-secs 1 --timeout 2
//! ```
//!
//! You should see `worker` steps, main's wait time out after 1 s with the worker
//! still alive, more `worker` steps after that, `worker done`, and only then the
//! final `join()` returning and `check: worker ran all 6 steps`. With a timeout
//! longer than the work, the wait ends early with `worker finished in time`.

use std::thread;

use anyhow::{Context, Result, bail};
use clap::Parser;
use crossbeam_channel::RecvTimeoutError;
use shared::event;
use shared::workload::seconds;

/// A 3 s worker and a 1 s join timeout.
#[derive(Parser)]
struct Args {
    /// How long the worker runs, in seconds (6 steps).
    #[arg(long, default_value_t = 3.0)]
    work_secs: f64,
    /// How long main waits for it, in seconds: Python's join(timeout).
    #[arg(long, default_value_t = 1.0)]
    timeout: f64,
}

const STEPS: u32 = 6;

fn main() -> Result<()> {
    shared::timing::epoch();
    let args = Args::parse();
    let step = seconds(args.work_secs).context("bad --work-secs")? / STEPS;
    let timeout = seconds(args.timeout).context("bad --timeout")?;

    // The worker's last act is to say "done"; capacity 1 so it never blocks.
    let (done_tx, done_rx) = crossbeam_channel::bounded::<()>(1);
    let worker = thread::Builder::new()
        .name("worker".into())
        .spawn(move || {
            let mut done = 0; // the steps really done: what join() hands back
            for i in 1..=STEPS {
                event!("step {i}/{STEPS}");
                thread::sleep(step);
                done += 1;
            }
            event!("worker done");
            // Nobody may be listening any more: that is fine, ignore the error.
            let _ = done_tx.send(());
            done
        })
        .context("cannot spawn the worker")?;

    event!(
        "join(timeout={:?}): waiting at most {:?} s",
        args.timeout,
        args.timeout
    );
    match done_rx.recv_timeout(timeout) {
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
    if steps != STEPS {
        bail!("the worker ran {steps} steps, expected {STEPS}");
    }
    println!("check: worker ran all {STEPS} steps");
    Ok(())
}
