//! The three result orders of a thread pool, exact on any machine: `map`
//! gives input order, `submit` + `as_completed` completion order, and a sort
//! by the index that travelled with each result gives input order back.
//!
//! The pools notes (`004_204d9a897d7f9bf9.txt`), word for word: `executor.map`
//! 「结果顺序与调用顺序一致」 ("results in the order of the calls");
//! `as_completed` 「结果顺序与调用顺序不一致（乱序，谁先运行结束谁在前面）」 ("not
//! the order of the calls (out of order: whoever finishes first comes
//! first)"); and a dict from future to index sorts it back:
//!
//! ```text
//! to_do_map[future] = i
//! ...
//!     results.append((res, to_do_map[future]))
//! results = [item[0] for item in sorted(results, key=lambda a:a[1])]
//! ```
//!
//! Added here: the tasks finish in `--finish-order` (default 4,1,3,0,2, the
//! order of tasks sleeping 3, 1, 4, 2, 0 s), not by racing sleeps: each waits
//! on a channel for its turn (`examples_threads::turns`) and returns its
//! finishing rank. `thread_pool` shows the same pool crawling the blog.
//!
//! Run: `cargo run -p examples-threads --bin result_orders -- --finish-order 4,1,3,0,2`
//! (twin: `python3 examples-threads/python/result_orders.py --finish-order 4,1,3,0,2`).
//!
//! You should see `map (input order): [3, 1, 4, 2, 0]`, then `as_completed`
//! yielding tasks 4, 1, 3, 0, 2 (results 0, 1, 2, 3, 4), then `re-sorted by
//! index: [(0, 3), (1, 1), (2, 4), (3, 2), (4, 0)]`, always, and the check.

use anyhow::Result;
use clap::Parser;
use crossbeam::channel::unbounded;
use examples_threads::turns::{self, task, turns};
use rayon::prelude::*;
use shared::event; // event! = println with the elapsed time and the thread's name (shared/src/timing.rs)

/// map, as_completed and a re-sort: the three result orders of a thread pool.
#[derive(Parser)]
#[command(name = "result_orders")]
struct Args {
    /// Task indexes in the order they finish, a permutation of 0..n (1 <= n <= 64).
    // `std::vec::Vec`: one value, `4,1,3,0,2`, checked whole (a plain `Vec` takes one per flag).
    #[arg(long, default_value = "4,1,3,0,2", value_parser = turns::finish_order)]
    finish_order: std::vec::Vec<usize>,
}

fn main() -> Result<()> {
    let _run = shared::init()?; // quiet backtraces, the clock, spans if compare asked (shared/src/lib.rs)
    let order = Args::parse().finish_order;
    // ThreadPoolExecutor(max_workers=n): every task waits for its turn at once, so each needs a thread.
    let pool = rayon::ThreadPoolBuilder::new().num_threads(order.len());
    let pool = pool.thread_name(|i| format!("pool_{i}")).build()?; // as ThreadPoolExecutor names them

    // 1. executor.map(task, ...): input order, whatever order the tasks finish in.
    let (first, tasks) = turns(&order)?;
    first.send(0)?; // the first to finish may go; each task passes the turn on itself
    let tasks = tasks.into_par_iter().with_max_len(1); // one job per task, or two would run in turn
    let mapped: Vec<u32> =
        pool.install(|| tasks.map(|(i, turn, next)| task(i, turn, next)).collect());
    event!("map (input order): {mapped:?}");

    // 2. executor.submit + as_completed: each job sends (index, result) when it is done;
    // the index travelling with the result is the notes' `to_do_map[future] = i`.
    let (first, tasks) = turns(&order)?;
    let (tx, rx) = unbounded();
    let mut next_of = Vec::new(); // main passes each turn on, once it has the task before's result
    for (i, turn, next) in tasks {
        next_of.push(next);
        let tx = tx.clone();
        pool.spawn(move || {
            let _ = tx.send((i, task(i, turn, None))); // fails only if main is gone
        });
    }
    drop(tx); // so rx.iter() ends after the last job's send
    first.send(0)?;
    let mut completed = Vec::new();
    for (i, result) in rx.iter() {
        event!("as_completed: task {i} -> {result}");
        completed.push((i, result));
        if let Some(next) = &next_of[i] {
            next.send(result + 1)?; // bounded(1), sent once: never blocks
        }
    }
    event!("as_completed (completion order, (index, result)): {completed:?}");

    // 3. sorted(results, key=lambda a: a[1]): back in input order by the index.
    let mut resorted = completed.clone();
    resorted.sort_by_key(|&(i, _)| i);
    event!("re-sorted by index: {resorted:?}");
    turns::check(&order, &mapped, &completed, &resorted)
}
