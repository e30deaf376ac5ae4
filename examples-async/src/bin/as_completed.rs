//! Results in completion order (`as_completed`) versus input order (`gather`):
//! five tasks that wait 3, 1, 4, 0 and 2 s come back shortest wait first.
//!
//! Mirrors `asyncio.as_completed(tasks)` (and the notes' `futures.as_completed`
//! in 004: 「结果顺序与调用顺序不一致（乱序，谁先运行结束谁在前面）」, "the results'
//! order is not the call order (out of order: whoever finishes first comes
//! first)"). Two Rust forms, then the contrast (added here): `JoinSet`
//! (spawned tasks), `FuturesUnordered` (futures polled by this one task, no
//! spawning), and `join_all` (the same futures, gathered in input order).
//!
//! Run: `cargo run -p examples-async --bin as_completed` (~12 s), or
//! `cargo run -p examples-async --bin as_completed -- --delays 0.5,0,0.3`.
//!
//! You should see `[4, 2, 5, 1, 3]` (waits of 0, 1, 2, 3, 4 s) from both
//! completion-order forms, then input order `[1, 2, 3, 4, 5]` from join_all,
//! and the `check:` line. Equal delays may come in either order.
//! (The tests run it on tokio's paused clock too, where ties keep input order.)

use std::time::Duration;

use anyhow::{Result, ensure};
use clap::Parser;
use futures::{StreamExt, future::join_all, stream::FuturesUnordered};
use shared::event;
use shared::timing::named;
use shared::workload::secs_arg;
use tokio::task::JoinSet;

#[derive(Parser)]
#[command(allow_negative_numbers = true)] // `-1` is a value to refuse, not a flag
#[command(about = "asyncio.as_completed: JoinSet::join_next and FuturesUnordered")]
struct Args {
    /// Each task's wait in seconds, in input order (0 to 3600 each).
    // secs_arg: seconds from 0 to 3600, NaN and inf refused (shared/src/workload.rs)
    #[arg(long, value_delimiter = ',', default_value = "3,1,4,0,2", value_parser = secs_arg)]
    delays: Vec<Duration>,
}

/// One future per delay: task `i` waits, says so (on row `task-i`), returns `i`.
fn tasks(delays: &[Duration]) -> impl Iterator<Item = impl Future<Output = usize> + use<>> {
    (1..).zip(delays.to_vec()).map(|(i, d)| {
        named(format!("task-{i}"), async move {
            tokio::time::sleep(d).await;
            // println! with the time and the task's name (shared/src/timing.rs)
            event!("done after {d:?}");
            i
        })
    })
}

/// Spawned tasks, each result as its task ends: `for f in as_completed(tasks)`.
async fn join_set(delays: &[Duration]) -> Result<Vec<usize>> {
    let mut set: JoinSet<usize> = tasks(delays).collect(); // spawned: they start now
    let mut got = Vec::new();
    while let Some(res) = set.join_next().await {
        got.push(res?); // Err only if the task panicked or was aborted
    }
    Ok(got)
}

/// The same without spawning: this one task polls them all, yields each as it completes.
async fn futures_unordered(delays: &[Duration]) -> Vec<usize> {
    let pending: FuturesUnordered<_> = tasks(delays).collect();
    pending.collect().await
}

#[tokio::main(flavor = "current_thread")] // one thread, as asyncio has
async fn main() -> Result<()> {
    let _run = shared::init()?; // quiet backtraces, the clock, spans if asked (shared/src/lib.rs)
    let delays = Args::parse().delays;
    let by_join_set = join_set(&delays).await?;
    event!("JoinSet: completion order {by_join_set:?}");
    let unordered = futures_unordered(&delays).await;
    event!("FuturesUnordered: completion order {unordered:?}");
    let gathered = join_all(tasks(&delays)).await; // asyncio.gather
    event!("join_all: input order {gathered:?}");
    // Check: the waits, in the order the results came, are the waits sorted.
    let mut sorted = delays.clone();
    sorted.sort();
    let waits = |ids: &[usize]| ids.iter().map(|&i| delays[i - 1]).collect::<Vec<_>>();
    ensure!(waits(&by_join_set) == sorted && waits(&unordered) == sorted, "not shortest first");
    let n = delays.len();
    ensure!(gathered.into_iter().eq(1..=n), "join_all lost input order");
    println!("check: {n} tasks came back once each: shortest wait first, or in input order");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// On tokio's paused clock (when every task waits, it jumps to the next
    /// deadline) the order comes from the deadlines alone; ties keep input order.
    #[tokio::test(start_paused = true)]
    async fn shortest_first_ties_in_input_order() {
        let delays: Vec<Duration> = [3, 1, 4, 0, 2, 2].map(Duration::from_secs).into();
        assert_eq!(join_set(&delays).await.unwrap(), [4, 2, 5, 6, 1, 3]);
        assert_eq!(futures_unordered(&delays).await, [4, 2, 5, 6, 1, 3]);
        assert_eq!(join_all(tasks(&delays)).await, [1, 2, 3, 4, 5, 6]);
    }
}
