//! Results in completion order (`as_completed`) versus input order (`gather`):
//! five tasks that wait 3, 1, 4, 0 and 2 s come back shortest wait first.
//!
//! Mirrors `asyncio.as_completed(tasks)` (and the notes' `futures.as_completed`
//! in 004: 「结果顺序与调用顺序不一致（乱序，谁先运行结束谁在前面）」, "the results'
//! order is not the call order (out of order: whoever finishes first comes
//! first)"). Two Rust forms, then the contrast (added here):
//! - `JoinSet::join_next()`: spawned tasks, each result as its task ends.
//! - `FuturesUnordered` (futures crate): futures polled by this one task,
//!   yielded as each completes; no spawning.
//! - `join_all`: the same futures, results in input order (`gather`).
//!
//! `--paused` runs on tokio's paused clock (`start_paused(true)`, what
//! `#[tokio::test(start_paused = true)]` sets up): when every task waits, the
//! clock jumps to the next deadline, so the run takes no real time and the
//! order never depends on how the OS schedules sleeps. The `t=` figures are on
//! tokio's clock, which is the real one without `--paused`.
//!
//! Run: `cargo run -p examples-async --bin as_completed` (~12 s), or
//! `cargo run -p examples-async --bin as_completed -- --paused --delays 5,0,3`.
//!
//! You should see `task-4 task-2 task-5 task-1 task-3` (0, 1, 2, 3, 4 s) from
//! both completion-order forms, then input order `task-1 .. task-5` from
//! join_all, and the `check:` line. Equal delays may come in either order.

use std::time::Duration;

use anyhow::{Result, ensure};
use clap::Parser;
use futures::StreamExt;
use futures::future::join_all;
use futures::stream::FuturesUnordered;
use shared::workload::secs_arg;
use shared::{event, event_as};
use tokio::task::JoinSet;
use tokio::time::Instant;

#[derive(Parser)]
#[command(allow_negative_numbers = true)] // `-1` is a value to refuse, not a flag
#[command(about = "asyncio.as_completed: JoinSet::join_next and FuturesUnordered")]
struct Args {
    /// Each task's wait in seconds, in input order (0 to 3600 each).
    #[arg(long, value_delimiter = ',', default_value = "3,1,4,0,2", value_parser = secs_arg)]
    delays: Vec<Duration>,
    /// Run on tokio's paused clock: no real waiting, the same order every run.
    #[arg(long)]
    paused: bool,
}

/// Task `i` (1-based) waits `d` and returns `(i, d)`.
async fn task(i: usize, d: Duration, t0: Instant) -> (usize, Duration) {
    tokio::time::sleep(d).await;
    event_as!(
        &format!("task-{i}"),
        "done at t={:.3}",
        t0.elapsed().as_secs_f64()
    );
    (i, d)
}

/// Checks `got` holds every task once, shortest wait first; returns its names.
fn completion_order(got: &[(usize, Duration)], n: usize) -> Result<String> {
    let mut ids: Vec<usize> = got.iter().map(|r| r.0).collect();
    ensure!(
        got.windows(2).all(|w| w[0].1 <= w[1].1),
        "not shortest first"
    );
    let names: Vec<String> = ids.iter().map(|i| format!("task-{i}")).collect();
    ids.sort_unstable();
    ensure!(
        ids == (1..=n).collect::<Vec<_>>(),
        "a task is missing or repeated"
    );
    Ok(names.join(" "))
}

async fn run(delays: Vec<Duration>) -> Result<()> {
    let n = delays.len();

    event!("JoinSet: spawning {n} tasks");
    let t0 = Instant::now();
    let mut set = JoinSet::new();
    for (i, &d) in delays.iter().enumerate() {
        set.spawn(task(i + 1, d, t0));
    }
    let mut got = Vec::new();
    while let Some(res) = set.join_next().await {
        got.push(res?); // Err only if the task panicked or was aborted
    }
    event!("JoinSet: completion order {}", completion_order(&got, n)?);

    event!("FuturesUnordered: {n} futures, no spawning");
    let t0 = Instant::now();
    let mut pending: FuturesUnordered<_> =
        (1..).zip(&delays).map(|(i, &d)| task(i, d, t0)).collect();
    let mut got = Vec::new();
    while let Some(r) = pending.next().await {
        got.push(r);
    }
    event!(
        "FuturesUnordered: completion order {}",
        completion_order(&got, n)?
    );

    event!("join_all: the same, gathered");
    let t0 = Instant::now();
    let got = join_all((1..).zip(&delays).map(|(i, &d)| task(i, d, t0))).await;
    let names: Vec<String> = got.iter().map(|r| format!("task-{}", r.0)).collect();
    event!("join_all: input order {}", names.join(" "));
    ensure!(
        got.iter().map(|r| r.0).eq(1..=n),
        "join_all lost input order"
    );

    println!("check: {n} tasks came back once each: shortest wait first, or in input order");
    Ok(())
}

fn main() -> Result<()> {
    shared::quiet_backtraces();
    shared::timing::epoch();
    let args = Args::parse();
    ensure!(!args.delays.is_empty(), "give at least one delay");
    // #[tokio::main(flavor = "current_thread", start_paused = <--paused>)]
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(args.paused)
        .build()?
        .block_on(run(args.delays))
}
