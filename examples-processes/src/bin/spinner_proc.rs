//! The spinner in a child process: main runs the slow job, then tells the
//! spinner process to stop through a pipe and waits for it to exit.
//!
//! The threading note's spinner (see `examples-threads`' `spinner_thread`:
//! `spin(msg, done)`, `slow()` returning 42, `Answer: 42`) moved into a second
//! process, as multiprocessing lets you do with the same code
//! (`multiprocessing.Process(target=spin, args=('thinking!', done))` with a
//! `multiprocessing.Event` for `done`). Processes share no memory, so the
//! `done` flag cannot be an `AtomicBool`: the parent writes one JSON line,
//! `"Stop"`, to the child's stdin, and a thread in the child turns that line
//! (or the end of the pipe, should the parent die) into a channel message.
//! The spinner waits for that message with `recv_timeout(tick)`: the wait is
//! its tick, and the message ends it at once (Python's `done.wait(.1)`).
//!
//! The spinner is this binary run again with `--role spinner` (chosen first
//! thing in `main`, the analogue of the `if __name__ == "__main__"` guard).
//! Frames are printed as event lines, not redrawn with `\r`; each process's
//! clock starts when that process starts.
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
use serde::{Deserialize, Serialize};
use shared::event_as;
use shared::workload::seconds;

/// A spinner process beside a slow job in main.
#[derive(Parser)]
struct Args {
    /// Seconds between spinner frames.
    #[arg(long, default_value_t = 0.1)]
    tick: f64,
    /// How long the slow job takes, in seconds.
    #[arg(long, default_value_t = 3.0)]
    slow_secs: f64,
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

/// The note's `spin(msg, done)`, in the child: a frame per tick until the
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

/// The note's `slow()`: pretend to wait for I/O, then answer.
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
    let tick = seconds(args.tick).context("bad --tick")?;
    let slow_time = seconds(args.slow_secs).context("bad --slow-secs")?;
    if tick.is_zero() {
        bail!("--tick must be more than 0 seconds");
    }
    if let Some(Role::Spinner) = args.role {
        return spin("thinking!", tick);
    }

    // The note's `supervisor()`: spinner in a process, slow job right here.
    let mut spinner = KillOnDrop(
        self_command("spinner")?
            .args(["--tick", &args.tick.to_string()])
            .stdin(Stdio::piped())
            .spawn()
            .context("cannot start the spinner")?,
    );
    event_as!("main", "started the spinner process: pid {}", spinner.id());
    let result = slow(slow_time);
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
