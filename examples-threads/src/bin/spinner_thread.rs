//! A spinner on its own thread while the main thread does a slow job: the
//! spinner keeps moving because the slow job does not hold it up.
//!
//! The notes (notes/004_204d9a897d7f9bf9.txt) only link the program:
//! fluent python 中一个线程和协程对比的例子 ("Fluent Python's example comparing
//! a thread and a coroutine"), 线程版本 spinner_thread.py ("thread version").
//! That program (Fluent Python's, as the notes link it): `spin(msg, signal)`
//! runs in a `Thread` and cycles `|/-\` every 0.1 s, printing each frame with
//! `end='\r'` so the next one overwrites it, until `signal.go` is `False`;
//! `slow_function()` sleeps 3 s and returns 42; `supervisor()` starts the
//! spinner, calls `slow_function()` itself, clears the flag, joins the
//! spinner, and `main` prints `Answer: 42`.
//!
//! Here the flag is an `AtomicBool` that the spinner borrows (no `Arc`:
//! `thread::scope` joins the spinner before the supervisor returns, so the
//! flag outlives it). After setting it, the supervisor `unpark()`s the
//! spinner, which sleeps with `park_timeout`, so it stops at once instead of
//! finishing its tick (Fluent Python's second edition does the same with
//! `done.wait(.1)` on a `threading.Event`; added here).
//!
//! On a terminal (`std::io::IsTerminal`) the frames redraw one line in place
//! with `\r`, as in the original; into a pipe or a file (tests, `| cat`) each
//! frame is an event line instead, so the output stays readable (added here).
//!
//! Run it:
//!
//! ```text
//! cargo run -p examples-threads --bin spinner_thread
//! cargo run -p examples-threads --bin spinner_thread -- --slow-secs 1 --tick 0.2
//! cargo run -p examples-threads --bin spinner_thread | cat    # one line per frame
//! ```
//!
//! You should see main's `slow job started`, a spinner turning for 3 s (or
//! about 30 `spinner` frame lines in a pipe), `slow job done`,
//! `spinner stopped after N frames`, `check: the spinner drew N frames while
//! main worked`, then `Answer: 42`.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::thread;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::Parser;
use shared::event;
use shared::workload::{positive_secs_arg, secs_arg};

/// A spinner thread beside a slow job on main.
#[derive(Parser)]
#[command(allow_negative_numbers = true)] // `-1` is a value to refuse, not a flag
struct Args {
    /// Seconds between spinner frames (more than 0, at most 3600).
    #[arg(long, default_value = "0.1", value_parser = positive_secs_arg)]
    tick: Duration,
    /// How long the slow job takes, in seconds (0 to 3600).
    #[arg(long, default_value = "3", value_parser = secs_arg)]
    slow_secs: Duration,
}

/// The original's `spin(msg, signal)`: one frame per tick until `done` is
/// set, redrawn in place on a terminal. Returns how many frames it drew.
fn spin(msg: &str, done: &AtomicBool, tick: Duration) -> usize {
    let tty = std::io::stdout().is_terminal();
    let mut frames = 0;
    for ch in ['|', '/', '-', '\\'].iter().cycle() {
        if done.load(Relaxed) {
            break;
        }
        frames += 1;
        if tty {
            // Ends with `\r`, back at the start of the line: the next frame
            // (or main's next event line, which is longer) overwrites it.
            print!("\r{ch} {msg}\r");
            std::io::stdout().flush().ok(); // no newline, so flush by hand
        } else {
            event!("{ch} {msg}"); // `println!` with the time and thread name
        }
        // Sleeps one tick unless unpark()ed first; a spurious early return
        // only draws a frame early, since the flag is checked every time.
        thread::park_timeout(tick);
    }
    if tty {
        print!("\r{}\r", " ".repeat(msg.len() + 2)); // blank the line
    }
    event!("spinner stopped after {frames} frames");
    frames
}

/// The original's `slow_function()`: pretend to wait for I/O, then answer.
fn slow(d: Duration) -> u64 {
    event!("slow job started");
    thread::sleep(d);
    event!("slow job done");
    42
}

/// The original's `supervisor()`: spinner on a thread, slow job right here.
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
    shared::quiet_backtraces();
    shared::timing::epoch();
    let args = Args::parse();

    let (result, frames) = supervisor(args.tick, args.slow_secs)?;
    // The spinner draws its first frame at once, then one per tick, so a job
    // of at least one tick must have seen it move.
    if frames == 0 && args.slow_secs >= args.tick {
        bail!("the spinner never drew a frame");
    }
    println!("check: the spinner drew {frames} frames while main worked");
    println!("Answer: {result}");
    Ok(())
}
