//! A thread pool and its three result orders: input order, completion order,
//! completion order re-sorted by index.
//!
//! Mirrors the pools notes' `concurrent.futures.ThreadPoolExecutor`: tasks
//! that sleep 0..4 s (here `[3, 1, 4, 2, 0]` units of `--unit` seconds) run
//! through `executor.map(task, sleeps)`, then through
//! `futures = {executor.submit(task, s): i for i, s in enumerate(sleeps)}` and
//! `for f in as_completed(futures): i = futures[f]`.
//!
//! Python piece -> Rust piece:
//! - `ThreadPoolExecutor(max_workers=5)` -> a rayon pool of our own,
//!   `ThreadPoolBuilder::new().num_threads(5).build()`. rayon is made for CPU
//!   work; sleeping in its threads is fine here only because this pool is
//!   ours and sized for the waits, as `max_workers` is, not rayon's global pool.
//! - `executor.map(task, sleeps)` -> `pool.install(|| sleeps.par_iter().map(task).collect())`:
//!   results in input order, because `collect` puts each result in its slot
//!   (Python's `map` yields them lazily in that order; this returns them all at once).
//! - `executor.submit(task, s)` -> `pool.spawn(move || ...)`: fire and forget,
//!   so each job sends its result into a crossbeam channel.
//! - `as_completed(futures)` -> `rx.iter()` on that channel: results arrive in
//!   the order the tasks finish.
//! - the future-to-index dict `{future: i}` -> the index travels with the
//!   result: the channel carries `(i, result)`.
//! - re-sorting by index -> `sort_by_key(|&(i, _)| i)`.
//!
//! Run: `cargo run -p examples-threads --bin thread_pool -- --unit 1 --sleeps 3,1,4,2,0 --workers 5`
//!
//! You should see `map` give `[3, 1, 4, 2, 0]` (input order) after ~4 s,
//! then `as_completed` yield tasks 4, 1, 3, 0, 2 one at a time as each
//! finishes (shortest sleep first) over the next ~4 s, the re-sorted list
//! back in input order, and the checks. With
//! fewer workers than tasks the completion order also depends on which task
//! a free worker takes next, so that one check is skipped.

use anyhow::{Context, ensure};
use clap::Parser;
use rayon::prelude::*;
use shared::event;
use shared::timing::timed;
use shared::workload::seconds;
use std::time::Duration;

#[derive(Parser)]
#[command(about = "ThreadPoolExecutor's map, submit + as_completed, on a rayon pool")]
struct Args {
    /// Units each task sleeps, in input order.
    #[arg(long, value_delimiter = ',', default_values_t = [3, 1, 4, 2, 0])]
    sleeps: Vec<u32>,
    /// Seconds in one unit of sleep.
    #[arg(long, default_value_t = 1.0)]
    unit: f64,
    /// Threads in the pool (Python's max_workers).
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u16).range(1..))]
    workers: u16,
}

/// The task: sleep `units` units (a stand-in for a blocking call) and return `units`.
fn task(i: usize, units: u32, unit: Duration) -> u32 {
    event!("task {i}: sleeping {units} units");
    std::thread::sleep(unit.saturating_mul(units));
    event!("task {i}: done");
    units
}

fn main() -> anyhow::Result<()> {
    shared::timing::epoch();
    let args = Args::parse();
    let unit = seconds(args.unit).context("bad --unit")?;
    let sleeps = args.sleeps;
    let n = sleeps.len();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.workers.into())
        .thread_name(|i| format!("pool-{i}"))
        .build()
        .context("cannot build the thread pool")?;

    // 1. map: results in input order, whatever order the tasks finish in.
    let mapped: Vec<u32> = timed("map", || {
        pool.install(|| {
            sleeps
                .par_iter()
                .enumerate()
                .map(|(i, &s)| task(i, s, unit))
                .collect()
        })
    });
    event!("map (input order): {mapped:?}");

    // 2. submit + as_completed: (index, result) pairs in completion order.
    let completed: Vec<(usize, u32)> = timed("submit + as_completed", || {
        let (tx, rx) = crossbeam_channel::unbounded();
        for (i, &s) in sleeps.iter().enumerate() {
            let tx = tx.clone();
            pool.spawn(move || {
                // A send fails only if the receiver is gone; main holds it until all arrive.
                let _ = tx.send((i, task(i, s, unit)));
            });
        }
        drop(tx); // so rx.iter() ends when the last job has sent
        rx.iter()
            .inspect(|(i, r)| event!("as_completed: task {i} -> {r}"))
            .collect()
    });
    event!("as_completed (completion order, (index, result)): {completed:?}");

    // 3. completion order re-sorted by the index that travelled with each result.
    let mut resorted = completed.clone();
    resorted.sort_by_key(|&(i, _)| i);
    event!("re-sorted by index: {resorted:?}");

    ensure!(mapped == sleeps, "map did not keep input order: {mapped:?}");
    ensure!(
        completed.len() == n,
        "{} of {n} results came back",
        completed.len()
    );
    if usize::from(args.workers) >= n {
        // Every task started at once, so the shorter the sleep, the sooner it ends.
        let by_sleep = completed.windows(2).all(|w| w[0].1 <= w[1].1);
        ensure!(
            by_sleep,
            "as_completed was not in order of sleep: {completed:?}"
        );
        println!("check: as_completed yielded the results shortest sleep first");
    } else {
        println!(
            "check skipped: {} workers < {n} tasks, so completion order also depends on queueing",
            args.workers
        );
    }
    let back: Vec<u32> = resorted.iter().map(|&(_, r)| r).collect();
    let indexes_ok = resorted.iter().map(|&(i, _)| i).eq(0..n);
    ensure!(
        indexes_ok && back == sleeps,
        "re-sorting did not restore input order: {back:?}"
    );
    println!("check: map and the re-sorted results are both in input order {sleeps:?}");
    Ok(())
}
