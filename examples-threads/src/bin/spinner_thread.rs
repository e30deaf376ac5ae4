//! A spinner on its own thread while the main thread does a slow job: the
//! spinner keeps moving because the slow job does not hold it up.
//!
//! The notes (notes/004_204d9a897d7f9bf9.txt) only link the program:
//! fluent python 中一个线程和协程对比的例子 ("Fluent Python's example comparing
//! a thread and a coroutine"), 线程版本 spinner_thread.py ("thread version").
//! That program: `spin(msg, signal)` runs in a `Thread` and cycles `|/-\`
//! every 0.1 s, each frame printed with `end='\r'` so the next overwrites it,
//! until `signal.go` is `False`; `slow_function()` sleeps 3 s and returns 42;
//! `supervisor()` starts the spinner, calls `slow_function()` itself, clears
//! the flag, joins the spinner, and `main` prints `Answer: 42`.
//!
//! Here the flag is an `AtomicBool` the spinner borrows (no `Arc`: the
//! scope joins the spinner before the flag goes), and the spinner sleeps with
//! `park_timeout`, so `unpark()` stops it at once (Fluent Python's second
//! edition does the same with `done.wait(.1)`; added here). Into a pipe (`|
//! cat`, the tests) each frame is an event line instead (added here).
//!
//! Run: `cargo run -p examples-threads --bin spinner_thread [-- --slow-secs 1 --tick 0.2]`
//!
//! You should see main's `slow job started`, a spinner turning for 3 s (about
//! 30 `spinner` lines in a pipe), `slow job done`, `spinner stopped after N
//! frames`, `check: the spinner drew N frames while main worked`, `Answer: 42`.

use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::{io::IsTerminal, io::Write, thread, time::Duration};

use anyhow::ensure;
use clap::Parser;
use shared::{event, workload::positive_secs_arg, workload::secs_arg};

/// A spinner thread beside a slow job on main (Fluent Python's spinner_thread)
#[derive(Parser)]
struct Args {
    /// Seconds between spinner frames (more than 0, at most 3600).
    #[arg(long, default_value = "0.1", value_parser = positive_secs_arg)]
    tick: Duration,
    /// How long the slow job takes, in seconds (0 to 3600).
    #[arg(long, default_value = "3", value_parser = secs_arg)]
    slow_secs: Duration,
}

/// `spin(msg, signal)`: one frame per tick until `done`; returns how many it drew.
fn spin(msg: &str, done: &AtomicBool, tick: Duration) -> usize {
    let tty = std::io::stdout().is_terminal();
    let mut frames = 0;
    for ch in ['|', '/', '-', '\\'].into_iter().cycle().take_while(|_| !done.load(Relaxed)) {
        frames += 1;
        if tty {
            // Ends back at the line's start: the next frame (or main's next line,
            // which is longer) overwrites it.
            print!("\r{ch} {msg}\r");
            std::io::stdout().flush().ok(); // no newline, so flush by hand
        } else {
            event!("{ch} {msg}"); // println with the time and thread name (shared/src/timing.rs)
        }
        thread::park_timeout(tick); // a tick, unless unpark()ed first (or woken early: harmless)
    }
    if tty {
        print!("\r{}\r", " ".repeat(msg.len() + 2)); // clear the line before anyone prints on it
    }
    event!("spinner stopped after {frames} frames");
    frames
}

/// `slow_function()`: pretend to wait for I/O, then answer.
fn slow_function(d: Duration) -> u64 {
    event!("slow job started");
    thread::sleep(d);
    event!("slow job done");
    42
}

fn main() -> anyhow::Result<()> {
    let _run = shared::init()?; // one-line errors and the clock of `event!` (shared/src/lib.rs)
    let args = Args::parse();
    let done = AtomicBool::new(false);
    // supervisor(): the spinner on a thread, the slow job right here.
    let (result, frames) = thread::scope(|s| {
        let spinner = thread::Builder::new().name("spinner".into()); // Thread(target=spin, ...)
        let spinner = spinner.spawn_scoped(s, || spin("thinking!", &done, args.tick))?;
        event!("spinner object: {:?}", spinner.thread());
        let result = slow_function(args.slow_secs);
        done.store(true, Relaxed); // signal.go = False
        spinner.thread().unpark(); // wake it now rather than at its next tick
        anyhow::Ok((result, spinner.join().unwrap())) // unwrap on join(): re-raise a panic
    })?;
    // The first frame is drawn at once: a job of at least a tick must have seen it move.
    ensure!(frames > 0 || args.slow_secs < args.tick, "the spinner never drew a frame");
    println!("check: the spinner drew {frames} frames while main worked");
    println!("Answer: {result}");
    Ok(())
}
