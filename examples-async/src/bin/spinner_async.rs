//! A spinner task beside a slow job on one thread, then cancelled: the
//! spinner keeps moving because the slow job *awaits* instead of blocking.
//!
//! Mirrors Fluent Python's `spinner_asyncio.py`, which the notes (004) link as
//! 「协程版本」 ("the coroutine version") of `spinner_thread`: `spin(msg)` cycles
//! `\|/-` with `await asyncio.sleep(.1)` until cancelled; `slow()` awaits 3 s
//! and returns 42; `supervisor()` starts the spinner with
//! `asyncio.create_task`, awaits `slow()`, calls `spinner.cancel()`; `main`
//! prints `Answer: 42`. Two ways to cancel in Rust (`--cancel`, added here):
//! `abort` (`tokio::spawn` is `create_task`, `JoinHandle::abort()` is
//! `cancel()`) and `select` (`tokio::select!` races the two and drops the loser).
//!
//! On a terminal each frame redraws one line in place; into a pipe or a file
//! each frame is an event line instead.
//!
//! Run: `cargo run -p examples-async --bin spinner_async` (or `-- --cancel select`)
//!
//! You should see `spinner object: JoinHandle { .. }` (abort), a spinner
//! turning (~30 frame lines in a pipe) while `slow job started` ..
//! `slow job done`, `spinner cancelled after N frames`, the `check:` line,
//! then `Answer: 42`.

use std::io::{IsTerminal, Write};
use std::time::Duration;

use anyhow::{Result, ensure};
use clap::Parser;
use shared::event;
use shared::timing::named;
use shared::workload::positive_secs_arg;

#[derive(Parser)]
#[command(allow_negative_numbers = true)] // `-1` is a value to refuse, not a flag
#[command(about = "spinner_asyncio: a spinner task, cancelled by abort or select!")]
struct Args {
    /// How to cancel the spinner: abort its task, or drop it from a select!.
    #[arg(long, default_value = "abort", value_parser = ["abort", "select"])]
    cancel: String,
    /// Seconds between frames.
    // positive_secs_arg: seconds, more than 0, at most 3600 (shared/src/workload.rs)
    #[arg(long, default_value = "0.1", value_parser = positive_secs_arg)]
    tick: Duration,
    /// Seconds the slow job takes.
    #[arg(long, default_value = "3", value_parser = positive_secs_arg)]
    slow_secs: Duration,
}

/// Frames drawn. Cancelling a future *drops* it at its current `.await`: there
/// is no `CancelledError` to catch, so the cleanup (Python's `except
/// CancelledError: break`) goes in `Drop`.
struct Frames(usize);

impl Drop for Frames {
    fn drop(&mut self) {
        // A drop runs outside any poll, where `named` gives no name: say who speaks.
        shared::event_as!("spinner", "spinner cancelled after {} frames", self.0);
    }
}

/// `spin(msg)`: one frame per tick, forever: only cancelling ends it.
async fn spin(msg: &str, tick: Duration) {
    let tty = std::io::stdout().is_terminal();
    let mut frames = Frames(0);
    for ch in ['\\', '|', '/', '-'].iter().cycle() {
        frames.0 += 1;
        if tty {
            // Back to the line's start after the frame: the next frame, or the
            // next event line (longer), overwrites it rather than follows it.
            print!("\r{ch} {msg}\r");
            let _ = std::io::stdout().flush(); // no newline, so flush by hand
        } else {
            // println! with the time and the task's name (shared/src/timing.rs)
            event!("{ch} {msg}");
        }
        tokio::time::sleep(tick).await; // cancelling drops us here
    }
}

/// `slow()`: pretend to wait for I/O, then answer.
async fn slow(d: Duration) -> u64 {
    event!("slow job started");
    tokio::time::sleep(d).await;
    event!("slow job done");
    42
}

async fn supervisor(args: &Args) -> Result<u64> {
    let spinner = named("spinner", spin("thinking!", args.tick));
    if args.cancel == "select" {
        // Race the two; the loser (the spinner) is dropped, with no task at all.
        return Ok(tokio::select! {
            result = slow(args.slow_secs) => result,
            () = spinner => unreachable!("spin never returns"),
        });
    }
    let spinner = tokio::spawn(spinner); // create_task
    event!("spinner object: {spinner:?}");
    let result = slow(args.slow_secs).await;
    spinner.abort(); // spinner.cancel()
    // Awaiting an aborted task gives a JoinError that is_cancelled (spin never returns).
    ensure!(spinner.await.is_err_and(|e| e.is_cancelled()), "the spinner was not cancelled");
    Ok(result)
}

#[tokio::main(flavor = "current_thread")] // asyncio.run(supervisor()): one thread
async fn main() -> Result<()> {
    let _run = shared::init()?; // quiet backtraces, the clock, spans if asked (shared/src/lib.rs)
    let result = supervisor(&Args::parse()).await?;
    println!("check: the spinner was cancelled once the slow job answered");
    println!("Answer: {result}");
    Ok(())
}
