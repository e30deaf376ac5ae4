//! The blog crawler on one event loop: every page in turn, then one task per page.
//!
//! Mirrors the course's `08. async_spider.py` and the notes' asyncio crawler
//! (`001_02a52d28409d88e4.txt`), word for word:
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
//! Run: `cargo run --release -p examples-async --bin crawler_async` (it starts
//! a 50-page site, 100 ms per request, in this process), or against a faulty
//! site: `cargo run -p shared --bin blog-site -- --error-rate 0.3 --drop-rate 0.2 --seed 7`
//! then `cargo run -p examples-async --bin crawler_async -- --site http://127.0.0.1:8000`.
//! `--only async` runs one crawl; `--permits N` caps the tasks in flight.
//!
//! You should see `page N: K posts` from `main` in page order, `single thread,
//! cost = ~5 seconds` and the account (`50 pages: 50 ok, 0 retried, 0 failed`,
//! then a line per retried or failed URL); then the same lines from tasks
//! `craw-1`..`craw-50` in an order that changes from run to run, `async, cost =
//! ~0.1 seconds`, the pages per second, its account, `check: ...` and `answer:
//! 727 post links on 50 pages`. Exit 1 if a page still failed after its retries.
//! Ctrl-C stops it at once: the account of every URL so far (`stopped by Ctrl-C:
//! 50 pages: ...`: done, failed, not fetched), exit code 130.

use std::sync::Arc;

use anyhow::Result;
use clap::Parser;
use examples_async::crawlers::{Crawls, or_interrupted, say, tokio_fetch};
use futures::future::try_join_all;
use shared::crawl::{CrawlArgs, Fetched, Retry};
use shared::report::crawl_answer;
use shared::timing::{Stopwatch, named};
use tokio::runtime::Builder;
use tokio::sync::Semaphore;

/// The blog crawler on one event loop: in turn, then one task per page
#[derive(Parser)]
struct Args {
    #[command(flatten)] // --pages, --site, --attempts, --timeout (shared::crawl)
    crawl: CrawlArgs,
    /// Most tasks fetching at once (default: no cap; see crawler_semaphore).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    permits: Option<u32>,
    /// Run one crawl only (default: both, in turn).
    #[arg(long, value_parser = ["single", "async"])]
    only: Option<String>,
}

/// The notes' `myfunc(url)`: fetch one page (with retries: `shared::crawl`), say what came of it.
async fn myfunc(client: reqwest::Client, page: u32, url: String, retry: Retry) -> Fetched {
    // reqwest, not the blocking `requests`: the notes' one con of asyncio is
    // "很多库不支持，比如requests" ("many libraries don't support it, e.g. requests").
    let fetched = tokio_fetch(client, url, retry).await;
    say(page, &fetched); // `page 3: 17 posts`, as the thread or task that fetched it
    fetched
}

fn main() -> Result<()> {
    // Quiet errors, the clock of `event!` (println with the elapsed time and the
    // thread's or task's name) and spans if asked: shared/src/lib.rs.
    let _run = shared::init()?;
    let args = Args::parse();
    let (pages, retry) = (args.crawl.pages, args.crawl.retry());
    let site = args.crawl.open_site()?; // `--site URL`, or a blog site in this process
    println!("blog site: {} ({pages} pages)", site.url());
    let (urls, client) = (site.page_urls(pages), reqwest::Client::new());
    let mut crawls = Crawls::default(); // the account of every URL of each crawl

    // `loop = asyncio.get_event_loop()`: one loop, on this thread.
    let runtime = Builder::new_current_thread().enable_all().build()?;

    if args.only.as_deref() != Some("async") {
        let sw = Stopwatch::start();
        // Ctrl-C: the account of every URL so far, exit 130 (tokio::signal::ctrl_c in a
        // select!: examples-async/src/crawlers.rs).
        let crawl = runtime.block_on(or_interrupted(&urls, async {
            let mut crawl = Vec::new();
            for (page, url) in (1..).zip(&urls) {
                // Awaited one after another: the loop has nothing else to run meanwhile.
                crawl.push(myfunc(client.clone(), page, url.clone(), retry).await);
            }
            crawl
        }));
        sw.report("single thread"); // `single thread, cost = 5.123 seconds`
        crawls.account("single thread", crawl)?;
    }

    if args.only.as_deref() != Some("single") {
        let sw = Stopwatch::start();
        let permits = Arc::new(Semaphore::new(args.permits.unwrap_or(pages) as usize));
        let crawl = runtime.block_on(or_interrupted(&urls, async {
            let mut tasks = Vec::new();
            for (page, url) in (1..).zip(&urls) {
                let (client, permits, url) = (client.clone(), Arc::clone(&permits), url.clone());
                // `loop.create_task(myfunc(url))`; the name is its row in event lines and spans.
                tasks.push(tokio::spawn(named(format!("craw-{page}"), async move {
                    let _permit = permits.acquire_owned().await; // held until the task ends
                    myfunc(client, page, url, retry).await
                })));
            }
            // `loop.run_until_complete(asyncio.wait(tasks))`; Err if a task panicked.
            try_join_all(tasks).await
        }))?;
        let secs = sw.report("async").as_secs_f64();
        println!("async: {pages} pages in {secs:.3} s = {:.0} pages/s", f64::from(pages) / secs);
        crawls.account("async", crawl)?;
    }

    let found = crawls.check(pages)?; // exit 1 if a page still failed after its retries
    println!("answer: {}", crawl_answer(found, pages));
    Ok(())
}
