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
//! out of file descriptors. `--only single` or `--only async` runs one crawl
//! and its check (`--no-single` is `--only async`), so a harness can time each
//! in a process of its own. `--json` ends the output with one JSON line, the
//! report of the run (`shared::report`: params, costs, `"N post links on P
//! pages"`); `--spans FILE` writes who fetched what when, one JSON line per
//! page (`shared::spans`): on row `main` for the single crawl, on rows
//! `task-1`..`task-P` for the async one (the task's fetch and parse, after
//! its permit is taken), for `compare timeline` to draw.
//!
//! Run: `cargo run --release -p examples-async --bin crawler_async -- --pages 50 --latency-ms 100`
//! (starts the site in this process), or against a running (faulty) site:
//! `cargo run -p shared --bin blog-site -- --error-rate 0.3 --slow-rate 0.2 --drop-rate 0.2 --seed 7`
//! then `cargo run -p examples-async --bin crawler_async -- --site http://127.0.0.1:8000`.
//! One crawl, reported and drawn:
//! `cargo run --release -p examples-async --bin crawler_async -- --only async --json --spans /tmp/spans.jsonl`.
//!
//! You should see `page N: K posts` from `main` in page order, `single thread,
//! cost = ~5.0 seconds` and the account (`50 pages: 50 ok, 0 retried, 0
//! failed`, plus a line per retried or failed URL); then the same lines from
//! tasks `craw-1`..`craw-50` in an order that changes from run to run, `async,
//! cost = ~0.1 seconds`, its account, the pages per second and `check: ...`.
//! Per-page lines are printed only up to 100 pages. With `--only`, one crawl's
//! lines; with `--json`, last, `{"program":"crawler_async",...,"answer":"727
//! post links on 50 pages"}`; with `--spans`, the file holds 50 spans on
//! `main` one after another and one on each of `task-1`..`task-50`.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result, anyhow};
use clap::{Parser, ValueEnum};
use examples_async::{count_posts, http::reqwest_get};
use shared::crawl::{CrawlArgs, Fetched, Retry, fetch_with_retry_async, tally};
use shared::event_as;
use shared::report::{crawl_answer, crawl_report, value_name};
use shared::site::SiteGuard;
use shared::spans::{SpanFile, span_as};
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
    /// Run one crawl only, with its check (default: both, in turn).
    #[arg(long, value_enum, default_value_t = Only::All)]
    only: Only,
    /// Skip the single-thread crawl (for big crawls): the same as `--only async`.
    #[arg(long, conflicts_with = "only")]
    no_single: bool,
    /// End with one JSON line: the run's report (for `compare`).
    #[arg(long)]
    json: bool,
    /// Write who fetched which page when to FILE, as JSON lines.
    #[arg(long, value_name = "FILE")]
    spans: Option<PathBuf>,
}

#[derive(Clone, Copy, PartialEq, ValueEnum)]
enum Only {
    Single,
    Async,
    All,
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
    let spans = SpanFile::create(args.spans.as_deref())?; // a bad path fails now
    let only = if args.no_single {
        Only::Async
    } else {
        args.only
    };
    let runs = |crawl| only == Only::All || only == crawl;
    let (pages, retry, loud) = (
        args.crawl.pages,
        args.crawl.retry(),
        args.crawl.pages <= 100,
    );
    let site = SiteGuard::open(args.crawl.site.as_deref(), args.crawl.site_config())?;
    println!("blog site: {} ({pages} pages)", site.url());
    let urls = site.page_urls(pages);
    let client = reqwest::Client::new();
    let mut report = crawl_report("crawler_async", &args.crawl)
        .param("permits", args.permits)
        .param("only", value_name(&only));

    // asyncio's `loop = asyncio.get_event_loop()`: one loop on this thread.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start tokio")?;
    let (mut accounts, mut found) = (Vec::new(), 0);

    if runs(Only::Single) {
        let sw = Stopwatch::start();
        let single = runtime.block_on(async {
            let mut crawl = Vec::new();
            for (page, url) in (1..).zip(&urls) {
                let _span = span_as("main", format!("page {page}"));
                let (url, client) = (url.clone(), client.clone());
                crawl.push(craw("main".into(), page, url, client, retry, loud).await);
            }
            crawl
        });
        report.cost("single thread", sw.report("single thread"));
        let (account, posts) = tally(&single)?;
        accounts.push(("single-thread", account));
        found = posts;
    }

    if runs(Only::Async) {
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
                    // Declared after the permit, so dropped (ended) before it is released.
                    let _span = span_as(&format!("task-{page}"), format!("page {page}"));
                    let who = format!("craw-{page}");
                    (page, craw(who, page, url, client, retry, loud).await)
                });
            }
            let mut crawl = Vec::with_capacity(urls.len());
            while let Some(joined) = tasks.join_next().await {
                crawl.push(joined?); // a task that panicked is an Err (JoinError) here
            }
            crawl.sort_by_key(|(page, _)| *page);
            anyhow::Ok(crawl.into_iter().map(|(_, c)| c).collect::<Vec<_>>())
        })?;
        let elapsed = sw.report("async");
        report.cost("async", elapsed);
        let (account, posts) = tally(&crawl)?;
        let secs = elapsed.as_secs_f64();
        let rate = f64::from(pages) / secs;
        println!("async: {pages} pages in {secs:.3} s = {rate:.0} pages/s");
        accounts.push(("async", account));
        found = posts;
    }
    spans.finish()?; // before the checks: a failed crawl's timeline is kept too

    // Exit 1 only if a page still failed after its retries.
    for (label, account) in accounts {
        account
            .check()
            .map_err(|e| anyhow!("the {label} crawl: {e}"))?;
    }
    println!("check: every crawl found {found} post links on {pages} pages, as expected");
    report.answer(crawl_answer(found, pages));
    report.print_if(args.json);
    Ok(())
}
