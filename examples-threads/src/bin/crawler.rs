//! The blog crawler: every page in turn on one thread, then one thread per
//! URL; pages that fail are retried, and every URL is accounted for.
//!
//! The notes' gevent example (`001_02a52d28409d88e4.txt`) has the
//! single-thread crawl, word for word:
//!
//! ```text
//! begin = time.time()
//! for url in blog_spider.urls:
//!     blog_spider.craw(url)
//! end = time.time()
//! print("single thread, cost = ", end - begin)
//! ```
//!
//! The second crawl, a `threading.Thread(target=blog_spider.craw, args=(url,))`
//! per URL, each started, then each joined, is the course's
//! `01. multi_thread_craw.py` (not in the notes); the blog is the local site
//! (100 ms a request). Added here: each page's timeout and retries
//! (`--attempts`, `--timeout`), an account of every URL after each crawl, exit
//! code 1 only if a page failed; the links are absolute, so the first is followed.
//! Ctrl-C: no new page or attempt, the pages in flight end, then the account of
//! every URL (done, failed, not fetched) and exit code 130.
//!
//! Run: `cargo run --release -p examples-threads --bin crawler -- --pages 50`
//! (starts the site here), or against a faulty site: in one terminal
//! `cargo run -p shared --bin blog-site -- --error-rate 0.3 --drop-rate 0.2 --seed 7`,
//! in another `cargo run -p examples-threads --bin crawler -- --site http://127.0.0.1:8000`.
//!
//! You should see `page N: K posts` from `main` in page order, `single thread,
//! cost = ~5.0 seconds`, the account; the same pages from `craw-1`..`craw-50`
//! in an order that changes from run to run, `multi thread, cost = ~0.2
//! seconds`, its account; the followed link, the check and the answer.

use std::sync::atomic::Ordering::Relaxed;
use std::thread;

use anyhow::Result;
use clap::Parser;
use shared::crawl::{CrawlArgs, Fetched, Retry, STOP, exit_if_stopped, fetch_with_retry, tally};
use shared::{event, site::parse_posts, timing::timed};
// event! = println with the elapsed time and the thread's name; timed(label, f) prints
// `label, cost = X seconds` (shared/src/timing.rs).

/// The blog crawler: one thread, then a thread per URL.
#[derive(Parser)]
#[command(name = "crawler", allow_negative_numbers = true)] // `-1`: a value to refuse, not a flag
struct Args {
    #[command(flatten)]
    crawl: CrawlArgs,
    /// Run one crawl only (default: both, then follow a link).
    #[arg(long, value_parser = ["single", "multi"])]
    only: Option<String>,
}

// ANCHOR: craw craw(url): fetch one list page, parse its post links
/// blog_spider.craw(url), then its parse: the post links on one list page
/// (`None`: Ctrl-C has set the stop flag, the page is not started).
fn craw(page: u32, url: &str, retry: &Retry) -> Option<(Fetched, Option<usize>)> {
    if STOP.load(Relaxed) {
        return None;
    }
    let fetched = fetch_with_retry(url, retry); // timeout + retries (shared/src/crawl.rs)
    // None: failed for good, named in the account
    let posts = fetched.body.as_ref().ok().map(|html| parse_posts(html).len());
    posts.inspect(|n| event!("page {page}: {n} posts"));
    Some((fetched, posts))
}
// ANCHOR_END: craw

// ANCHOR: single single_thread: one page after another
fn single_thread(urls: &[String], retry: &Retry) -> Vec<(Fetched, Option<usize>)> {
    (1..).zip(urls).map_while(|(page, url)| craw(page, url, retry)).collect() // pages from 1
}
// ANCHOR_END: single

// ANCHOR: multi multi_thread: a thread per URL, started, then joined
fn multi_thread(urls: &[String], retry: &Retry) -> Result<Vec<(Fetched, Option<usize>)>> {
    // A scope lets every thread borrow its URL; it joins any thread not joined by its end.
    thread::scope(|s| {
        let mut threads = Vec::new();
        for (n, url) in (1..).zip(urls) {
            let t = thread::Builder::new().name(format!("craw-{n}"));
            threads.push(t.spawn_scoped(s, move || craw(n, url, retry))?);
        }
        // unwrap on join(): a thread that panicked re-raises its panic here.
        Ok(threads.into_iter().filter_map(|t| t.join().unwrap()).collect())
    })
}
// ANCHOR_END: multi

// ANCHOR: main main: both crawls timed, every URL accounted for, checked
fn main() -> Result<()> {
    let _run = shared::init()?; // quiet backtraces, the clock, spans if compare asked (shared/src/lib.rs)
    let args = Args::parse();
    let (pages, retry, only) = (args.crawl.pages, args.crawl.retry(), args.only.as_deref());
    let site = args.crawl.open_site()?; // --site, or a blog site served from here while `site` lives
    ctrlc::set_handler(|| STOP.store(true, Relaxed))?; // Ctrl-C: the crawl's stop flag (shared/src/crawl.rs)
    println!("blog site: {} ({pages} pages)", site.url());
    let urls = site.page_urls(pages);
    let mut accounts = Vec::new(); // (crawl, (its account, the post links it found))

    if only != Some("multi") {
        let single = timed("single thread", || single_thread(&urls, &retry));
        exit_if_stopped(&single, &urls); // Ctrl-C: the account of every URL (done, failed, not fetched), exit 130
        // tally: prints the account of every URL, checks each page's post links.
        accounts.push(("the single-thread crawl", tally(&single)?));
    }
    if only != Some("single") {
        let multi = timed("multi thread", || multi_thread(&urls, &retry))?;
        exit_if_stopped(&multi, &urls);
        accounts.push(("the multi-thread crawl", tally(&multi)?));
        if only.is_none() {
            // The links are absolute, as on the real blog: follow the first one.
            examples_threads::check::follow_first_post(&multi[0].0, &retry)?;
        }
    }
    // Exit 1 only if a page still failed after its retries (both crawls ran first).
    let found = examples_threads::check::crawls(&accounts, pages)?; // prints `check: ...`
    println!("answer: {}", shared::report::crawl_answer(found, pages));
    Ok(())
}
// ANCHOR_END: main
