//! A spinner task beside a slow job on one thread, then cancelled: the
//! spinner keeps moving because the slow job *awaits* instead of blocking.
//!
//! Mirrors Fluent Python's `spinner_asyncio.py`, which the notes (004) link as
//! 「协程版本」 ("the coroutine version") of `spinner_thread`: `spin(msg)` cycles
//! `\|/-` with `await asyncio.sleep(.1)` until cancelled; `slow()` awaits 3 s
//! and returns 42; `supervisor()` starts the spinner with
//! `asyncio.create_task`, awaits `slow()`, calls `spinner.cancel()`; `main`
//! prints `Answer: 42`.
//!
//! Two ways to cancel in Rust (`--cancel`, added here):
//! - `abort`: `tokio::spawn` is `create_task`, `JoinHandle::abort()` is
//!   `cancel()`; awaiting the handle then gives a `JoinError` that
//!   `is_cancelled()`.
//! - `select`: `tokio::select!` races `slow()` against `spin()` and drops the
//!   loser, with no task at all.
//!
//! Either way cancelling a future *drops* it at its current `.await`: there is
//! no `CancelledError` to catch. Cleanup goes in `Drop`: the `Frames` guard
//! below clears the line and reports, as Python's `except CancelledError:
//! break` does. On a terminal each frame redraws one line in place with `\r`;
//! when stdout is not a terminal (a pipe, a test) each frame is an event line.
//!
//! Run: `cargo run -p examples-async --bin spinner_async` (or `-- --cancel select`)
//!
//! You should see `spinner object: JoinHandle { .. }` (abort), ~30 frames
//! while `slow job started` .. `slow job done`, `spinner cancelled after N
//! frames`, the `check:` line, then `Answer: 42`.

use std::io::{IsTerminal, Write};
use std::time::Duration;

use anyhow::{Result, ensure};
use clap::{Parser, ValueEnum};
use shared::workload::positive_secs_arg;
use shared::{event, event_as};

#[derive(Parser)]
#[command(allow_negative_numbers = true)] // `-1` is a value to refuse, not a flag
#[command(about = "spinner_asyncio: a spinner task, cancelled by abort or select!")]
struct Args {
    #[arg(long, value_enum, default_value_t = Cancel::Abort)]
    cancel: Cancel,
    /// Seconds between frames.
    #[arg(long, default_value = "0.1", value_parser = positive_secs_arg)]
    tick: Duration,
    /// Seconds the slow job takes.
    #[arg(long, default_value = "3", value_parser = positive_secs_arg)]
    slow_secs: Duration,
}

#[derive(Clone, Copy, ValueEnum)]
enum Cancel {
    Abort,
    Select,
}

/// Frames drawn; its `Drop` runs when the spinner is cancelled (dropped).
struct Frames {
    n: usize,
    tty: bool,
}

impl Drop for Frames {
    fn drop(&mut self) {
        if self.tty {
            print!("\r{}\r", " ".repeat(20)); // clear the spinner's line
        }
        event_as!("spinner", "spinner cancelled after {} frames", self.n);
    }
}

/// `spin(msg)`: one frame per tick, forever: only cancelling ends it.
async fn spin(msg: &str, tick: Duration) {
    let mut frames = Frames {
        n: 0,
        tty: std::io::stdout().is_terminal(),
    };
    for ch in ['\\', '|', '/', '-'].iter().cycle() {
        frames.n += 1;
        if frames.tty {
            print!("\r{ch} {msg}");
            let _ = std::io::stdout().flush(); // a failed redraw is not worth stopping for
        } else {
            event_as!("spinner", "{ch} {msg}");
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
    match args.cancel {
        Cancel::Abort => {
            let spinner = tokio::spawn(spin("thinking!", args.tick)); // create_task
            event!("spinner object: {spinner:?}");
            let result = slow(args.slow_secs).await;
            spinner.abort(); // spinner.cancel()
            let err = spinner.await.expect_err("spin never returns by itself");
            ensure!(err.is_cancelled(), "the spinner failed: {err}");
            Ok(result)
        }
        Cancel::Select => Ok(tokio::select! {
            result = slow(args.slow_secs) => result,
            () = spin("thinking!", args.tick) => unreachable!("spin never returns"),
        }),
    }
}

fn main() -> Result<()> {
    shared::quiet_backtraces();
    shared::timing::epoch();
    let args = Args::parse();
    // asyncio.run(supervisor()) on one thread:
    // #[tokio::main(flavor = "current_thread")].
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let result = rt.block_on(supervisor(&args))?;
    println!("check: the spinner was cancelled once the slow job answered");
    println!("Answer: {result}");
    Ok(())
}
