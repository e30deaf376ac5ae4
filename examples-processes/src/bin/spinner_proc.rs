//! The spinner in a child process: main runs the slow job, then tells the
//! spinner process to stop through a pipe and waits for it to exit.
//!
//! Fluent Python's spinner, which note 004 links (线程版本 spinner_thread.py,
//! "thread version"; see `examples-threads`' `spinner_thread`: `spin(msg,
//! done)`, a slow function returning 42, `Answer: 42`), moved into a second
//! process, as multiprocessing allows with the same code:
//! `multiprocessing.Process(target=spin, args=('thinking!', done))` and a
//! `multiprocessing.Event` for `done` (the Python twin). Processes share no
//! memory, so `done` cannot be an `AtomicBool`: the parent writes one JSON
//! line, `"Stop"`, to the child's stdin, and a thread in the child turns that
//! line (or the end of the pipe, should the parent die) into a channel
//! message. The spinner waits for it with `recv_timeout(tick)`: the wait is
//! its tick, and the message ends it at once (Python's `done.wait(.1)`).
//!
//! The spinner is this binary run again with `--role spinner` (chosen first
//! thing in `main`, the analogue of the `if __name__ == "__main__"` guard).
//! Frames are printed as event lines, not redrawn with `\r`; the spinner runs
//! on main's clock (`self_command` passes it on), so the lines interleave in
//! time order.
//!
//! Run it:
//!
//! ```text
//! cargo run -p examples-processes --bin spinner_proc
//! cargo run -p examples-processes --bin spinner_proc -- --slow-secs 1 --tick 0.2
//! ```
//!
//! You should see main's `slow job started`, about 30 `spinner` frames from
//! the child while it runs, `slow job done`, `spinner stopped after N frames`,
//! the child's exit status, then `Answer: 42`.

use std::io::BufReader;
use std::process::Stdio;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::{Parser, ValueEnum};
use examples_processes::child::{KillOnDrop, recv, self_command, send};
use examples_processes::{positive_secs, secs};
use serde::{Deserialize, Serialize};
use shared::event_as;

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
    role: Option<Role>,
}

#[derive(Clone, Copy, ValueEnum)]
enum Role {
    Spinner,
}

/// What the parent sends down the pipe: one JSON line.
#[derive(Serialize, Deserialize)]
enum Control {
    Stop,
}

/// Fluent Python's `spin(msg, done)`, in the child: a frame per tick until the
/// parent says stop (or its end of the pipe closes).
fn spin(msg: &str, tick: Duration) -> Result<()> {
    event_as!("spinner", "running in pid {}", std::process::id());
    let (done_tx, done) = mpsc::channel::<()>();
    thread::spawn(move || {
        let mut stdin = BufReader::new(std::io::stdin());
        // Stop, the end of the pipe and a bad line all mean: stop.
        let _ = recv::<Control>(&mut stdin);
        let _ = done_tx.send(());
    });
    let mut frames = 0;
    for ch in ['\\', '|', '/', '-'].iter().cycle() {
        frames += 1;
        event_as!("spinner", "{ch} {msg}");
        match done.recv_timeout(tick) {
            Err(mpsc::RecvTimeoutError::Timeout) => continue,
            Ok(()) | Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
    }
    event_as!("spinner", "spinner stopped after {frames} frames");
    Ok(())
}

/// Fluent Python's slow function: pretend to wait for I/O, then answer.
fn slow(d: Duration) -> u64 {
    event_as!("main", "slow job started");
    thread::sleep(d);
    event_as!("main", "slow job done");
    42
}

fn main() -> Result<()> {
    shared::quiet_backtraces();
    shared::timing::epoch();
    let args = Args::parse();
    if let Some(Role::Spinner) = args.role {
        return spin("thinking!", args.tick);
    }

    // Fluent Python's `supervisor()`: spinner in a process, slow job right here.
    let mut spinner = KillOnDrop(
        self_command("spinner")?
            .args(["--tick", &args.tick.as_secs_f64().to_string()])
            .stdin(Stdio::piped())
            .spawn()
            .context("cannot start the spinner")?,
    );
    event_as!("main", "started the spinner process: pid {}", spinner.id());
    let result = slow(args.slow_secs);
    let mut pipe = spinner.stdin.take().context("no pipe to the spinner")?;
    send(&mut pipe, &Control::Stop)?; // done.set()
    drop(pipe);
    let status = spinner.wait().context("cannot wait for the spinner")?;
    if !status.success() {
        bail!("the spinner failed: {status}");
    }
    event_as!("main", "spinner exited: {status}");
    println!("Answer: {result}");
    Ok(())
}
