//! Two named threads run at the same time: `sing` and `dance` interleave.
//!
//! Mirrors the threading note's first example, which starts two threads with
//! `threading.Thread(target=sing, args=(3,), kwargs={"interval": 0.5}, name="sing")`
//! and the same for `dance`, then `start()`s and `join()`s both.
//! In Rust a `move` closure replaces `target`, `args` and `kwargs` (it captures
//! what the function needs), and `thread::Builder::name` is Python's `name=`.
//!
//! Run it:
//!
//! ```text
//! cargo run -p examples-threads --bin sing_dance
//! cargo run -p examples-threads --bin sing_dance -- --iterations 5 --interval 0.2
//! ```
//!
//! You should see `sing` and `dance` lines in rounds: both threads speak once
//! per round, every `--interval` seconds; which of the two speaks first within
//! a round varies between runs. Then `sing and dance, cost = 1.5xx seconds`:
//! about iterations x interval (1.5 s), not twice that (3 s), because the two
//! threads sleep at the same time.

use std::thread;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::Parser;
use shared::event;
use shared::timing::Stopwatch;
use shared::workload::seconds;

/// Two threads, `sing` and `dance`, running side by side.
#[derive(Parser)]
struct Args {
    /// How many times each thread sings or dances.
    #[arg(long, default_value_t = 3)]
    iterations: u32,
    /// Seconds each thread sleeps after each iteration.
    #[arg(long, default_value_t = 0.5)]
    interval: f64,
}

/// The note's `sing(n, interval)`: the thread's name comes from the builder,
/// so the event line says who is speaking.
fn sing(n: u32, interval: Duration) {
    for i in 1..=n {
        event!("singing {i}/{n}");
        thread::sleep(interval);
    }
}

/// The note's `dance(n, interval)`.
fn dance(n: u32, interval: Duration) {
    for i in 1..=n {
        event!("dancing {i}/{n}");
        thread::sleep(interval);
    }
}

fn main() -> Result<()> {
    shared::timing::epoch();
    let args = Args::parse();
    let interval = seconds(args.interval).context("bad --interval")?;
    let n = args.iterations;

    let sw = Stopwatch::start();
    event!("starting two threads");
    // Python: Thread(target=sing, args=(n,), kwargs={"interval": interval}, name="sing")
    let singer = thread::Builder::new()
        .name("sing".into())
        .spawn(move || sing(n, interval))
        .context("cannot spawn the sing thread")?;
    let dancer = thread::Builder::new()
        .name("dance".into())
        .spawn(move || dance(n, interval))
        .context("cannot spawn the dance thread")?;

    // join() is Err only if the thread panicked; unwrap() passes that panic
    // on, since a panicking worker is a bug here, not bad input.
    singer.join().unwrap();
    dancer.join().unwrap();
    event!("both threads joined");
    // ~ n x interval: the two sleeps overlap instead of adding up.
    sw.report("sing and dance");
    Ok(())
}
