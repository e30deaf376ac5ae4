//! Python's "subclass Thread and override run()", the Rust way: a struct that
//! owns its state and has a `run(self)`, spawned on a named thread by
//! `thread::Builder`. That is the whole answer; no trait is needed.
//!
//! The note (notes/002_bdfb11ea434acb50.txt), word for word:
//! 必要時可繼承 threading.Thread，在 \_\_init\_\_() 中呼叫 super().\_\_init\_\_()，並在類別中定義 run() 方法來實作執行緒功能，但不建議，因其會使得流程與 threading.Thread 產生相依性。
//! ("If you must, you can subclass threading.Thread, call super().__init__()
//! in __init__(), and define a run() method in the class to do the thread's
//! work; but this is not recommended, because it makes the flow depend on
//! threading.Thread.") The note gives no code; the `Counter` job, its
//! `done` count and the flags are added here.
//!
//! Rust takes the note's advice by construction: there are no classes to
//! extend, and `std::thread::Thread` is only a handle to a running thread.
//! The struct knows nothing of threads, so the same `run` could be called on
//! the main thread, or given to a pool.
//!
//! Run: `cargo run -p examples-threads --bin thread_subclass [-- --iterations 5 --interval 0.1]`
//!
//! You should see `counter-1` and `counter-2` each count 1..=3, interleaved
//! (the order within a round varies), then each counter's `done` as it came
//! back through `join()`, and `check: each thread ran 3 iterations`.

use std::{thread, time::Duration};

use anyhow::{Result, ensure};
use clap::Parser;
use shared::{event, workload::secs_arg};

/// Subclassing Thread, the Rust way: a struct with a run(self) on a named thread
#[derive(Parser)]
struct Args {
    /// How many iterations each job's `run` does (1 to 1000).
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=1000))]
    iterations: u32,
    /// Seconds between iterations (0 to 3600).
    #[arg(long, default_value = "0.5", value_parser = secs_arg)]
    interval: Duration,
}

/// The job: its fields are what a Thread subclass's `__init__` stores on
/// `self`; `run(mut self)` takes it by value, so the thread owns it and
/// nothing is shared unless you share it on purpose.
struct Counter {
    n: u32,
    interval: Duration,
    done: u32, // iterations run so far: the state `run` changes
}

impl Counter {
    /// The subclass's `run()`: counts to `n` in `self.done`, then hands the
    /// job back, so its final state comes out of `join()`.
    fn run(mut self) -> Counter {
        for i in 1..=self.n {
            // `event!` = println with the time and the thread's name (shared/src/timing.rs)
            event!("run: iteration {i}/{}", self.n);
            self.done += 1;
            thread::sleep(self.interval);
        }
        self
    }
}

fn main() -> Result<()> {
    let _run = shared::init()?; // one-line errors and the clock of `event!` (shared/src/lib.rs)
    let args = Args::parse();

    let mut handles = Vec::new();
    for id in 1..=2 {
        let job = Counter { n: args.iterations, interval: args.interval, done: 0 };
        let name = format!("counter-{id}");
        event!("starting {name}");
        // Thread.start(): a named thread that calls run() on the job it owns.
        handles.push(thread::Builder::new().name(name).spawn(move || job.run())?);
    }

    for handle in handles {
        let name = handle.thread().name().unwrap_or("?").to_string();
        // join() is Err only if the thread panicked: a bug, so pass it on.
        let counter = handle.join().unwrap();
        event!("joined {name}: done = {}", counter.done);
        let (done, want) = (counter.done, args.iterations);
        ensure!(done == want, "{name} ran {done} iterations, expected {want}");
    }
    println!("check: each thread ran {} iterations", args.iterations);
    Ok(())
}
