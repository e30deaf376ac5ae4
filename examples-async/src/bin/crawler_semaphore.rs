//! A semaphore caps how many crawl tasks fetch at once: never more than `--permits`.
//!
//! Mirrors the course's `10. async_spider_semaphore.py`, whose `async_craw(url)`
//! does its fetch inside `async with semaphore:` (`semaphore =
//! asyncio.Semaphore(10)`) and then `await asyncio.sleep(5)`, still holding the
//! permit, so the cap shows: 50 pages, 10 at a time, 5 s each, take 25 s. Here
//! that sleep is `--sleep`, 0.5 s by default (`--sleep 5` for the course's).
//! The notes' "信号量限制并发" ("a semaphore limits concurrency"), word for
//! word (written for threads, typo included):
//!
//! ```text
//! from threading import Semaphore
//! semaphre = Semaphore(10)
//! with semaphre:
//!     # do something
//! ```
//!
//! Run: `cargo run -p examples-async --bin crawler_semaphore -- --pages 50 --permits 10`
//! (it starts a site in this process; `--site URL` crawls a running one).
//!
//! You should see `acquired, in flight = N` lines from tasks `craw-1`..`craw-50`,
//! N climbing to 10 and holding there, and a `releasing` line for every page.
//! Which tasks get the next permits changes from run to run. Then `async, cost =
//! ~3 seconds` (5 rounds of 0.1 s fetch + 0.5 s sleep), the account, `check: at
//! most 10 in flight, and 10 reached` (a semaphore that admits too few is a bug
//! too) and `check: every crawl found N post links on 50 pages, as expected`.
//! Ctrl-C stops it at once: the account of every URL so far (`stopped by Ctrl-C:
//! 50 pages: ...`: done, failed, not fetched), exit code 130.

use std::cell::Cell;
use std::time::Duration;

use anyhow::{Result, ensure};
use clap::Parser;
use examples_async::crawlers::{Crawls, or_interrupted, tokio_fetch};
use shared::crawl::CrawlArgs;
use shared::event;
use shared::timing::{Stopwatch, named};
use shared::workload::secs_arg;
use tokio::sync::Semaphore;

/// asyncio.Semaphore(10) around each fetch: at most 10 in flight
#[derive(Parser)]
struct Args {
    #[command(flatten)] // --pages, --site, --attempts, --timeout (shared::crawl)
    crawl: CrawlArgs,
    /// Permits in the semaphore: how many pages may be fetched at once.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    permits: u32,
    /// Seconds each task sleeps after its fetch, holding its permit (the course: 5).
    #[arg(long, default_value = "0.5", value_parser = secs_arg)]
    sleep: Duration,
}

#[tokio::main(flavor = "current_thread")] // asyncio's one loop, on this thread
async fn main() -> Result<()> {
    // Quiet errors, the clock of `event!` (println with the elapsed time and the
    // thread's or task's name) and spans if asked: shared/src/lib.rs.
    let _run = shared::init()?;
    let args = Args::parse();
    let (pages, permits, retry) = (args.crawl.pages, args.permits as usize, args.crawl.retry());
    let site = args.crawl.open_site()?;
    println!("blog site: {} ({pages} pages, {permits} permits)", site.url());

    let semaphore = Semaphore::new(permits); // `semaphore = asyncio.Semaphore(10)`
    // Tasks holding a permit now, and the most at once. One thread: a Cell will do.
    let (now, most) = (Cell::new(0), Cell::new(0));
    let (semaphore, now, most, client) = (&semaphore, &now, &most, &reqwest::Client::new());
    let sw = Stopwatch::start();
    let urls = site.page_urls(pages);
    let tasks = (1..).zip(urls.clone()).map(|(page, url)| {
        named(format!("craw-{page}"), async move {
            // `async with semaphore:` -- the permit is held until `_permit` is dropped.
            let _permit = semaphore.acquire().await?; // errs only once closed, which it never is
            now.set(now.get() + 1);
            most.set(most.get().max(now.get()));
            event!("acquired, in flight = {}", now.get());
            let fetched = tokio_fetch(client.clone(), url, retry).await; // with retries
            tokio::time::sleep(args.sleep).await; // the course's `await asyncio.sleep(5)`
            now.set(now.get() - 1);
            event!("releasing, in flight = {}", now.get());
            anyhow::Ok(fetched)
        })
    });
    // `loop.run_until_complete(asyncio.wait(tasks))`: all of them polled by this one task.
    // Ctrl-C: the account of every URL so far, exit 130 (a select! on ctrl_c: crawlers.rs).
    let crawl = or_interrupted(&urls, futures::future::try_join_all(tasks)).await?;
    sw.report("async");
    let mut crawls = Crawls::default();
    crawls.account("async", crawl)?; // the account of every URL

    // The lesson's own check, on every run (faulty or not): the bound held, and was reached.
    let (most, bound) = (most.get(), permits.min(pages as usize));
    ensure!(most <= permits, "{most} in flight at once, over the {permits} permits");
    ensure!(most == bound, "at most {most} in flight at once, never all {bound}");
    println!("check: at most {permits} in flight, and {bound} reached");
    crawls.check(pages)?; // exit 1 if a page still failed after its retries
    Ok(())
}
