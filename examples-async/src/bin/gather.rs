//! Three tasks that wait 1, 2 and 3 s, awaited together: the total is the
//! longest wait (3 s), not the sum (6 s): while one task waits, the runtime
//! polls the others. Mirrors `asyncio.gather` / `create_task` / `wait`; the
//! notes' code (001, "Python官方异步库：asyncio", "asyncio, Python's official async library"):
//!
//! ```text
//! # 获取事件循环                   (get the event loop)
//! loop = asyncio.get_event_loop()
//! # 定义协程                       (define the coroutine)
//! async def myfunc(url):
//!     await get_url(url)
//! # 创建task列表                   (make the list of tasks)
//! tasks = [loop.create_task(myfunc(url)) for url in urls]
//! # 执行爬虫事件列表               (run the crawler's list of events)
//! loop.run_until_complete(asyncio.wait(tasks))
//! ```
//!
//! `get_event_loop()` with no running loop is deprecated (3.10-3.13) and an
//! error in 3.14; today: `asyncio.run(main())` with `gather` or a `TaskGroup`
//! (the twin shows both, and the notes' form). Here, added: `tokio::join!`,
//! a `JoinSet` and `join_all`, one after another.
//!
//! Run: `cargo run -p examples-async --bin gather` (~9 s; `-- --unit 0.5` for less)
//!
//! You should see, for each way, `task-1..3` all say `start` before any says
//! `done` (under `JoinSet` in any order: worker threads), done in the order
//! 1, 2, 3, a cost line of about 3 s, not 6 s, and the results `[1, 2, 3]`.

use std::time::Duration;

use anyhow::Result;
use clap::Parser;
use futures::future::join_all;
use shared::event;
use shared::timing::{Stopwatch, named};
use shared::workload::secs_arg;
use tokio::runtime::Runtime;
use tokio::task::JoinSet;

#[derive(Parser)]
#[command(allow_negative_numbers = true)] // `-1` is a value to refuse, not a flag
#[command(about = "asyncio.gather in tokio: join!, JoinSet, join_all")]
struct Args {
    /// Seconds in one unit: task-k waits k units (the notes' 1, 2, 3 s).
    // secs_arg: seconds from 0 to 3600, NaN and inf refused (shared/src/workload.rs)
    #[arg(long, default_value = "1", value_parser = secs_arg)]
    unit: Duration,
}

// ANCHOR: myfunc the notes' myfunc(url): start, wait k units, done
/// The notes' `myfunc(url)`: start, wait `k` units (a stand-in for a fetch), done.
async fn myfunc(k: u32, unit: Duration) -> u32 {
    // println! with the time and the task's name (shared/src/timing.rs)
    event!("start, waiting {k} unit(s)");
    tokio::time::sleep(unit * k).await; // yields to the runtime: the others run
    event!("done");
    k
}

/// `myfunc(k)` whose event lines (and timeline row) are named `task-k`, on any runtime.
fn task(k: u32, unit: Duration) -> impl Future<Output = u32> {
    named(format!("task-{k}"), myfunc(k, unit))
}
// ANCHOR_END: myfunc

// ANCHOR: gather asyncio.gather / tokio::join!: one task polls all three, results in input order
/// One task polls all three futures; results in input order, like `asyncio.gather`.
async fn with_join(unit: Duration) -> Vec<u32> {
    let (a, b, c) = tokio::join!(task(1, unit), task(2, unit), task(3, unit));
    vec![a, b, c]
}
// ANCHOR_END: gather

// ANCHOR: taskgroup asyncio.TaskGroup / JoinSet: a spawned task each
/// A spawned task each (`create_task`): they start at once, on worker threads;
/// results in completion order, like a `TaskGroup` or `asyncio.wait`.
async fn with_joinset(unit: Duration) -> Vec<u32> {
    let set: JoinSet<u32> = (1..=3).map(|k| task(k, unit)).collect();
    set.join_all().await // panics here if a task panicked
}
// ANCHOR_END: taskgroup

// ANCHOR: wait the notes' create_task + run_until_complete(asyncio.wait) / join_all
/// For a number of futures known only at run time; input order.
async fn with_join_all(unit: Duration) -> Vec<u32> {
    join_all((1..=3).map(|k| task(k, unit))).await
}
// ANCHOR_END: wait

// ANCHOR: main main: each form in turn, timed
fn section(rt: &Runtime, label: &str, gather: impl Future<Output = Vec<u32>>) {
    event!("{label}: three tasks of 1, 2 and 3 units");
    let sw = Stopwatch::start();
    let results = rt.block_on(gather); // asyncio.run(main())
    sw.report(label); // prints `label, cost = X seconds` (Stopwatch, shared/src/timing.rs)
    event!("{label}: results {results:?}");
}

fn main() -> Result<()> {
    let _run = shared::init()?; // quiet backtraces, the clock, spans if asked (shared/src/lib.rs)
    let unit = Args::parse().unit;
    let rt = Runtime::new()?; // what #[tokio::main] builds: a multi-thread runtime
    section(&rt, "tokio::join!", with_join(unit));
    section(&rt, "JoinSet", with_joinset(unit));
    section(&rt, "join_all", with_join_all(unit));
    Ok(())
}
// ANCHOR_END: main

#[cfg(test)]
mod tests {
    use super::*;

    /// On tokio's paused clock (virtual: when every task waits, it jumps to
    /// the next deadline) each way takes exactly the longest wait, 3 units.
    #[tokio::test(start_paused = true)]
    async fn the_longest_wait_not_the_sum() {
        let unit = Duration::from_secs(1);
        let t0 = tokio::time::Instant::now();
        assert_eq!(with_join(unit).await, [1, 2, 3]);
        let t1 = tokio::time::Instant::now();
        assert_eq!(with_joinset(unit).await, [1, 2, 3]);
        let t2 = tokio::time::Instant::now();
        assert_eq!(with_join_all(unit).await, [1, 2, 3]);
        for (from, to) in [(t0, t1), (t1, t2), (t2, tokio::time::Instant::now())] {
            let took = (to - from).as_secs_f64();
            assert!((3.0..3.01).contains(&took), "took {took} s");
        }
    }
}
