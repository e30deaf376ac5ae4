//! Graceful shutdown (added here): the async crawler stopped well. On Ctrl-C
//! (or `--stop-after SECONDS`) it starts no new page, lets the pages in flight
//! finish, prints the account of every URL (done / not started), exits 130.
//!
//! tokio-util's `CancellationToken` is the stop signal every task can await
//! (`token.cancelled()`) and `TaskTracker` waits for every task it spawned,
//! without their handles (`close()`, then `wait()`). The twin: an
//! `asyncio.Event`, a `TaskGroup`, and `loop.add_signal_handler(SIGINT, ...)`
//! (not on Windows: there a Ctrl-C cancels every task, in flight too). The
//! notes' crawler (`crawler_async`) has no way to stop but killing it.
//! A Ctrl-C reaches the whole process group (here: this one process).
//!
//! Run: `cargo run -p examples-async --bin graceful_shutdown -- --latency-ms 500`
//! and press Ctrl-C after a few pages (it starts a 50-page site in this
//! process; `--site URL` crawls a running `blog-site`; `--stop-after 1.2`).
//!
//! You should see `page N: started` and `page N: K posts` from tasks
//! `worker-1` and `worker-2`, main's `Ctrl-C: no new pages`,
//! the pages in flight finish (each started page has its posts line), and
//! `account: 50 pages: D done, S not started [...]`, exit code 130. Without
//! a stop: every page done, exit 0.

use std::{sync::Arc, sync::Mutex, time::Duration};

use anyhow::Result;
use clap::Parser;
use examples_async::crawlers::{say, tokio_fetch};
use shared::{crawl::CrawlArgs, event, timing::named, workload::positive_secs_arg};
use tokio_util::{sync::CancellationToken, task::TaskTracker};

/// Tasks fetching, one page at a time each.
const WORKERS: u32 = 2;

/// The async crawler stopped well: Ctrl-C lets the pages in flight finish
#[derive(Parser)]
struct Args {
    #[command(flatten)] // --pages, --latency-ms, --site, --attempts, --timeout (shared::crawl)
    crawl: CrawlArgs,
    /// Stop as a Ctrl-C does, after this many seconds.
    #[arg(long, value_parser = positive_secs_arg)]
    stop_after: Option<Duration>,
}

#[tokio::main]
async fn main() -> Result<()> {
    let _run = shared::init()?; // quiet errors, the clock of event! (shared/src/lib.rs)
    let args = Args::parse();
    // `--site URL`, or a blog site in this process (the site is up while `site` lives)
    let (site, pages, retry) = (args.crawl.open_site()?, args.crawl.pages, args.crawl.retry());
    let (token, tracker) = (CancellationToken::new(), TaskTracker::new());
    let todo = Arc::new(Mutex::new((1..).zip(site.page_urls(pages)))); // pages not taken yet
    for w in 1..=WORKERS {
        let (token, todo, client) = (token.clone(), Arc::clone(&todo), reqwest::Client::new());
        tracker.spawn(named(format!("worker-{w}"), async move {
            // The stop is checked between pages: a page taken is fetched to its end.
            // (unwrap on lock(): poisoned only if a task panicked holding it)
            let next = || (!token.is_cancelled()).then(|| todo.lock().unwrap().next()).flatten();
            while let Some((page, url)) = next() {
                event!("page {page}: started"); // println + time + task (shared/src/timing.rs)
                say(page, &tokio_fetch(client.clone(), url, retry).await); // `page 3: 17 posts`
            }
        }));
    }
    tracker.close(); // no more tasks: wait() ends once these have
    let stopped = tokio::select! {
        () = tracker.wait() => None,
        signal = tokio::signal::ctrl_c() => Some(signal.map(|()| "Ctrl-C")?),
        // No --stop-after: a sleep that never ends.
        () = tokio::time::sleep(args.stop_after.unwrap_or(Duration::MAX)) => Some("--stop-after"),
    };
    if let Some(why) = stopped {
        event!("{why}: no new pages; the pages in flight finish");
        token.cancel();
        tracker.wait().await;
    }
    let not_started: Vec<u32> = todo.lock().unwrap().by_ref().map(|(page, _)| page).collect();
    let (done, left) = (pages as usize - not_started.len(), not_started.len());
    println!("account: {pages} pages: {done} done, {left} not started {not_started:?}");
    if stopped.is_some() {
        std::process::exit(130); // 128 + SIGINT, as a shell reports a Ctrl-C
    }
    Ok(())
}
