//! `gather` on smol: three tasks that wait 1, 2 and 3 s, awaited together,
//! take 3 s, not 6 s. The runtime is in plain sight: `smol::block_on` drives
//! an `Executor` on the main thread.
//!
//! Mirrors `asyncio.gather` / `create_task` (see `gather` for the notes'
//! code and why its `get_event_loop()` form is dated). One `--form` each
//! (added here): `futures::join!`, `Executor::spawn` (`create_task`) and
//! `join_all`. smol has no `#[main]` macro and no hidden runtime:
//! `block_on(ex.run(body))` runs the executor's tasks on this thread until
//! `body` is done, which is all `asyncio.run(main())` does.
//!
//! Run: `cargo run -p examples-async --bin gather_smol -- --unit 0.5`
//!
//! You should see, for each form, `task-1..3` all say `start` before any says
//! `done`, then a cost line of about 3 units (not 6) and the `check:` line.
//! One thread runs it all, so the order is the same on every run.

use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::time::Duration;

use anyhow::{Result, ensure};
use clap::{Parser, ValueEnum};
use futures::future::join_all;
use shared::event;
use shared::timing::{Stopwatch, named};
use shared::workload::secs_arg;
use smol::{Executor, Timer};

#[derive(Parser)]
#[command(allow_negative_numbers = true)] // `-1` is a value to refuse, not a flag
#[command(about = "asyncio.gather on smol: join!, Executor::spawn, join_all")]
struct Args {
    /// Which way to await the three tasks together (all three by default).
    #[arg(long, value_enum)]
    form: Option<Form>,
    /// Seconds in one unit: task-k waits k units (the notes' 1, 2, 3 s).
    #[arg(long, default_value = "1", value_parser = secs_arg)]
    unit: Duration,
}

#[derive(Clone, Copy, ValueEnum)]
enum Form {
    Join,
    Spawn,
    JoinAll,
}

/// Tasks started so far: a task that ends reads it, to prove they overlapped.
static STARTED: AtomicUsize = AtomicUsize::new(0);

/// Start, wait `k` units, done; how many had started by then.
async fn task(k: u32, unit: Duration) -> usize {
    STARTED.fetch_add(1, SeqCst);
    event!("start, waiting {k} unit(s)"); // println! with the time and the task's name (shared/src/timing.rs)
    Timer::after(unit * k).await; // yields to the executor: the others run
    event!("done");
    STARTED.load(SeqCst)
}

async fn gather(ex: &Executor<'_>, form: Form, unit: Duration) -> Vec<usize> {
    STARTED.store(0, SeqCst);
    let t = |k: u32| named(format!("task-{k}"), task(k, unit)); // the task's row name
    match form {
        Form::Join => {
            let (a, b, c) = futures::join!(t(1), t(2), t(3));
            vec![a, b, c]
        }
        Form::Spawn => {
            // A smol Task is cancelled if dropped, so keep each and await it.
            let tasks: Vec<_> = (1..=3).map(|k| ex.spawn(t(k))).collect();
            join_all(tasks).await
        }
        Form::JoinAll => join_all((1..=3).map(t)).await,
    }
}

fn main() -> Result<()> {
    let _run = shared::init()?; // quiet backtraces, the clock, spans if asked (shared/src/lib.rs)
    let args = Args::parse();
    let forms = args
        .form
        .map_or(vec![Form::Join, Form::Spawn, Form::JoinAll], |f| vec![f]);
    let ex = Executor::new();
    // asyncio.run(main()): block this thread on the executor until the body ends.
    smol::block_on(ex.run(async {
        for form in forms {
            let label = match form {
                Form::Join => "futures::join!",
                Form::Spawn => "Executor::spawn",
                Form::JoinAll => "join_all",
            };
            event!("{label}: three tasks of 1, 2 and 3 units");
            let sw = Stopwatch::start();
            let seen = gather(&ex, form, args.unit).await;
            sw.report(label); // `label, cost = X seconds`
            ensure!(
                seen.iter().all(|&n| n == 3),
                "a task ended before all 3 had started"
            );
            println!("check: {label}: all 3 tasks started before the first ended");
        }
        Ok(())
    }))
}
