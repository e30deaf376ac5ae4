//! `gather` on smol: three tasks that wait 1, 2 and 3 s, awaited together,
//! take 3 s, not 6 s. The runtime is in plain sight: `smol::block_on` drives
//! an `Executor` on the main thread.
//!
//! Mirrors asyncio's `asyncio.gather` / `create_task` (see `gather` for the
//! notes' code and why its `get_event_loop()` form is dated on Python 3.11).
//! One `--form` each (added here):
//! - `join`: `futures::join!(a, b, c)`, results in input order (`gather`).
//! - `spawn`: `ex.spawn(fut)` on an `Executor`, one task each
//!   (`create_task`), each `Task` awaited for its result.
//! - `join_all`: `futures::future::join_all(vec)` for a run-time count.
//!
//! smol has no `#[main]` macro and no hidden runtime: `block_on(ex.run(body))`
//! runs the executor's tasks on this thread until `body` is done, which is
//! all `asyncio.run(main())` does. A task dropped before it ends is cancelled,
//! so each `Task` is kept and awaited. smol's `Timer` is the sleep.
//!
//! `--spans FILE` writes each task's wait as a JSON line on rows
//! `task-1`..`task-3`, as `gather --spans` does, so the runtimes' timelines
//! can be drawn side by side (`compare timeline`).
//!
//! Run: `cargo run -p examples-async --bin gather_smol -- --unit 0.5`
//! (add `--spans /tmp/smol.jsonl` to draw it).
//!
//! You should see, for each form, `task-1..3` all say `start` before any says
//! `done`, then a cost line of about 3 units (not 6) and the `check:` line.
//! One thread runs it all, so the order is the same on every run. With
//! `--spans`, three spans per form, `task-k`'s about k units long.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::time::Duration;

use anyhow::{Result, ensure};
use clap::{Parser, ValueEnum};
use futures::future::join_all;
use shared::spans::{SpanFile, span_as};
use shared::timing::Stopwatch;
use shared::workload::secs_arg;
use shared::{event, event_as};
use smol::{Executor, Timer};

#[derive(Parser)]
#[command(allow_negative_numbers = true)] // `-1` is a value to refuse, not a flag
#[command(about = "asyncio.gather on smol: join!, Executor::spawn, join_all")]
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
async fn task(k: u64, unit: Duration) -> (u64, usize) {
    let who = format!("task-{k}");
    STARTED.fetch_add(1, SeqCst);
    event_as!(&who, "start, waiting {k} unit(s)");
    let span = span_as(&who, format!("wait {k} unit(s)"));
    Timer::after(unit * k as u32).await; // yields to the executor: others run
    drop(span);
    let started = STARTED.load(SeqCst);
    event_as!(&who, "done");
    (k, started)
}

async fn gather(ex: &Executor<'_>, form: Form, unit: Duration) -> Vec<(u64, usize)> {
    STARTED.store(0, SeqCst);
    match form {
        Form::Join => {
            let (a, b, c) = futures::join!(task(1, unit), task(2, unit), task(3, unit));
            vec![a, b, c]
        }
        Form::Spawn => {
            let tasks: Vec<_> = (1..=3).map(|k| ex.spawn(task(k, unit))).collect();
            let mut out = Vec::new();
            for t in tasks {
                out.push(t.await); // a smol Task is a future of its output
            }
            out
        }
        Form::JoinAll => join_all((1..=3).map(|k| task(k, unit))).await,
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
    let ex = Executor::new();
    // asyncio.run(main()): block this thread on the executor until the body ends.
    smol::block_on(ex.run(async {
        for form in forms {
            let label = match form {
                Form::Join => "futures::join!",
                Form::Spawn => "Executor::spawn",
                _ => "join_all",
            };
            event!("{label}: three tasks of 1, 2 and 3 units");
            let sw = Stopwatch::start();
            let results = gather(&ex, form, args.unit).await;
            sw.report(label);
            let ks: Vec<u64> = results.iter().map(|r| r.0).collect();
            event!("{label}: results {ks:?}");
            let least = results.iter().map(|r| r.1).min().unwrap_or(0);
            ensure!(least == 3, "a task ended when only {least} had started");
            println!("check: {label}: all 3 tasks started before the first ended");
        }
        Ok(())
    }))?;
    spans.finish()
}
