//! `gather` on async-std: three tasks that wait 1, 2 and 3 s, awaited
//! together, take 3 s, not 6 s.
//!
//! **async-std is discontinued**: its maintainers stopped it in 2025 and point
//! its users to smol (see `gather_smol`). It still builds and runs, and much
//! code in the wild uses it, so it is shown here to be read and compared; start
//! new code on tokio or smol.
//!
//! Mirrors `asyncio.gather` / `create_task` (see `gather` for the notes'
//! code), three ways (added here): `futures::join!`,
//! `async_std::task::spawn` on async-std's global thread pool
//! (`create_task`), and `join_all`. `task::block_on(body)` is
//! `asyncio.run(main())`; `#[async_std::main]` expands to exactly that.
//!
//! Run: `cargo run -p examples-async --bin gather_async_std -- --unit 0.5`
//!
//! You should see, for each form, `task-1..3` all say `start` before any says
//! `done` (under `spawn` the starts may come in any order: the tasks run on a
//! thread pool), then a cost line of about 3 units (not 6) and the results.

use std::time::Duration;

use anyhow::Result;
use async_std::task;
use clap::Parser;
use futures::future::join_all;
use shared::event;
use shared::timing::{Stopwatch, named};
use shared::workload::secs_arg;

#[derive(Parser)]
#[command(allow_negative_numbers = true)] // `-1` is a value to refuse, not a flag
#[command(about = "asyncio.gather on async-std (discontinued): join!, spawn, join_all")]
struct Args {
    /// Seconds in one unit: task-k waits k units (the notes' 1, 2, 3 s).
    // secs_arg: seconds from 0 to 3600, NaN and inf refused (shared/src/workload.rs)
    #[arg(long, default_value = "1", value_parser = secs_arg)]
    unit: Duration,
}

/// `myfunc(k)`: start, wait `k` units, done; its lines are named `task-k`.
fn work(k: u32, unit: Duration) -> impl Future<Output = u32> {
    named(format!("task-{k}"), async move {
        // println! with the time and the task's name (shared/src/timing.rs)
        event!("start, waiting {k} unit(s)");
        task::sleep(unit * k).await; // yields to the runtime: the others run
        event!("done");
        k
    })
}

async fn with_join(unit: Duration) -> Vec<u32> {
    let (a, b, c) = futures::join!(work(1, unit), work(2, unit), work(3, unit));
    vec![a, b, c] // input order, like asyncio.gather
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
    // asyncio.run(main()); `#[async_std::main]` expands to this.
    task::block_on(async {
        section("futures::join!", with_join(unit)).await;
        // create_task: a JoinHandle each; a panic in a task resumes where it is awaited.
        // Spawned inside the async block, so only once `section` has printed its
        // line: a spawned task starts running on the pool at once.
        let spawned = async { join_all((1..=3).map(|k| task::spawn(work(k, unit)))).await };
        section("task::spawn", spawned).await;
        section("join_all", join_all((1..=3).map(|k| work(k, unit)))).await;
    });
    Ok(())
}
