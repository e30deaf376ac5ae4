//! `gather` on async-std: three tasks that wait 1, 2 and 3 s, awaited
//! together, take 3 s, not 6 s.
//!
//! **async-std is discontinued**: its maintainers stopped it in 2025 and point
//! its users to smol (see `gather_smol`). It still builds and runs, and much
//! code in the wild uses it, so it is shown here to be read and compared; start
//! new code on tokio or smol.
//!
//! Mirrors asyncio's `asyncio.gather` / `create_task` (see `gather` for the
//! notes' code and why its `get_event_loop()` form is dated on Python 3.11).
//! One `--form` each (added here):
//! - `join`: `futures::join!(a, b, c)`, results in input order (`gather`).
//! - `spawn`: `async_std::task::spawn(fut)`, one task each on async-std's
//!   global thread pool (`create_task`), each `JoinHandle` awaited.
//! - `join_all`: `futures::future::join_all(vec)` for a run-time count.
//!
//! `task::block_on(body)` is `asyncio.run(main())`; async-std's `#[async_std::main]`
//! (behind its `attributes` feature) expands to exactly that.
//!
//! `--spans FILE` writes each task's wait as a JSON line on rows
//! `task-1`..`task-3`, as `gather --spans` does, so the runtimes' timelines
//! can be drawn side by side (`compare timeline`).
//!
//! Run: `cargo run -p examples-async --bin gather_async_std -- --unit 0.5`
//! (add `--spans /tmp/async-std.jsonl` to draw it).
//!
//! You should see, for each form, `task-1..3` all say `start` before any says
//! `done` (under `spawn` the starts may come in any order: the tasks run on a
//! thread pool), then a cost line of about 3 units (not 6) and the `check:` line.
//! With `--spans`, three spans per form, `task-k`'s about k units long.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::time::Duration;

use anyhow::{Result, ensure};
use async_std::task;
use clap::{Parser, ValueEnum};
use futures::future::join_all;
use shared::spans::{SpanFile, span_as};
use shared::timing::Stopwatch;
use shared::workload::secs_arg;
use shared::{event, event_as};

#[derive(Parser)]
#[command(allow_negative_numbers = true)] // `-1` is a value to refuse, not a flag
#[command(about = "asyncio.gather on async-std (discontinued): join!, spawn, join_all")]
struct Args {
    /// Which way to await the three tasks together.
    #[arg(long, value_enum, default_value_t = Form::All)]
    form: Form,
    /// Seconds in one unit: task-k waits k units (the notes' 1, 2, 3 s).
    #[arg(long, default_value = "1", value_parser = secs_arg)]
    unit: Duration,
    /// Write each task's wait to FILE, as JSON lines (`gather`'s, for side-by-side timelines).
    #[arg(long, value_name = "FILE")]
    spans: Option<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum)]
enum Form {
    Join,
    Spawn,
    JoinAll,
    All,
}

/// Tasks started so far; each task reads it when it ends.
static STARTED: AtomicUsize = AtomicUsize::new(0);

/// Say start, wait `k` units, say done; returns `k` and how many tasks had
/// started by then.
async fn work(k: u64, unit: Duration) -> (u64, usize) {
    let who = format!("task-{k}");
    STARTED.fetch_add(1, SeqCst);
    event_as!(&who, "start, waiting {k} unit(s)");
    let span = span_as(&who, format!("wait {k} unit(s)"));
    task::sleep(unit * k as u32).await; // yields to the runtime: others run
    drop(span);
    let started = STARTED.load(SeqCst);
    event_as!(&who, "done");
    (k, started)
}

async fn gather(form: Form, unit: Duration) -> Vec<(u64, usize)> {
    STARTED.store(0, SeqCst);
    match form {
        Form::Join => {
            let (a, b, c) = futures::join!(work(1, unit), work(2, unit), work(3, unit));
            vec![a, b, c]
        }
        Form::Spawn => {
            let handles: Vec<_> = (1..=3).map(|k| task::spawn(work(k, unit))).collect();
            let mut out = Vec::new();
            for h in handles {
                out.push(h.await); // a panic in the task resumes here
            }
            out
        }
        Form::JoinAll => join_all((1..=3).map(|k| work(k, unit))).await,
        Form::All => unreachable!("main runs the forms one at a time"),
    }
}

fn main() -> Result<()> {
    shared::quiet_backtraces();
    shared::timing::epoch();
    let args = Args::parse();
    let spans = SpanFile::create(args.spans.as_deref())?; // a bad path fails now
    let forms = match args.form {
        Form::All => vec![Form::Join, Form::Spawn, Form::JoinAll],
        f => vec![f],
    };
    // asyncio.run(main()).
    task::block_on(async {
        for form in forms {
            let label = match form {
                Form::Join => "futures::join!",
                Form::Spawn => "task::spawn",
                _ => "join_all",
            };
            event!("{label}: three tasks of 1, 2 and 3 units");
            let sw = Stopwatch::start();
            let results = gather(form, args.unit).await;
            sw.report(label);
            let ks: Vec<u64> = results.iter().map(|r| r.0).collect();
            event!("{label}: results {ks:?}");
            let least = results.iter().map(|r| r.1).min().unwrap_or(0);
            ensure!(least == 3, "a task ended when only {least} had started");
            println!("check: {label}: all 3 tasks started before the first ended");
        }
        Ok(())
    })?;
    spans.finish()
}
