//! `gather` on async-std: three tasks that wait 1, 2 and 3 s, awaited
//! together, take 3 s, not 6 s.
//!
//! **async-std is discontinued**: its maintainers stopped it in 2025 and point
//! its users to smol (see `gather_smol`). It still builds and runs, and much
//! code in the wild uses it, so it is shown here to be read and compared; start
//! new code on tokio or smol.
//!
//! Mirrors `asyncio.gather` / `create_task` (see `gather` for the notes'
//! code). One `--form` each (added here): `futures::join!`,
//! `async_std::task::spawn` on async-std's global thread pool
//! (`create_task`), and `join_all`. `task::block_on(body)` is
//! `asyncio.run(main())`; `#[async_std::main]` expands to exactly that.
//!
//! Run: `cargo run -p examples-async --bin gather_async_std -- --unit 0.5`
//!
//! You should see, for each form, `task-1..3` all say `start` before any says
//! `done` (under `spawn` the starts may come in any order: the tasks run on a
//! thread pool), then a cost line of about 3 units (not 6) and the `check:` line.

use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::time::Duration;

use anyhow::{Result, ensure};
use async_std::task;
use clap::{Parser, ValueEnum};
use futures::future::join_all;
use shared::event;
use shared::timing::{Stopwatch, named};
use shared::workload::secs_arg;

#[derive(Parser)]
#[command(allow_negative_numbers = true)] // `-1` is a value to refuse, not a flag
#[command(about = "asyncio.gather on async-std (discontinued): join!, spawn, join_all")]
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
async fn work(k: u32, unit: Duration) -> usize {
    STARTED.fetch_add(1, SeqCst);
    event!("start, waiting {k} unit(s)"); // println! with the time and the task's name (shared/src/timing.rs)
    task::sleep(unit * k).await; // yields to the runtime: the others run
    event!("done");
    STARTED.load(SeqCst)
}

async fn gather(form: Form, unit: Duration) -> Vec<usize> {
    STARTED.store(0, SeqCst);
    let t = |k: u32| named(format!("task-{k}"), work(k, unit)); // the task's row name
    match form {
        Form::Join => {
            let (a, b, c) = futures::join!(t(1), t(2), t(3));
            vec![a, b, c]
        }
        // A JoinHandle each; a panic in a task resumes where it is awaited.
        Form::Spawn => join_all((1..=3).map(|k| task::spawn(t(k)))).await,
        Form::JoinAll => join_all((1..=3).map(t)).await,
    }
}

fn main() -> Result<()> {
    let _run = shared::init()?; // quiet backtraces, the clock, spans if asked (shared/src/lib.rs)
    let args = Args::parse();
    let forms = args
        .form
        .map_or(vec![Form::Join, Form::Spawn, Form::JoinAll], |f| vec![f]);
    task::block_on(async {
        for form in forms {
            let label = match form {
                Form::Join => "futures::join!",
                Form::Spawn => "task::spawn",
                Form::JoinAll => "join_all",
            };
            event!("{label}: three tasks of 1, 2 and 3 units");
            let sw = Stopwatch::start();
            let seen = gather(form, args.unit).await;
            sw.report(label); // `label, cost = X seconds`
            ensure!(
                seen.iter().all(|&n| n == 3),
                "a task ended before all 3 had started"
            );
            println!("check: {label}: all 3 tasks started before the first ended");
        }
        Ok(())
    })
}
