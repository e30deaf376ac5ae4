//! Python's "subclass Thread and override run()", the Rust way: a struct that
//! owns its state, a trait that says it has a `run`, and a builder that spawns
//! a named thread calling it.
//!
//! Mirrors the threading note's
//! `class MyThread(threading.Thread): def __init__(self, n): super().__init__(); self.n = n`
//! `def run(self): ...` then `MyThread(3).start()`.
//!
//! Why no inheritance: Rust has no classes to extend, and `std::thread::Thread`
//! is only a handle to a running thread, not a base class with a virtual `run`
//! to override. So we compose instead: the job is a plain struct (`Counter`)
//! that owns its state; the `Runnable` trait stands for "overrides run()";
//! `start` is what `Thread.start()` does for every subclass: spawn a thread,
//! named by the job, that calls `run`. `run(mut self)` takes the struct by
//! value: the thread owns it, so nothing is shared unless you share it on
//! purpose. It counts its iterations in its own field, `done` (Python's
//! `self.done += 1`), and hands the struct back through `join()`; where Python
//! reads `t.done` after `t.join()`, main reads the returned struct's field.
//!
//! Run it:
//!
//! ```text
//! cargo run -p examples-threads --bin thread_subclass
//! cargo run -p examples-threads --bin thread_subclass -- --iterations 5 --interval 0.1
//! ```
//!
//! You should see `counter-1` and `counter-2` each count 1..=3, interleaved
//! (the order within a round varies), then each counter's `done` as it came
//! back through `join()`, and `check: each thread ran 3 iterations`.

use std::thread::{self, JoinHandle};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::Parser;
use shared::event;
use shared::workload::seconds;

/// Two "Thread subclasses" counting side by side.
#[derive(Parser)]
struct Args {
    /// How many iterations each thread's `run` does.
    #[arg(long, default_value_t = 3)]
    iterations: u32,
    /// Seconds between iterations.
    #[arg(long, default_value_t = 0.5)]
    interval: f64,
}

/// What a Thread subclass promises: a name and a `run` body.
trait Runnable: Send + 'static {
    /// What `run` hands back through `join()`.
    type Output: Send + 'static;
    fn name(&self) -> String;
    fn run(self) -> Self::Output;
}

/// `Thread.start()` for any `Runnable`: a named thread that calls `run`.
fn start<R: Runnable>(job: R) -> std::io::Result<JoinHandle<R::Output>> {
    thread::Builder::new()
        .name(job.name())
        .spawn(move || job.run())
}

/// The "subclass": its fields are what `__init__` stored on `self`.
struct Counter {
    id: u32,
    n: u32,
    interval: Duration,
    done: u32, // iterations run so far: the state `run` changes
}

impl Runnable for Counter {
    type Output = Counter; // the job itself, with the state `run` left in it

    fn name(&self) -> String {
        format!("counter-{}", self.id)
    }

    /// The overridden `run()`: counts to `n` in `self.done`, hands itself back.
    fn run(mut self) -> Counter {
        for i in 1..=self.n {
            event!("run: iteration {i}/{}", self.n);
            self.done += 1;
            thread::sleep(self.interval);
        }
        self
    }
}

fn main() -> Result<()> {
    shared::timing::epoch();
    let args = Args::parse();
    let interval = seconds(args.interval).context("bad --interval")?;

    let mut handles = Vec::new();
    for id in 1..=2 {
        let job = Counter {
            id,
            n: args.iterations,
            interval,
            done: 0,
        };
        event!("starting {}", job.name());
        handles.push(start(job).context("cannot spawn a counter thread")?);
    }

    for handle in handles {
        let name = handle.thread().name().unwrap_or("?").to_string();
        // join() is Err only if the thread panicked: a bug, so pass it on.
        let counter = handle.join().unwrap();
        event!("joined {name}: done = {}", counter.done);
        if counter.done != args.iterations {
            let done = counter.done;
            bail!("{name} ran {done} iterations, expected {}", args.iterations);
        }
    }
    println!("check: each thread ran {} iterations", args.iterations);
    Ok(())
}
