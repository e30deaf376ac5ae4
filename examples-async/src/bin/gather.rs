//! Three tasks that wait 1, 2 and 3 s, awaited together: the total is the
//! longest wait (3 s), not the sum (6 s), because while one task waits the
//! runtime polls the others.
//!
//! Mirrors `asyncio.gather` / `create_task` / `wait`. The notes' code (001,
//! "Python官方异步库：asyncio", "asyncio, Python's official async library"):
//!
//! ```text
//! loop = asyncio.get_event_loop()                             # 获取事件循环 (get the event loop)
//! tasks = [loop.create_task(myfunc(url)) for url in urls]     # 创建task列表 (make the list of tasks)
//! loop.run_until_complete(asyncio.wait(tasks))                # 执行爬虫事件列表 (run the list of events)
//! ```
//!
//! That form is dated: `get_event_loop()` with no running loop is deprecated
//! (3.10-3.13) and an error in 3.14. Today: `asyncio.run(main())` with
//! `gather` or a `TaskGroup`; the twin shows both, and the notes' form.
//! Three ways to await together in tokio, one per `--form` (added here).
//!
//! Run: `cargo run -p examples-async --bin gather` (all three forms, ~9 s), or
//! `cargo run -p examples-async --bin gather -- --form joinset --unit 0.5`.
//!
//! You should see, for each form, `task-1..3` all say `start` before any says
//! `done` (under `joinset` the starts may come in any order: the tasks run on
//! worker threads), done in the order 1, 2, 3, a cost line of about 3 s, not
//! 6 s, and the `check:` line.

use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::time::Duration;

use anyhow::{Result, ensure};
use clap::{Parser, ValueEnum};
use futures::future::join_all;
use shared::event;
use shared::timing::{Stopwatch, named};
use shared::workload::secs_arg;
use tokio::task::JoinSet;

#[derive(Parser)]
#[command(allow_negative_numbers = true)] // `-1` is a value to refuse, not a flag
#[command(about = "asyncio.gather in tokio: join!, JoinSet, join_all")]
struct Args {
    /// Which way to await the three tasks together (all three by default).
    #[arg(long, value_enum)]
    form: Option<Form>,
    /// Seconds in one unit: task-k waits k units (the notes' 1, 2, 3 s).
    #[arg(long, default_value = "1", value_parser = secs_arg)]
    unit: Duration,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Form {
    Join,
    Joinset,
    JoinAll,
}

/// Tasks started so far: a task that ends reads it, to prove they overlapped.
static STARTED: AtomicUsize = AtomicUsize::new(0);

/// The notes' `myfunc(url)`: start, wait `k` units, done; how many had started by then.
async fn task(k: u32, unit: Duration) -> usize {
    STARTED.fetch_add(1, SeqCst);
    event!("start, waiting {k} unit(s)"); // println! with the time and the task's name (shared/src/timing.rs)
    tokio::time::sleep(unit * k).await; // yields to the runtime: the others run
    event!("done");
    STARTED.load(SeqCst)
}

async fn gather(form: Form, unit: Duration) -> Result<Vec<usize>> {
    STARTED.store(0, SeqCst);
    // `named` gives a task's event lines (and timeline row) its name, on any runtime.
    let t = |k: u32| named(format!("task-{k}"), task(k, unit));
    Ok(match form {
        // One task polls all three futures; results in input order, like asyncio.gather.
        Form::Join => {
            let (a, b, c) = tokio::join!(t(1), t(2), t(3));
            vec![a, b, c]
        }
        // A spawned task each (create_task), results as they end, like TaskGroup / asyncio.wait.
        Form::Joinset => {
            let mut set = JoinSet::new();
            for k in 1..=3 {
                set.spawn(t(k)); // starts now, on a worker thread
            }
            set.join_all().await // panics here if a task panicked
        }
        // A number of futures known only at run time; input order.
        Form::JoinAll => join_all((1..=3).map(t)).await,
    })
}

fn main() -> Result<()> {
    let _run = shared::init()?; // quiet backtraces, the clock, spans if asked (shared/src/lib.rs)
    let args = Args::parse();
    let forms = args
        .form
        .map_or(vec![Form::Join, Form::Joinset, Form::JoinAll], |f| vec![f]);
    // What `#[tokio::main]` expands to (the macro `expect`s where this uses `?`);
    // `block_on` the body is asyncio.run(main()).
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    for form in forms {
        let label = match form {
            Form::Join => "tokio::join!",
            Form::Joinset => "JoinSet",
            Form::JoinAll => "join_all",
        };
        event!("{label}: three tasks of 1, 2 and 3 units");
        let sw = Stopwatch::start();
        let seen = runtime.block_on(gather(form, args.unit))?;
        sw.report(label); // `label, cost = X seconds`
        ensure!(
            seen.iter().all(|&n| n == 3),
            "a task ended before all 3 had started"
        );
        println!("check: {label}: all 3 tasks started before the first ended");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// On tokio's paused clock (virtual: when every task waits, it jumps to
    /// the next deadline) each form takes exactly the longest wait, 3 units.
    #[tokio::test(start_paused = true)]
    async fn the_longest_wait_not_the_sum() {
        for form in [Form::Join, Form::Joinset, Form::JoinAll] {
            let t0 = tokio::time::Instant::now();
            let seen = gather(form, Duration::from_secs(1)).await.unwrap();
            let took = t0.elapsed().as_secs_f64();
            assert!((3.0..3.01).contains(&took), "{form:?} took {took} s");
            assert_eq!(seen, [3, 3, 3], "{form:?}");
        }
    }
}
