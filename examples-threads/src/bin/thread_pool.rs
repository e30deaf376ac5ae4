//! A thread pool crawls the blog: `map` fetches every page, then `submit` +
//! `as_completed` parses them, each result yielded as its job finishes.
//!
//! The course's thread-pool lesson (`04. thread_pool.py`, not in the notes):
//!
//! ```text
//! with concurrent.futures.ThreadPoolExecutor() as pool:
//!     htmls = pool.map(blog_spider.craw, blog_spider.urls)
//! ...
//!         future = pool.submit(blog_spider.parse, html)
//!         futures[future] = url
//!     for future in concurrent.futures.as_completed(futures):
//! ```
//!
//! The pools notes (`004_204d9a897d7f9bf9.txt`) size it `max_workers=20`, as
//! `--workers` does; `result_orders` shows the three result orders exactly.
//! Added here: each page's timeout and retries (`--attempts`, `--timeout`),
//! failed pages left unparsed, an account of every URL, exit code 1 only if a
//! page failed; `--only map` does the whole crawl, fetch and parse, in `map`
//! (what `compare` times). Ctrl-C: the pool starts no new page, the pages in
//! flight end, then the account of every URL (done, failed, not fetched) and
//! exit code 130.
//!
//! Run: `cargo run -p examples-threads --bin thread_pool -- --pages 50 --workers 20`
//! (starts the site in this process; `--site http://127.0.0.1:8000` crawls a
//! running one).
//!
//! You should see `craw` lines from `pool_N` threads in any order, `map`'s
//! pages in page order, `as_completed` lines in an order that changes from
//! run to run, the account, the check, and `answer: 727 post links on 50 pages`.

use std::sync::atomic::Ordering::Relaxed;

use anyhow::Result;
use clap::Parser;
use crossbeam::channel::unbounded;
use rayon::prelude::*;
use shared::crawl::{CrawlArgs, Fetched, Retry, STOP, exit_if_stopped, fetch_with_retry, tally};
use shared::timing::{Stopwatch, timed};
use shared::{event, site::parse_posts};
// event! = println with the elapsed time and the thread's name; timed(label, f) and
// Stopwatch::report(label) print `label, cost = X seconds` (shared/src/timing.rs).

/// ThreadPoolExecutor's map and submit + as_completed, crawling the blog.
#[derive(Parser)]
#[command(name = "thread_pool", allow_negative_numbers = true)] // `-1`: a value to refuse
struct Args {
    #[command(flatten)]
    crawl: CrawlArgs,
    /// Threads in the pool (Python's max_workers; the notes use 20).
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u16).range(1..=256))]
    workers: u16,
    /// Crawl through map alone, each job fetching and parsing its page.
    #[arg(long, value_parser = ["map"])]
    only: Option<String>,
}

/// blog_spider.craw(url), on a pool thread; with `parse`, the parse too
/// (`None`: Ctrl-C has set the stop flag, the page is not started).
fn craw(url: &str, retry: &Retry, parse: bool) -> Option<(Fetched, Option<usize>)> {
    if STOP.load(Relaxed) {
        return None;
    }
    let fetched = fetch_with_retry(url, retry); // timeout + retries (shared/src/crawl.rs)
    let html = fetched.body.as_ref().ok(); // None: failed for good, named in the account
    html.inspect(|html| event!("craw {url}: {} bytes", html.len()));
    let posts = html.filter(|_| parse).map(|html| parse_posts(html).len());
    Some((fetched, posts))
}

fn main() -> Result<()> {
    let _run = shared::init()?; // quiet backtraces, the clock, spans if compare asked (shared/src/lib.rs)
    let args = Args::parse();
    let site = args.crawl.open_site()?; // --site, or a blog site served from here while `site` lives
    ctrlc::set_handler(|| STOP.store(true, Relaxed))?; // Ctrl-C: the crawl's stop flag (shared/src/crawl.rs)
    let (pages, retry, map_only) = (args.crawl.pages, args.crawl.retry(), args.only.is_some());
    let urls = site.page_urls(pages);
    // ThreadPoolExecutor(max_workers=20): a rayon pool of our own, sized for waiting on the
    // site (rayon's global pool is sized for CPU work).
    let pool = rayon::ThreadPoolBuilder::new().num_threads(args.workers.into());
    let pool = pool.thread_name(|i| format!("pool_{i}")).build()?; // as ThreadPoolExecutor names them

    // 1. pool.map(craw, urls): `collect` puts each result in its slot, so input order.
    let craw = |url: &String| craw(url, &retry, map_only);
    let mut crawl: Vec<_> =
        timed("map", || pool.install(|| urls.par_iter().filter_map(craw).collect()));
    exit_if_stopped(&crawl, &urls); // Ctrl-C: the account of every URL (done, failed, not fetched), exit 130
    let order = examples_threads::page_numbers(crawl.iter().map(|(f, _)| f.url.as_str()));
    event!("map (input order): pages {order:?}");

    // 2. pool.submit(parse, html) per fetched page; as_completed yields each as it is done.
    if !map_only {
        let (sw, (tx, rx)) = (Stopwatch::start(), unbounded());
        for (i, (fetched, _)) in crawl.iter().enumerate() {
            let Ok(html) = fetched.body.clone() else { continue }; // failed: in the account
            let tx = tx.clone(); // the index travels with the result: `futures[future] = url`
            // spawn returns no future: the job sends its result down the channel
            // (Err only if main is gone, and then nobody wants it).
            pool.spawn(move || tx.send((i, parse_posts(&html).len())).unwrap_or(()));
        }
        drop(tx); // so rx.iter() ends after the last job's send
        for (i, posts) in rx.iter() {
            event!("as_completed: {}: {posts} posts", urls[i]);
            crawl[i].1 = Some(posts); // into its page's slot: sorted back by the index
        }
        sw.report("submit + as_completed");
    }

    // tally prints the account and checks each page's post links; exit 1 only if a
    // page still failed after its retries, else `check: the pool found N post links ...`.
    let found = examples_threads::check::crawls(&[("the pool", tally(&crawl)?)], pages)?;
    println!("answer: {}", shared::report::crawl_answer(found, pages));
    Ok(())
}
