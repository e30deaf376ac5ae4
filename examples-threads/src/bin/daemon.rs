//! Every Rust thread is a Python "daemon" thread: when `main` returns, the
//! process exits and the threads still running die with it. Joining them is
//! how you get Python's default (non-daemon) behaviour.
//!
//! Mirrors the threading note's `threading.Thread(target=worker, daemon=True)`:
//! a worker that would run 10 s, and a main thread that ends first. Python
//! waits at exit for non-daemon threads and kills daemon ones; Rust never
//! waits for you: returning from `main` ends the process (as `std::process::exit`
//! would). Like Python's daemon threads, the killed thread gets no chance to
//! clean up: its destructors never run, so don't leave it holding a half-written
//! file.
//!
//! Run it:
//!
//! ```text
//! cargo run -p examples-threads --bin daemon
//! cargo run -p examples-threads --bin daemon -- --join --worker-secs 3
//! ```
//!
//! Without `--join`: a step or two from `worker`, then `main` says it returns,
//! and the program exits after about 1 s: `worker finished` never appears.
//! With `--join`: `main` waits, all 10 steps and `worker finished` appear, then
//! `worker joined`.

use std::thread;

use anyhow::{Context, Result};
use clap::Parser;
use shared::event;
use shared::workload::seconds;

/// A long worker and a main thread that does not wait for it (unless --join).
#[derive(Parser)]
struct Args {
    /// How long the worker would run, in seconds (10 steps).
    #[arg(long, default_value_t = 10.0)]
    worker_secs: f64,
    /// How long main keeps busy before it returns, in seconds.
    #[arg(long, default_value_t = 1.0)]
    main_secs: f64,
    /// Join the worker before returning: Python's default (daemon=False).
    #[arg(long)]
    join: bool,
}

const STEPS: u32 = 10;

fn main() -> Result<()> {
    shared::timing::epoch();
    let args = Args::parse();
    let step = seconds(args.worker_secs).context("bad --worker-secs")? / STEPS;
    let main_time = seconds(args.main_secs).context("bad --main-secs")?;

    event!("starting a worker that runs {:?} s", args.worker_secs);
    let worker = thread::Builder::new()
        .name("worker".into())
        .spawn(move || {
            for i in 1..=STEPS {
                event!("step {i}/{STEPS}");
                thread::sleep(step);
            }
            event!("worker finished");
        })
        .context("cannot spawn the worker")?;

    thread::sleep(main_time);
    if args.join {
        event!("joining the worker (Python's default: non-daemon threads are waited for)");
        // join() is Err only if the worker panicked: a bug, so pass it on.
        worker.join().unwrap();
        event!("worker joined; main returns");
    } else {
        // Dropping a JoinHandle detaches the thread: nobody will wait for it.
        drop(worker);
        event!("main returns without joining: the worker dies with the process (daemon=True)");
    }
    Ok(())
}
