//! The spinner in a child process: main runs the slow job, then tells the
//! spinner process to stop through a pipe and waits for it to exit.
//!
//! Fluent Python's spinner, which note 004 links (线程版本 spinner_thread.py,
//! "thread version"; see `spinner_thread` in examples-threads), moved into a
//! second process: `multiprocessing.Process(target=spin, args=('thinking!',
//! done))` with a `multiprocessing.Event` for `done` (the Python twin).
//! Processes share no memory, so `done` cannot be an `AtomicBool`: the parent
//! closes the child's stdin (or dies), and a thread in the child turns the
//! pipe's end into a channel message. The spinner waits
//! for it with `recv_timeout(tick)`: the wait is its tick, and the message
//! ends it at once (Python's `done.wait(.1)`). Frames are printed as event
//! lines, not redrawn with `\r`, on main's clock, so the lines interleave in
//! time order.
//!
//! ```text
//! cargo run -p examples-processes --bin spinner_proc
//! cargo run -p examples-processes --bin spinner_proc -- --slow-secs 1 --tick 0.2
//! ```
//!
//! You should see main's `slow job started`, about 30 `spinner` frames from
//! the child while it runs, `slow job done`, `spinner stopped after N frames`,
//! the child's exit status, then `Answer: 42`.

use std::process::Stdio;
use std::sync::mpsc::RecvTimeoutError;
use std::thread;
use std::time::Duration;

use anyhow::{Context, Result, ensure};
use clap::Parser;
use examples_processes::child::{KillOnDrop, self_command, stop_signal};
use examples_processes::{positive_secs, secs};
use shared::event_as; // println with the elapsed time and a given name (shared/src/timing.rs)

/// A spinner process beside a slow job in main.
#[derive(Parser)]
#[command(allow_negative_numbers = true)] // `-1` is a value to refuse, not a flag
struct Args {
    /// Seconds between spinner frames (more than 0, at most 3600).
    #[arg(long, default_value = "0.1", value_parser = positive_secs)]
    tick: Duration,
    /// How long the slow job takes, in seconds (0 to 3600).
    #[arg(long, default_value = "3", value_parser = secs)]
    slow_secs: Duration,
    /// Set only by the parent for its child.
    #[arg(long, hide = true)]
    role: Option<String>,
}

/// Fluent Python's `spin(msg, done)`, in the child: a frame per tick until
/// the parent says stop.
fn spin(msg: &str, tick: Duration) {
    event_as!("spinner", "running in pid {}", std::process::id());
    let done = stop_signal(); // a message once the parent closes our stdin (src/child.rs)
    for (frames, ch) in (1..).zip(['\\', '|', '/', '-'].iter().cycle()) {
        event_as!("spinner", "{ch} {msg}");
        if done.recv_timeout(tick) != Err(RecvTimeoutError::Timeout) {
            event_as!("spinner", "spinner stopped after {frames} frames");
            return; // done.wait(tick) returned True
        }
    }
}

/// Fluent Python's slow function: pretend to wait for I/O, then answer.
fn slow(d: Duration) -> u64 {
    event_as!("main", "slow job started");
    thread::sleep(d);
    event_as!("main", "slow job done");
    42
}

fn main() -> Result<()> {
    let _run = shared::init()?; // quiet errors, one clock for parent and child (shared/src/lib.rs)
    let args = Args::parse();
    // The `if __name__ == "__main__":` guard: the child plays the spinner.
    if args.role.is_some() {
        spin("thinking!", args.tick);
        return Ok(());
    }
    // Fluent Python's `supervisor()`: spinner in a process, slow job right here.
    let mut cmd = self_command("spinner")?;
    cmd.args(["--tick", &args.tick.as_secs_f64().to_string()]).stdin(Stdio::piped()); // the pipe is `done`
    let mut spinner = KillOnDrop(cmd.spawn().context("cannot start the spinner")?);
    event_as!("main", "started the spinner process: pid {}", spinner.id());
    let result = slow(args.slow_secs);
    // done.set(), then spinner.join(): `wait` closes the child's stdin (the
    // spinner sees its pipe end) before it waits for the exit.
    let status = spinner.wait().context("cannot wait for the spinner")?;
    ensure!(status.success(), "the spinner failed: {status}");
    event_as!("main", "spinner exited: {status}");
    println!("Answer: {result}");
    Ok(())
}
