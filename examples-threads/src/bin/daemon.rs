//! Every Rust thread is a Python "daemon" thread: when `main` returns, the
//! process exits and the threads still running die with it. Joining them is
//! how you get Python's default (non-daemon) behaviour.
//!
//! The note (notes/002_bdfb11ea434acb50.txt), word for word:
//! 執行緒預設要完全執行完畢才會結束，若希望執行緒隨著 main 執行緒結束而結束 (無論該執行緒是否執行完畢)，可透過設定 daemon 達成。
//! ("By default a thread runs all the way to its end before it ends; if you
//! want threads to end when the main thread ends (finished or not), set
//! daemon.") and its code:
//!
//! ```text
//! thread = Thread(target=xxx)
//! thread.setDaemon(True)
//! thread.start()
//! ```
//!
//! The code is dated: `setDaemon()` is deprecated since Python 3.10 (it warns);
//! write `Thread(target=xxx, daemon=True)`, as the twin does. The 10 s worker
//! and the flags are added here.
//!
//! Run: `cargo run -p examples-threads --bin daemon [-- --join --worker-secs 3]`
//!
//! Without `--join`: a step or two from `worker`, then `main` says it returns,
//! and the program exits after about 1 s: `worker finished` never appears.
//! With `--join`: `main` waits, all 10 steps and `worker finished` appear, then
//! `worker joined`.

use std::{thread, time::Duration};

use anyhow::Result;
use clap::Parser;
use shared::{event, workload::secs_arg};

/// Rust threads die when main returns, as Python's daemon threads do
#[derive(Parser)]
struct Args {
    /// How long the worker would run, in seconds (10 steps; 0 to 3600).
    #[arg(long, default_value = "10", value_parser = secs_arg)]
    worker_secs: Duration,
    /// How long main keeps busy before it returns, in seconds (0 to 3600).
    #[arg(long, default_value = "1", value_parser = secs_arg)]
    main_secs: Duration,
    /// Join the worker before returning: Python's default (daemon=False).
    #[arg(long)]
    join: bool,
}

const STEPS: u32 = 10;

fn main() -> Result<()> {
    let _run = shared::init()?; // one-line errors and the clock of `event!` (shared/src/lib.rs)
    let args = Args::parse();
    let step = args.worker_secs / STEPS;
    let main_time = args.main_secs;

    let secs = args.worker_secs.as_secs_f64();
    // `event!` = println with the time and the thread's name (shared/src/timing.rs)
    event!("starting a worker that runs {secs} s");
    // thread = Thread(target=xxx); thread.setDaemon(True); thread.start(): Rust
    // has no setDaemon, because every thread already dies with the process.
    let worker = thread::Builder::new().name("worker".into());
    let worker = worker.spawn(move || {
        for i in 1..=STEPS {
            event!("step {i}/{STEPS}");
            thread::sleep(step);
        }
        event!("worker finished");
    })?;

    thread::sleep(main_time);
    if args.join {
        event!("joining the worker (Python's default: non-daemon threads are waited for)");
        // join() is Err only if the worker panicked: a bug, so pass it on.
        worker.join().unwrap();
        event!("worker joined; main returns");
    } else {
        // Dropping a JoinHandle detaches the thread: nobody will wait for it.
        // Returning from main ends the process (as std::process::exit would):
        // the worker dies mid-sleep, its destructors never run (don't leave it
        // holding a half-written file), as a Python daemon thread would.
        drop(worker);
        event!("main returns without joining: the worker dies with the process (daemon=True)");
    }
    Ok(())
}
