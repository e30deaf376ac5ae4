//! Three tasks that wait 1, 2 and 3 s, awaited together: the total is the
//! longest wait (3 s), not the sum (6 s), because while one task waits the
//! runtime polls the others.
//!
//! Mirrors asyncio's `asyncio.gather` / `create_task` / `wait`. The notes' code
//! (001, "Python官方异步库：asyncio", "asyncio, Python's official async library"):
//!
//! ```text
//! # 获取事件循环                                   (get the event loop)
//! loop = asyncio.get_event_loop()
//! ...                                              (`async def myfunc(url)`, left out here)
//! # 创建task列表                                   (make the list of tasks)
//! tasks = [loop.create_task(myfunc(url)) for url in urls]
//! # 执行爬虫事件列表                               (run the crawler's list of events)
//! loop.run_until_complete(asyncio.wait(tasks))
//! ```
//!
//! That form is dated: `get_event_loop()` with no running loop is deprecated
//! (3.10-3.13) and an error in 3.14, and since 3.11 `asyncio.wait` takes only
//! tasks (as the notes pass). Today: `asyncio.run(main())` with `gather` or a
//! `TaskGroup`; the twin shows both, and the notes' form on its own loop.
//!
//! Three ways to await together in tokio, one per `--form` (added here):
//! - `join`: `tokio::join!(a, b, c)`: one task polls all three futures; the
//!   results come back in input order, like `asyncio.gather`.
//! - `joinset`: a `JoinSet`, one spawned task each (`create_task`), gathered
//!   with `join_next()` in completion order, like `TaskGroup` / `asyncio.wait`.
//! - `join_all`: `futures::future::join_all(vec)`, for a number of futures known
//!   only at run time; input order.
//!
//! `main` shows what `#[tokio::main]` expands to: a multi-thread runtime built
//! by hand and `block_on` of the async body (asyncio.run's twin). `event_as!`
//! is `println!` with a timestamp and a speaker's name.
//!
//! Run: `cargo run -p examples-async --bin gather` (all three forms, ~9 s), or
//! `cargo run -p examples-async --bin gather -- --form joinset --unit 0.5`.
//!
//! `--paused` (added here, for tests) runs on tokio's paused clock: the waits
//! take no real time and the order is the same on every run.
//!
//! `--spans FILE` (for `compare timeline`) writes each task's wait as one JSON
//! line, `{"name":"task-2","what":"wait 2 units",...}`, on rows
//! `task-1`..`task-3`, three per form. The spans are on the real clock: with
//! `--paused` the waits are virtual, so every span is near zero long.
//!
//! You should see, for each form, `task-1..3` all say `start` before any says
//! `done` (under `joinset` the three starts may come in any order: the tasks
//! run on worker threads); they finish in the order 1, 2, 3, then a cost line
//! of about 3 s, not 6 s, the same on tokio's clock, and the `check:` line.
//! With `--spans`, `task-k`'s spans last about k units each.

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
use tokio::task::JoinSet;

#[derive(Parser)]
#[command(allow_negative_numbers = true)] // `-1` is a value to refuse, not a flag
#[command(about = "asyncio.gather in tokio: join!, JoinSet, join_all")]
struct Args {
    /// Which way to await the three tasks together.
    #[arg(long, value_enum, default_value_t = Form::All)]
    form: Form,
    /// Seconds in one unit: task-k waits k units (the notes' 1, 2, 3 s).
    #[arg(long, default_value = "1", value_parser = secs_arg)]
    unit: Duration,
    /// Run on tokio's paused clock (virtual time, one thread): the waits take
    /// no real time and every run interleaves the same way (for tests).
    #[arg(long)]
    paused: bool,
    /// Write each task's wait to FILE, as JSON lines (real time, even with --paused).
    #[arg(long, value_name = "FILE")]
    spans: Option<PathBuf>,
}

#[derive(Clone, Copy, PartialEq, ValueEnum)]
enum Form {
    Join,
    Joinset,
    JoinAll,
    All,
}

/// Tasks started so far; each task reads it when it ends.
static STARTED: AtomicUsize = AtomicUsize::new(0);

/// The notes' `myfunc(url)`: say start, wait `k` units (a stand-in for a
/// fetch), say done; returns `k` and how many tasks had started by then.
async fn task(k: u64, unit: Duration) -> (u64, usize) {
    let who = format!("task-{k}");
    STARTED.fetch_add(1, SeqCst);
    event_as!(&who, "start, waiting {k} unit(s)");
    let span = span_as(&who, format!("wait {k} unit(s)"));
    tokio::time::sleep(unit * k as u32).await; // yields to the runtime: others run
    drop(span);
    let started = STARTED.load(SeqCst);
    event_as!(&who, "done");
    (k, started)
}

async fn gather(form: Form, unit: Duration) -> Result<Vec<(u64, usize)>> {
    STARTED.store(0, SeqCst);
    Ok(match form {
        Form::Join => {
            let (a, b, c) = tokio::join!(task(1, unit), task(2, unit), task(3, unit));
            vec![a, b, c]
        }
        Form::Joinset => {
            let mut set = JoinSet::new();
            for k in 1..=3 {
                set.spawn(task(k, unit)); // starts now, like create_task
            }
            let mut out = Vec::new();
            while let Some(res) = set.join_next().await {
                out.push(res?); // Err only if the task panicked or was aborted
            }
            out
        }
        Form::JoinAll => join_all((1..=3).map(|k| task(k, unit))).await,
        Form::All => unreachable!("main runs the forms one at a time"),
    })
}

async fn run(args: Args) -> Result<()> {
    let forms = match args.form {
        Form::All => vec![Form::Join, Form::Joinset, Form::JoinAll],
        f => vec![f],
    };
    for form in forms {
        let label = match form {
            Form::Join => "tokio::join!",
            Form::Joinset => "JoinSet",
            _ => "join_all",
        };
        event!("{label}: three tasks of 1, 2 and 3 units");
        let sw = Stopwatch::start();
        let virtual_start = tokio::time::Instant::now(); // tokio's clock
        let results = gather(form, args.unit).await?;
        sw.report(label);
        let on_tokio = virtual_start.elapsed().as_secs_f64();
        event!("{label}: {on_tokio:.3} s on tokio's clock");
        let ks: Vec<u64> = results.iter().map(|r| r.0).collect();
        event!("{label}: results {ks:?}");
        // Each task saw all 3 started when it ended: they waited together.
        let least = results.iter().map(|r| r.1).min().unwrap_or(0);
        ensure!(least == 3, "a task ended when only {least} had started");
        println!("check: {label}: all 3 tasks started before the first ended");
    }
    Ok(())
}

fn main() -> Result<()> {
    shared::quiet_backtraces();
    shared::timing::epoch();
    let args = Args::parse();
    let spans = SpanFile::create(args.spans.as_deref())?; // a bad path fails now
    let runtime = if args.paused {
        // `#[tokio::main(flavor = "current_thread", start_paused = true)]`:
        // when every task waits, the clock jumps to the next timer.
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .start_paused(true)
            .build()?
    } else {
        // What plain `#[tokio::main]` expands to (the macro `expect`s where
        // this uses `?`); then `block_on` the body: asyncio.run(main()).
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()?
    };
    runtime.block_on(run(args))?;
    spans.finish()
}
