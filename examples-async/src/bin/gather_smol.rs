//! `gather` on smol: three tasks that wait 1, 2 and 3 s, awaited together,
//! take 3 s, not 6 s. The runtime is in plain sight: `smol::block_on` drives
//! an `Executor` on the main thread.
//!
//! Mirrors `asyncio.gather` / `create_task` (see `gather` for the notes'
//! code and why its `get_event_loop()` form is dated), three ways (added
//! here): `futures::join!`, `Executor::spawn` (`create_task`) and `join_all`. smol has no `#[main]` macro and no hidden runtime:
//! `block_on(ex.run(body))` runs the executor's tasks on this thread until
//! `body` is done, which is all `asyncio.run(main())` does.
//!
//! Run: `cargo run -p examples-async --bin gather_smol -- --unit 0.5`
//!
//! You should see, for each form, `task-1..3` all say `start` before any says
//! `done`, then a cost line of about 3 units (not 6) and the results.
//! One thread runs it all, so the order is the same on every run.

use std::time::Duration;

use anyhow::Result;
use clap::Parser;
use futures::future::join_all;
use shared::event;
use shared::timing::{Stopwatch, named};
use shared::workload::secs_arg;
use smol::{Executor, Timer};

#[derive(Parser)]
#[command(allow_negative_numbers = true)] // `-1` is a value to refuse, not a flag
#[command(about = "asyncio.gather on smol: join!, Executor::spawn, join_all")]
struct Args {
    /// Seconds in one unit: task-k waits k units (the notes' 1, 2, 3 s).
    // secs_arg: seconds from 0 to 3600, NaN and inf refused (shared/src/workload.rs)
    #[arg(long, default_value = "1", value_parser = secs_arg)]
    unit: Duration,
}

/// `myfunc(k)`: start, wait `k` units, done; its lines are named `task-k`.
fn task(k: u32, unit: Duration) -> impl Future<Output = u32> {
    named(format!("task-{k}"), async move {
        // println! with the time and the task's name (shared/src/timing.rs)
        event!("start, waiting {k} unit(s)");
        Timer::after(unit * k).await; // yields to the executor: the others run
        event!("done");
        k
    })
}

async fn with_join(unit: Duration) -> Vec<u32> {
    let (a, b, c) = futures::join!(task(1, unit), task(2, unit), task(3, unit));
    vec![a, b, c] // input order, like asyncio.gather
}

async fn with_spawn(ex: &Executor<'_>, unit: Duration) -> Vec<u32> {
    // create_task: a smol Task is cancelled if dropped, so keep each and await it.
    let tasks: Vec<_> = (1..=3).map(|k| ex.spawn(task(k, unit))).collect();
    join_all(tasks).await
}

async fn section(label: &str, gather: impl Future<Output = Vec<u32>>) {
    event!("{label}: three tasks of 1, 2 and 3 units");
    let sw = Stopwatch::start();
    let results = gather.await;
    sw.report(label); // prints `label, cost = X seconds` (Stopwatch, shared/src/timing.rs)
    event!("{label}: results {results:?}");
}

fn main() -> Result<()> {
    let _run = shared::init()?; // quiet backtraces, the clock, spans if asked (shared/src/lib.rs)
    let unit = Args::parse().unit;
    let ex = Executor::new();
    // asyncio.run(main()): block this thread on the executor until the body ends.
    smol::block_on(ex.run(async {
        section("futures::join!", with_join(unit)).await;
        section("Executor::spawn", with_spawn(&ex, unit)).await;
        section("join_all", join_all((1..=3).map(|k| task(k, unit)))).await;
    }));
    Ok(())
}
