//! A semaphore caps how many crawl tasks fetch at once: never more than `--permits`.
//!
//! Mirrors the notes' "信号量限制并发" ("a semaphore limits concurrency"),
//! word for word (the note writes it for threads, typo included):
//!
//! ```text
//! from threading import Semaphore
//! semaphre = Semaphore(10)
//! with semaphre:
//!     # do something
//! ```
//!
//! The asyncio form is `sem = asyncio.Semaphore(10)` and `async with sem:`
//! around each fetch (added here). tokio's `Semaphore::new(10)` is the same:
//! each task awaits `acquire()` and holds the permit it gets until the permit
//! is dropped at the end of the block. All 50 tasks start at once, but only 10
//! fetch at a time, which keeps a big crawl from opening a connection per
//! page, or hammering the site. An atomic counter of the tasks holding a
//! permit is printed at every acquire and release. The program checks that
//! the count never goes above the permits and does reach them (a semaphore
//! that admits too few is a bug too).
//!
//! Added here (`shared::crawl`): a timeout per request, bounded retries with
//! backoff (a page keeps its permit while it retries), an account of every URL,
//! and exit 1 only if a page still failed. The runtime is current-thread:
//! asyncio's one loop.
//!
//! `--spans FILE` (for `compare timeline`) writes one JSON line per page,
//! `{"name":"task-7","what":"page 7",...}`: the task's fetch, opened after it
//! took its permit and closed before it gives the permit back, so at no
//! instant are more than `--permits` spans open, whatever the timing.
//!
//! Run: `cargo run -p examples-async --bin crawler_semaphore -- --pages 50 --permits 10`
//! (add `--spans /tmp/spans.jsonl` to draw it).
//!
//! You should see `acquired, in flight = N` lines from tasks `craw-1`..`craw-50`,
//! N climbing to 10 and then holding there, with a `releasing` line for every
//! page as it finishes. Which tasks get the next permits changes from run to
//! run. Then `async, cost = ~0.5 seconds` (50 pages / 10 at a time x 100 ms),
//! the account, `check: at most 10 in flight, and 10 reached` and
//! `check: N post links on 50 pages` (each page's count checked against the site).
//! With `--spans`, the file holds one span on each of `task-1`..`task-50`, at
//! most 10 of them open at any instant.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{Result, ensure};
use clap::Parser;
use examples_async::{count_posts, http::reqwest_get};
use shared::crawl::{CrawlArgs, fetch_with_retry_async, tally};
use shared::event_as;
use shared::site::{SiteGuard, expected_posts};
use shared::spans::{SpanFile, span_as};
use shared::timing::Stopwatch;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

#[derive(Parser)]
#[command(allow_negative_numbers = true)] // `-1` is a value to refuse, not a flag
#[command(about = "asyncio.Semaphore(10) around each fetch: at most 10 in flight")]
struct Args {
    #[command(flatten)]
    crawl: CrawlArgs,
    /// Permits in the semaphore: how many pages may be fetched at once.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    permits: u32,
    /// Write each task's fetch (while it holds its permit) to FILE, as JSON lines.
    #[arg(long, value_name = "FILE")]
    spans: Option<PathBuf>,
}

/// Tasks holding a permit now, and the most seen at once.
#[derive(Default)]
struct InFlight {
    now: AtomicUsize,
    max: AtomicUsize,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<()> {
    shared::quiet_backtraces();
    shared::timing::epoch();
    let args = Args::parse();
    let spans = SpanFile::create(args.spans.as_deref())?; // a bad path fails now
    let (pages, permits, retry) = (args.crawl.pages, args.permits as usize, args.crawl.retry());
    let site = SiteGuard::open(args.crawl.site.as_deref(), args.crawl.site_config())?;
    println!(
        "blog site: {} ({pages} pages, {permits} permits)",
        site.url()
    );
    let client = reqwest::Client::new();

    let semaphore = Arc::new(Semaphore::new(permits)); // `Semaphore(10)`
    let in_flight = Arc::new(InFlight::default());
    let sw = Stopwatch::start();
    let mut tasks = JoinSet::new();
    for (page, url) in (1..).zip(site.page_urls(pages)) {
        let (semaphore, in_flight, client) = (
            Arc::clone(&semaphore),
            Arc::clone(&in_flight),
            client.clone(),
        );
        tasks.spawn(async move {
            let who = format!("craw-{page}");
            // `with semaphre:` -- the permit is held until `_permit` is dropped.
            let _permit = semaphore.acquire().await?; // errs only once closed, which it never is
            let now = in_flight.now.fetch_add(1, Ordering::SeqCst) + 1;
            in_flight.max.fetch_max(now, Ordering::SeqCst);
            event_as!(&who, "acquired, in flight = {now}");
            let span = span_as(&format!("task-{page}"), format!("page {page}")); // permit held
            let get = |u| reqwest_get(&client, u, retry.timeout);
            let fetched = fetch_with_retry_async(&url, &retry, get, tokio::time::sleep).await;
            let posts = count_posts(&fetched);
            drop(span); // ends while the permit is still held
            let now = in_flight.now.fetch_sub(1, Ordering::SeqCst) - 1;
            event_as!(&who, "releasing, in flight = {now}");
            anyhow::Ok((page, fetched, posts))
        });
    }
    let mut crawl = Vec::with_capacity(pages as usize);
    while let Some(joined) = tasks.join_next().await {
        crawl.push(joined??); // Err: the task panicked (JoinError) or failed
    }
    sw.report("async");
    spans.finish()?; // before the checks: a run that breaks the bound keeps its timeline
    crawl.sort_by_key(|(page, ..)| *page);
    let crawl: Vec<_> = crawl.into_iter().map(|(_, f, p)| (f, p)).collect();
    let (account, found) = tally(&crawl)?; // prints the account, checks each page

    // The lesson's own check, on every run (faulty or not): the bound held,
    // and it was reached.
    let (max, bound) = (
        in_flight.max.load(Ordering::SeqCst),
        permits.min(pages as usize),
    );
    ensure!(
        max <= permits,
        "{max} tasks were in flight at once, more than the {permits} permits"
    );
    ensure!(
        max == bound,
        "at most {max} tasks were in flight at once, never the {bound} allowed"
    );
    println!("check: at most {permits} in flight, and {bound} reached");
    account.check()?; // exit 1 only if a page still failed after its retries
    ensure!(
        found == expected_posts(pages),
        "found {found} post links, expected {}",
        expected_posts(pages)
    );
    println!("check: {found} post links on {pages} pages");
    Ok(())
}
