//! A thread pool crawls the blog: `map` keeps input order, `submit` +
//! `as_completed` yields in completion order, and an index sorts it back.
//!
//! Mirrors the pools notes (`004_204d9a897d7f9bf9.txt`), where
//! `executor.map` gives 「结果顺序与调用顺序一致」 ("results in the order of
//! the calls"), `executor.submit` + `futures.as_completed` gives
//! 「谁先运行结束谁在前面」 ("whoever finishes first comes first"), and a dict
//! from future to index sorts that back, word for word:
//!
//! ```text
//! to_do_map[future] = i
//! ...
//! for future in futures.as_completed(to_do_map):
//!     res = future.result()
//!     results.append((res, to_do_map[future]))
//! results = [item[0] for item in sorted(results, key=lambda a:a[1])]
//! ```
//!
//! The crawl is the course's thread-pool crawler (not in the notes): craw
//! every page with `pool.map(craw, urls)`, then parse every page with
//! `pool.submit(parse, html)` over a `{future: ...}` dict and `as_completed`.
//! Python -> Rust:
//! - `ThreadPoolExecutor(max_workers=20)` -> a rayon pool of our own,
//!   `ThreadPoolBuilder::new().num_threads(20)`. rayon is made for CPU work;
//!   blocking in its threads is fine only because this pool is ours and
//!   sized for the waits, as `max_workers` is (not rayon's global pool);
//! - `executor.map(craw, urls)` -> `pool.install(|| urls.par_iter().map(craw).collect())`:
//!   input order, because `collect` puts each result in its slot;
//! - `executor.submit(parse, html)` -> `pool.spawn(..)`, which returns
//!   nothing, so each job sends `(result, i)` into a channel: the index that
//!   travels with the result is the dict's `to_do_map[future] = i`;
//! - `as_completed(to_do_map)` -> `rx.iter()`: results as the jobs finish;
//! - `sorted(results, key=lambda a:a[1])` -> `sort_by_key(|&(_, i)| i)`.
//!
//! Added here: timeouts and retries per page (`shared::crawl`, `--attempts`,
//! `--timeout`); failed pages are not parsed; an account of every URL ends
//! the run, and the exit code is 1 only if a page failed. And
//! `--demo-orders`: the three orders alone, with tasks that finish in
//! `--finish-order` (default 4, 1, 3, 0, 2, the order in which tasks sleeping
//! 3, 1, 4, 2, 0 units would finish). Instead of racing sleeps, each task
//! waits on a channel for its turn (`examples_threads::turns`), so the order
//! is exact on any machine; each task returns its turn (its finishing rank).
//!
//! Run: `cargo run -p examples-threads --bin thread_pool -- --pages 50 --workers 20`
//! (add `--site http://127.0.0.1:8000` for a running blog-site), or
//! `cargo run -p examples-threads --bin thread_pool -- --demo-orders --finish-order 4,1,3,0,2`.
//!
//! You should see `craw` lines from `pool-N` threads in any order, `map`'s
//! pages in page order, `as_completed` lines in an order that changes from
//! run to run, the re-sorted pages in page order again, the account, and the
//! check. With `--demo-orders`: `map (input order): [3, 1, 4, 2, 0]`,
//! `as_completed` yielding tasks 4, 1, 3, 0, 2 (results 0, 1, 2, 3, 4), and
//! `re-sorted by index: [(0, 3), (1, 1), (2, 4), (3, 2), (4, 0)]`, always.

use anyhow::{Context, Result};
use clap::error::ErrorKind;
use clap::{CommandFactory, Parser};
use crossbeam::channel::unbounded;
use examples_threads::turns::{self, task, turns};
use examples_threads::{check, page_numbers as pages};
use rayon::prelude::*;
use shared::crawl::{Account, CrawlArgs, Fetched, fetch_with_retry};
use shared::event;
use shared::site::parse_posts;
use shared::timing::timed;

#[derive(Parser)]
#[command(allow_negative_numbers = true)] // `-1` is a value to refuse, not a flag
#[command(
    name = "thread_pool",
    about = "ThreadPoolExecutor's map, submit + as_completed, crawling on a rayon pool"
)]
struct Args {
    #[command(flatten)]
    crawl: CrawlArgs,
    /// Threads in the pool (Python's max_workers; the notes use 20).
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u16).range(1..=256))]
    workers: u16,
    /// Show the three result orders with tasks that finish in --finish-order.
    #[arg(long)]
    demo_orders: bool,
    /// Task indexes in the order they finish (--demo-orders), a permutation of 0..n.
    #[arg(long, value_delimiter = ',', default_values_t = [4, 1, 3, 0, 2])]
    finish_order: Vec<usize>,
}

/// A rayon pool of `workers` threads named `pool-0`, `pool-1`, ...
fn pool(workers: usize) -> Result<rayon::ThreadPool> {
    let b = rayon::ThreadPoolBuilder::new().num_threads(workers);
    let b = b.thread_name(|i| format!("pool-{i}"));
    b.build().context("cannot build the thread pool")
}

fn main() -> Result<()> {
    shared::quiet_backtraces();
    shared::timing::epoch();
    let args = Args::parse();
    if args.demo_orders {
        if let Err(e) = turns(&args.finish_order) {
            let msg = format!("--finish-order: {e}");
            Args::command()
                .error(ErrorKind::ValueValidation, msg)
                .exit(); // exit code 2
        }
        return demo_orders(&args.finish_order);
    }
    let retry = args.crawl.retry.retry();
    let site = args.crawl.open_site()?; // serves while `site` lives
    let urls = site.page_urls(args.crawl.pages);
    let pool = pool(args.workers.into())?;

    // 1. map: craw every page; the results come back in input order.
    let craw = |url: &String| {
        let fetched = fetch_with_retry(url, &retry);
        match &fetched.body {
            Ok(html) => event!("craw {url}: {} bytes", html.len()),
            Err(e) => event!(
                "craw {url}: failed after {} attempts: {e}",
                fetched.attempts()
            ),
        }
        fetched
    };
    let fetched: Vec<Fetched> = timed("map", || {
        pool.install(|| urls.par_iter().map(craw).collect())
    });
    event!(
        "map (input order): pages {:?}",
        pages(fetched.iter().map(|f| f.url.as_str()))
    );
    let mut account = Account::new();
    fetched.iter().for_each(|f| account.record(f));

    // 2. submit + as_completed: parse every fetched page; `i` is the dict's value.
    let mut results: Vec<(usize, usize)> = timed("submit + as_completed", || {
        let (tx, rx) = unbounded();
        for (i, f) in fetched.into_iter().enumerate() {
            let Ok(html) = f.body else { continue }; // failed: in the account, not parsed
            let tx = tx.clone();
            pool.spawn(move || {
                // A send fails only if the receiver is gone; main holds it until all arrive.
                let _ = tx.send((parse_posts(&html).len(), i));
            });
        }
        drop(tx); // so rx.iter() ends when the last job has sent
        let as_completed = rx.iter();
        as_completed
            .inspect(|&(n, i)| event!("as_completed: {}: {n} posts", urls[i]))
            .collect()
    });
    let urls_of =
        |results: &[(usize, usize)]| pages(results.iter().map(|&(_, i)| urls[i].as_str()));
    event!(
        "as_completed (completion order): pages {:?}",
        urls_of(&results)
    );

    // 3. sorted back by the index that travelled with each result.
    results.sort_by_key(|&(_, i)| i);
    event!("re-sorted by index: pages {:?}", urls_of(&results));

    account.print();
    check::parsed_in_order(&results, &urls)?;
    account.check() // exit 1 only if a page still failed after its retries
}

/// `--demo-orders`: map, as_completed and the re-sort, with tasks that
/// finish in `order` because each waits for its turn on a channel.
fn demo_orders(order: &[usize]) -> Result<()> {
    let n = order.len();
    let (first, tasks) = turns(order)?;
    // Every task waits for its turn at once, so every task needs its own thread.
    let pool = pool(n)?;

    // 1. map: input order, whatever order the tasks finish in. Each task
    // passes the turn on itself. with_max_len(1) makes every task a job of
    // its own (two tasks in one job would run one after the other).
    first.send(0)?; // buffered: the first task can go as soon as it starts
    let mapped: Vec<u32> = timed("map", || {
        pool.install(|| {
            let tasks = tasks.into_par_iter().with_max_len(1);
            tasks.map(|(i, turn, next)| task(i, turn, next)).collect()
        })
    });
    event!("map (input order): {mapped:?}");

    // 2. submit + as_completed: each job sends (index, result) when it
    // finishes. Here main passes each turn on, once as_completed has yielded
    // the task before: one task finishes at a time, in `order`.
    let (first, tasks) = turns(order)?;
    let completed = timed("submit + as_completed", || -> Result<Vec<(usize, u32)>> {
        let (tx, rx) = unbounded();
        let mut next_of = Vec::new(); // next_of[i]: the turn after task i's
        for (i, turn, next) in tasks {
            next_of.push(next);
            let tx = tx.clone();
            // A send fails only if the receiver is gone; main holds it until all arrive.
            pool.spawn(move || {
                let _ = tx.send((i, task(i, turn, None)));
            });
        }
        drop(tx); // so rx.iter() ends when the last job has sent
        first.send(0)?;
        let mut completed = Vec::new();
        for (i, r) in rx.iter() {
            event!("as_completed: task {i} -> {r}");
            completed.push((i, r));
            if let Some(next) = &next_of[i] {
                next.send(r + 1)?; // bounded(1), sent once: never blocks
            }
        }
        Ok(completed)
    })?;
    event!("as_completed (completion order, (index, result)): {completed:?}");

    // 3. completion order re-sorted by the index that came back with each result.
    let mut resorted = completed.clone();
    resorted.sort_by_key(|&(i, _)| i);
    event!("re-sorted by index: {resorted:?}");

    turns::check(order, &mapped, &completed, &resorted)
}
