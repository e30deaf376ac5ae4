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
//! For the comparison harness (`compare`): `--only map` or `--only
//! as-completed` runs the whole crawl through that one API, each job
//! fetching and parsing its page (map's results need no re-sort); `--json`
//! ends with the run's report (`shared::report`: `pages`, `workers`, `only`,
//! `latency_ms` with its own site, the costs, `"N post links on P pages"`);
//! `--spans FILE` writes one span per job on its pool thread's row (`page
//! N`; `parse page N` for a parse alone). None goes with `--demo-orders`.
//!
//! Run: `cargo run -p examples-threads --bin thread_pool -- --pages 50 --workers 20`
//! (add `--site http://127.0.0.1:8000` for a running blog-site), or
//! `cargo run -p examples-threads --bin thread_pool -- --demo-orders --finish-order 4,1,3,0,2`,
//! or one way, reported and drawn:
//! `cargo run -p examples-threads --bin thread_pool -- --only as-completed --json --spans /tmp/spans.jsonl`.
//!
//! You should see `craw` lines from `pool-N` threads in any order, `map`'s
//! pages in page order, `as_completed` lines in an order that changes from
//! run to run, the re-sorted pages in page order again, the account, and the
//! check. `--only map` leaves out the as_completed and re-sorted lines, `--only
//! as-completed` map's line; `--json` adds the report, last; with `--spans`,
//! the file holds a span per page on `pool-N` rows (and, in the full run,
//! one per parse). With `--demo-orders`: `map (input order): [3, 1, 4, 2, 0]`,
//! `as_completed` yielding tasks 4, 1, 3, 0, 2 (results 0, 1, 2, 3, 4), and
//! `re-sorted by index: [(0, 3), (1, 1), (2, 4), (3, 2), (4, 0)]`, always.

use anyhow::{Context, Result};
use clap::error::ErrorKind;
use clap::{CommandFactory, Parser, ValueEnum};
use crossbeam::channel::unbounded;
use examples_threads::turns::{self, task, turns};
use examples_threads::{Harness, check, jobs, page_numbers as pages};
use rayon::prelude::*;
use shared::crawl::{Account, CrawlArgs, Fetched};
use shared::event;
use shared::report::{crawl_answer, crawl_report, value_name};
use shared::spans::SpanFile;
use shared::timing::{Stopwatch, timed};

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
    /// Crawl through one API only, each job fetching and parsing its page
    /// (default: map fetches, then submit + as_completed parses).
    #[arg(long, value_enum, default_value_t = Only::All)]
    only: Only,
    #[command(flatten)]
    harness: Harness,
    /// Show the three result orders with tasks that finish in --finish-order.
    #[arg(long, conflicts_with_all = ["only", "json", "spans"])]
    demo_orders: bool,
    /// Task indexes in the order they finish (--demo-orders), a permutation of 0..n.
    #[arg(long, value_delimiter = ',', default_values_t = [4, 1, 3, 0, 2])]
    finish_order: Vec<usize>,
}

#[derive(Clone, Copy, PartialEq, ValueEnum)]
enum Only {
    Map,
    AsCompleted,
    All,
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
    let spans = SpanFile::create(args.harness.spans.as_deref())?; // a bad path fails now
    let (only, retry) = (args.only, args.crawl.retry.retry());
    let site = args.crawl.open_site()?; // serves while `site` lives
    let urls = site.page_urls(args.crawl.pages);
    let pool = pool(args.workers.into())?;
    let mut report = crawl_report("thread_pool", &args.crawl)
        .param("workers", args.workers)
        .param("only", value_name(&only));
    let mut account = Account::new();
    let mut results: Vec<(usize, usize)> = Vec::new(); // (post links, index into urls)

    // 1. map: craw every page; the results come back in input order.
    // (`--only map`: each job parses its page too; the whole crawl is map's.)
    let mut fetched: Vec<Fetched> = Vec::new();
    if only != Only::AsCompleted {
        let sw = Stopwatch::start();
        let craw = |(i, url): (usize, &String)| jobs::page(i, url, &retry, only == Only::Map);
        let crawl: Vec<(Fetched, Option<usize>)> =
            pool.install(|| urls.par_iter().enumerate().map(craw).collect());
        report.cost("map", sw.report("map"));
        let urls_of = crawl.iter().map(|(f, _)| f.url.as_str());
        event!("map (input order): pages {:?}", pages(urls_of));
        let parsed = crawl.iter().enumerate();
        results.extend(parsed.filter_map(|(i, (_, posts))| Some(((*posts)?, i))));
        fetched = crawl.into_iter().map(|(f, _)| f).collect();
        fetched.iter().for_each(|f| account.record(f));
    }
    let urls_of =
        |results: &[(usize, usize)]| pages(results.iter().map(|&(_, i)| urls[i].as_str()));

    // 2. submit + as_completed: parse every fetched page; `i` is the dict's value.
    // (`--only as-completed`: each job fetches its page first; the whole crawl is here.)
    if only != Only::Map {
        let sw = Stopwatch::start();
        let (tx, rx) = unbounded();
        let todo: Vec<(usize, Option<String>)> = match only {
            Only::AsCompleted => (0..urls.len()).map(|i| (i, None)).collect(),
            // failed: in the account, not parsed
            _ => (0..)
                .zip(fetched)
                .filter_map(|(i, f)| Some((i, Some(f.body.ok()?))))
                .collect(),
        };
        for (i, html) in todo {
            // `html`: the page map fetched, or `None` (`--only as-completed`) to fetch here.
            let (tx, url) = (tx.clone(), urls[i].clone());
            pool.spawn(move || {
                let done = match html {
                    Some(html) => (Some(jobs::parse(i, &html)), i, None),
                    None => {
                        let (fetched, posts) = jobs::page(i, &url, &retry, true);
                        (posts, i, Some(fetched))
                    }
                };
                // A send fails only if the receiver is gone; main holds it until all arrive.
                let _ = tx.send(done);
            });
        }
        drop(tx); // so rx.iter() ends when the last job has sent
        let as_completed = rx.iter();
        for (posts, i, fetched) in as_completed {
            fetched.iter().for_each(|f| account.record(f));
            let Some(n) = posts else { continue }; // failed: in the account, not parsed
            event!("as_completed: {}: {n} posts", urls[i]);
            results.push((n, i));
        }
        report.cost("submit + as_completed", sw.report("submit + as_completed"));
        event!(
            "as_completed (completion order): pages {:?}",
            urls_of(&results)
        );

        // 3. sorted back by the index that travelled with each result.
        results.sort_by_key(|&(_, i)| i);
        event!("re-sorted by index: pages {:?}", urls_of(&results));
    }
    spans.finish()?; // before the checks: a failed crawl's timeline is kept too

    account.print();
    let how = if only == Only::Map {
        "as map returned them"
    } else {
        "after sorting"
    };
    check::parsed_in_order(&results, &urls, how)?;
    account.check()?; // exit 1 only if a page still failed after its retries
    let found = results.iter().map(|&(n, _)| n).sum();
    report.answer(crawl_answer(found, args.crawl.pages));
    report.print_if(args.harness.json);
    Ok(())
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
