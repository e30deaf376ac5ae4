//! A spinner on its own thread while the main thread does a slow job: the
//! spinner keeps moving because the slow job does not hold it up.
//!
//! Mirrors the threading note's spinner (from Fluent Python): `spin(msg, done)`
//! runs in a `Thread` and cycles `\|/-` every 0.1 s until the flag says stop;
//! `slow()` sleeps 3 s and returns 42; the supervisor starts the spinner, calls
//! `slow()` itself, sets the flag, joins the spinner, and main prints
//! `Answer: 42`. The flag is an `AtomicBool` that the spinner borrows (no
//! `Arc`: `thread::scope` joins the spinner before the supervisor returns, so
//! the flag outlives it). After setting the flag, the supervisor
//! `unpark()`s the spinner, which sleeps with `park_timeout`, so it stops at
//! once instead of finishing its tick (Python's `done.wait(.1)` does the same).
//!
//! Each spinner frame is printed as an event line rather than redrawn in place
//! with `\r`, so the output stays readable in a pipe or a test.
//!
//! Run it:
//!
//! ```text
//! cargo run -p examples-threads --bin spinner_thread
//! cargo run -p examples-threads --bin spinner_thread -- --slow-secs 1 --tick 0.2
//! ```
//!
//! You should see main's `slow job started`, about 30 `spinner` frames while it
//! runs, `slow job done`, `spinner stopped after N frames`, then `Answer: 42`.

use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::thread;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::Parser;
use shared::event;
use shared::workload::seconds;

/// A spinner thread beside a slow job on main.
#[derive(Parser)]
struct Args {
    /// Seconds between spinner frames.
    #[arg(long, default_value_t = 0.1)]
    tick: f64,
    /// How long the slow job takes, in seconds.
    #[arg(long, default_value_t = 3.0)]
    slow_secs: f64,
}

/// The note's `spin(msg, done)`: one frame per tick until `done` is set.
/// Returns how many frames it drew.
fn spin(msg: &str, done: &AtomicBool, tick: Duration) -> usize {
    let mut frames = 0;
    for ch in ['\\', '|', '/', '-'].iter().cycle() {
        if done.load(Relaxed) {
            break;
        }
        frames += 1;
        event!("{ch} {msg}");
        // Sleeps one tick unless unpark()ed first; a spurious early return
        // only draws a frame early, since the flag is checked every time.
        thread::park_timeout(tick);
    }
    event!("spinner stopped after {frames} frames");
    frames
}

/// The note's `slow()`: pretend to wait for I/O, then answer.
fn slow(d: Duration) -> u64 {
    event!("slow job started");
    thread::sleep(d);
    event!("slow job done");
    42
}

/// The note's `supervisor()`: spinner on a thread, slow job right here.
fn supervisor(tick: Duration, slow_time: Duration) -> Result<(u64, usize)> {
    let done = AtomicBool::new(false);
    thread::scope(|s| {
        let spinner = thread::Builder::new()
            .name("spinner".into())
            .spawn_scoped(s, || spin("thinking!", &done, tick))
            .context("cannot spawn the spinner")?;
        event!("spinner object: {:?}", spinner.thread());
        let result = slow(slow_time);
        done.store(true, Relaxed);
        spinner.thread().unpark(); // wake it now rather than at its next tick
        // join() is Err only if the spinner panicked: a bug, so pass it on.
        let frames = spinner.join().unwrap();
        Ok((result, frames))
    })
}

fn main() -> Result<()> {
    shared::timing::epoch();
    let args = Args::parse();
    let tick = seconds(args.tick).context("bad --tick")?;
    let slow_time = seconds(args.slow_secs).context("bad --slow-secs")?;
    if tick.is_zero() {
        bail!("--tick must be more than 0 seconds");
    }

    let (result, frames) = supervisor(tick, slow_time)?;
    // The spinner draws its first frame at once, then one per tick, so a job
    // of at least one tick must have seen it move.
    if frames == 0 && slow_time >= tick {
        bail!("the spinner never drew a frame");
    }
    println!("check: the spinner drew {frames} frames while main worked");
    println!("Answer: {result}");
    Ok(())
}
