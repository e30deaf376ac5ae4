//! The blog crawler on one event loop: every page in turn, then one task per URL.
//!
//! Mirrors the notes' asyncio crawler (`001_02a52d28409d88e4.txt`), word for word:
//!
//! ```text
//! # 获取事件循环                       (get the event loop)
//! loop = asyncio.get_event_loop()
//! # 定义协程                           (define a coroutine)
//! async def myfunc(url):
//!     await get_url(url)
//! # 创建task列表                       (make the list of tasks)
//! tasks = [loop.create_task(myfunc(url)) for url in urls]
//! # 执行爬虫事件列表                   (run the crawler's list of events)
//! loop.run_until_complete(asyncio.wait(tasks))
//! ```
//!
//! In Rust the loop is visible too: a current-thread tokio runtime is
//! asyncio's one loop on one thread, `JoinSet::spawn` is `loop.create_task`,
//! and `runtime.block_on` of a loop over `join_next` is
//! `run_until_complete(asyncio.wait(tasks))`. The notes' one con of asyncio,
//! "很多库不支持，比如requests" ("many libraries don't support it, e.g.
//! requests"), is why the fetch is `reqwest`'s async client. The first crawl
//! awaits the pages one after another on the loop (`single thread, cost =`),
//! the second spawns a task per page (`async, cost =`). Each crawl's post
//! links are checked against what the site serves.
//!
//! Added here (`shared::crawl`): a timeout per request (`--timeout`), up to
//! `--attempts` tries per page (backoff 50, 100, 200 ms), an account of every
//! URL, exit 1 only if a page still failed. `--permits N` caps the tasks in
//! flight (what `crawler_semaphore` teaches), for big crawls that would run
//! out of file descriptors; `--no-single` skips the slow first crawl.
//!
//! Run: `cargo run --release -p examples-async --bin crawler_async -- --pages 50 --latency-ms 100`
//! (starts the site in this process), or against a running (faulty) site:
//! `cargo run -p shared --bin blog-site -- --error-rate 0.3 --slow-rate 0.2 --drop-rate 0.2 --seed 7`
//! then `cargo run -p examples-async --bin crawler_async -- --site http://127.0.0.1:8000`.
//!
//! You should see `page N: K posts` from `main` in page order, `single thread,
//! cost = ~5.0 seconds` and the account (`50 pages: 50 ok, 0 retried, 0
//! failed`, plus a line per retried or failed URL); then the same lines from
//! tasks `craw-1`..`craw-50` in an order that changes from run to run, `async,
//! cost = ~0.1 seconds`, its account, the pages per second and `check: ...`.
//! Per-page lines are printed only up to 100 pages.

use std::sync::Arc;

use anyhow::{Context, Result, anyhow};
use clap::Parser;
use examples_async::{count_posts, http::reqwest_get};
use shared::crawl::{CrawlArgs, Fetched, Retry, fetch_with_retry_async, tally};
use shared::event_as;
use shared::site::SiteGuard;
use shared::timing::Stopwatch;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

#[derive(Parser)]
#[command(allow_negative_numbers = true)] // `-1` is a value to refuse, not a flag
#[command(about = "The blog crawler on one event loop: in turn, then one task per URL")]
struct Args {
    #[command(flatten)]
    crawl: CrawlArgs,
    /// Most tasks fetching at once (default: no cap, one task per page at once).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    permits: Option<u32>,
    /// Skip the single-thread crawl (for big crawls).
    #[arg(long)]
    no_single: bool,
}

/// The notes' `myfunc(url)`: fetch one list page (with retries), count its post links.
async fn craw(
    who: String,
    page: u32,
    url: String,
    client: reqwest::Client,
    retry: Retry,
    loud: bool,
) -> (Fetched, Option<usize>) {
    let get = |u| reqwest_get(&client, u, retry.timeout);
    let fetched = fetch_with_retry_async(&url, &retry, get, tokio::time::sleep).await;
    let posts = count_posts(&fetched); // the page's post links: the crawl's CPU work
    if loud {
        match (&fetched.body, posts) {
            (Ok(_), Some(n)) => event_as!(&who, "page {page}: {n} posts"),
            (Err(e), _) => event_as!(
                &who,
                "page {page}: failed after {} attempts: {e}",
                fetched.attempts()
            ),
            _ => {}
        }
    }
    (fetched, posts)
}

fn main() -> Result<()> {
    shared::quiet_backtraces();
    shared::timing::epoch();
    let args = Args::parse();
    let (pages, retry, loud) = (
        args.crawl.pages,
        args.crawl.retry(),
        args.crawl.pages <= 100,
    );
    let site = SiteGuard::open(args.crawl.site.as_deref(), args.crawl.site_config())?;
    println!("blog site: {} ({pages} pages)", site.url());
    let urls = site.page_urls(pages);
    let client = reqwest::Client::new();

    // asyncio's `loop = asyncio.get_event_loop()`: one loop on this thread.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start tokio")?;
    let mut accounts = Vec::new();

    if !args.no_single {
        let sw = Stopwatch::start();
        let single = runtime.block_on(async {
            let mut crawl = Vec::new();
            for (page, url) in (1..).zip(&urls) {
                crawl.push(
                    craw(
                        "main".into(),
                        page,
                        url.clone(),
                        client.clone(),
                        retry,
                        loud,
                    )
                    .await,
                );
            }
            crawl
        });
        sw.report("single thread");
        accounts.push(("single-thread", tally(&single)?.0));
    }

    let sw = Stopwatch::start();
    let permits = Arc::new(Semaphore::new(
        args.permits.map_or(Semaphore::MAX_PERMITS, |p| p as usize),
    ));
    // `loop.run_until_complete(asyncio.wait(tasks))`
    let crawl = runtime.block_on(async {
        let mut tasks = JoinSet::new();
        for (page, url) in (1..).zip(&urls) {
            // `loop.create_task(myfunc(url))`
            let (client, permits, url) = (client.clone(), Arc::clone(&permits), url.clone());
            tasks.spawn(async move {
                let _permit = permits.acquire_owned().await; // never closed, so always Ok
                (
                    page,
                    craw(format!("craw-{page}"), page, url, client, retry, loud).await,
                )
            });
        }
        let mut crawl = Vec::with_capacity(urls.len());
        while let Some(joined) = tasks.join_next().await {
            crawl.push(joined?); // a task that panicked is an Err (JoinError) here
        }
        crawl.sort_by_key(|(page, _)| *page);
        anyhow::Ok(crawl.into_iter().map(|(_, c)| c).collect::<Vec<_>>())
    })?;
    let secs = sw.report("async").as_secs_f64();
    let (async_account, found) = tally(&crawl)?;
    println!(
        "async: {pages} pages in {secs:.3} s = {:.0} pages/s",
        f64::from(pages) / secs
    );
    accounts.push(("async", async_account));

    // Exit 1 only if a page still failed after its retries.
    for (label, account) in accounts {
        account
            .check()
            .map_err(|e| anyhow!("the {label} crawl: {e}"))?;
    }
    println!("check: every crawl found {found} post links on {pages} pages, as expected");
    Ok(())
}
