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
//! `pool.submit(parse, html)` over a `{future: ...}` dict and
//! `as_completed`. Python piece -> Rust piece:
//! - `ThreadPoolExecutor(max_workers=20)` -> a rayon pool of our own,
//!   `ThreadPoolBuilder::new().num_threads(20)`. rayon is made for CPU work;
//!   blocking in its threads is fine here only because this pool is ours and
//!   sized for the waits, as `max_workers` is, not rayon's global pool;
//! - `executor.map(craw, urls)` -> `pool.install(|| urls.par_iter().map(craw).collect())`:
//!   input order, because `collect` puts each result in its slot;
//! - `executor.submit(parse, html)` -> `pool.spawn(..)`, which returns
//!   nothing, so each job sends `(i, result)` into a channel: the index that
//!   travels with the result is the dict's `to_do_map[future] = i`;
//! - `as_completed(to_do_map)` -> `rx.iter()`: results as the jobs finish;
//! - `sorted(results, key=lambda a:a[1])` -> `sort_by_key(|&(_, i)| i)`.
//!
//! Added here: each page is fetched with a timeout and retries
//! (`shared::crawl`, `--attempts`, `--timeout`), failed pages are not parsed,
//! and an account of every URL ends the run; exit 1 only if a page failed.
//!
//! `--demo-orders` (added here) shows the three orders on their own, with
//! tasks that do nothing but finish in `--finish-order`, by default 4, 1, 3,
//! 0, 2: the order in which tasks sleeping 3, 1, 4, 2, 0 units would finish.
//! Instead of racing sleeps, each task waits on a channel for its turn
//! (`examples_threads::turns`), so the order is exact on any machine; each
//! task returns its turn, i.e. its finishing rank.
//!
//! Run: `cargo run -p examples-threads --bin thread_pool -- --pages 50 --workers 20`
//! (add `--site http://127.0.0.1:8000` for a running blog-site), or
//! `cargo run -p examples-threads --bin thread_pool -- --demo-orders --finish-order 4,1,3,0,2`.
//!
//! You should see `craw` lines from `pool-N` threads in any order, `map`'s
//! post counts in page order, `as_completed` lines in an order that changes
//! from run to run, the re-sorted counts in page order again, the account,
//! and the check. With `--demo-orders`: `map (input order): [3, 1, 4, 2, 0]`,
//! `as_completed` yielding tasks 4, 1, 3, 0, 2 (results 0, 1, 2, 3, 4), and
//! `re-sorted by index: [(0, 3), (1, 1), (2, 4), (3, 2), (4, 0)]`, always.

use std::time::Duration;

use anyhow::{Context, Result, ensure};
use clap::error::ErrorKind;
use clap::{CommandFactory, Parser};
use crossbeam_channel::unbounded;
use examples_threads::turns::{task, turns};
use examples_threads::{MAX_LATENCY_MS, RetryArgs};
use rayon::prelude::*;
use shared::crawl::{Account, Fetched, fetch_with_retry};
use shared::event;
use shared::site::{MAX_PAGES, SiteConfig, SiteGuard, parse_posts, posts_on_page};
use shared::timing::timed;

#[derive(Parser)]
#[command(
    name = "thread_pool",
    about = "ThreadPoolExecutor's map, submit + as_completed, crawling on a rayon pool"
)]
struct Args {
    /// Number of list pages to crawl.
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_PAGES)))]
    pages: u32,
    /// Latency of every request to the in-process site, in ms (not used with --site).
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u64).range(0..=MAX_LATENCY_MS))]
    latency_ms: u64,
    /// Crawl an already running site (`cargo run -p shared --bin blog-site`) at this URL.
    #[arg(long)]
    site: Option<String>,
    /// Threads in the pool (Python's max_workers; the notes use 20).
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u16).range(1..=256))]
    workers: u16,
    #[command(flatten)]
    retry: RetryArgs,
    /// Show the three result orders with tasks that finish in --finish-order.
    #[arg(long)]
    demo_orders: bool,
    /// Task indexes in the order they finish (--demo-orders), a permutation of 0..n.
    #[arg(long, value_delimiter = ',', default_values_t = [4, 1, 3, 0, 2])]
    finish_order: Vec<usize>,
}

/// The page numbers at the end of list-page URLs (`.../sitehome/p/7` -> `7`).
fn pages<'a>(urls: impl Iterator<Item = &'a str>) -> Vec<u32> {
    let page = |u: &str| u.rsplit('/').next()?.parse().ok();
    urls.filter_map(page).collect()
}

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
    let retry = args.retry.retry();
    let latency = Duration::from_millis(args.latency_ms);
    let config = SiteConfig {
        pages: args.pages,
        latency,
        ..SiteConfig::default()
    };
    let site = SiteGuard::open(args.site.as_deref(), config)?; // serves while `site` lives
    let urls = site.page_urls(args.pages);
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
    for &(n, i) in &results {
        let want = posts_on_page(i as u32 + 1);
        ensure!(n == want, "{}: {n} post links, expected {want}", urls[i]);
    }
    ensure!(
        results.windows(2).all(|w| w[0].1 < w[1].1),
        "not sorted back into page order"
    );
    let total: usize = results.iter().map(|&(n, _)| n).sum();
    println!(
        "check: {total} post links on {} parsed pages, in page order after sorting",
        results.len()
    );
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

    let in_order = completed.iter().map(|&(i, _)| i).eq(order.iter().copied());
    ensure!(
        in_order,
        "as_completed was not in finishing order: {completed:?}"
    );
    let back = resorted
        .iter()
        .enumerate()
        .all(|(k, &(i, r))| k == i && r == mapped[i]);
    ensure!(back, "map and the re-sorted results differ");
    println!("check: map and the re-sorted results are both in input order {mapped:?}");
    Ok(())
}
