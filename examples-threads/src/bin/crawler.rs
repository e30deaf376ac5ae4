//! The blog crawler: every page in turn on one thread, then one thread per
//! URL; pages that fail are retried, and every URL is accounted for.
//!
//! The notes crawl the blog only in their gevent example
//! (`001_02a52d28409d88e4.txt`), whose single-thread half is this bin's first
//! crawl, word for word:
//!
//! ```text
//! begin = time.time()
//! for url in blog_spider.urls:
//!     blog_spider.craw(url)
//! end = time.time()
//! print("single thread, cost = ", end - begin)
//! ```
//!
//! The second crawl, one `threading.Thread(target=craw, args=(url,))` per URL
//! and a `join()` on each, is the course's `multi_thread_craw` (not in the
//! notes), as is `blog_spider` itself: `craw(url)` is
//! `requests.get(url).text`, and a parse step pulls out every
//! `<a class="post-item-title">`. Here the blog is the local site
//! (`shared::site`, 100 ms per request), fetched with blocking `ureq` and
//! parsed with `scraper`. Fetching is waiting, so 50 threads that each wait
//! once finish in about one wait, not fifty.
//!
//! Added here, what a crawler you would copy needs (`shared::crawl`): a
//! timeout per request (`--timeout`, default 1 s: a slow answer is an error,
//! not a hang), up to `--attempts` tries per page (default 4, backoff 50,
//! 100, 200 ms), the other pages crawled whatever one page does, an account
//! of every URL after each crawl, and exit code 1 only if a page still failed
//! after its retries. The post links are absolute, so the first is followed.
//!
//! Run: `cargo run --release -p examples-threads --bin crawler -- --pages 50 --latency-ms 100`
//! (starts the site in this process). Against a faulty site, in one terminal
//! `cargo run -p shared --bin blog-site -- --error-rate 0.3 --slow-rate 0.2 --drop-rate 0.2 --seed 7`,
//! in another `cargo run -p examples-threads --bin crawler -- --site http://127.0.0.1:8000`.
//!
//! You should see `page N: K posts` from `main` in page order, `single
//! thread, cost = ~5.0 seconds` and the account (`50 pages: 50 ok, 0
//! retried, 0 failed`, then a line per retried or failed URL with each
//! attempt's cause: `HTTP 500`, `timed out after 1.0 s`, `connection
//! dropped`, `connection refused`); then the same page lines from `craw-1` ..
//! `craw-50` in an order that changes from run to run, `multi thread, cost =
//! ~0.2 seconds` and its account; the followed link, and `check: ...`.

use std::thread;

use anyhow::{Context, Result, anyhow, ensure};
use clap::Parser;
use shared::crawl::{CrawlArgs, Fetched, Retry, fetch_with_retry, tally};
use shared::event;
use shared::site::parse_posts;
use shared::timing::Stopwatch;

#[derive(Parser)]
#[command(allow_negative_numbers = true)] // `-1` is a value to refuse, not a flag
#[command(
    name = "crawler",
    about = "The blog crawler: single thread vs one thread per URL, with retries"
)]
struct Args {
    #[command(flatten)]
    crawl: CrawlArgs,
}

/// The notes' `craw(url)` plus the parse: fetch one list page (with retries),
/// count its post links (`None` if the page failed for good).
fn craw(page: u32, url: &str, retry: &Retry) -> (Fetched, Option<usize>) {
    let fetched = fetch_with_retry(url, retry);
    let posts = match &fetched.body {
        Ok(html) => {
            let n = parse_posts(html).len();
            event!("page {page}: {n} posts");
            Some(n)
        }
        Err(e) => {
            let tries = fetched.attempts();
            event!("page {page}: failed after {tries} attempts: {e}");
            None
        }
    };
    (fetched, posts)
}

fn single_thread(urls: &[String], retry: &Retry) -> Vec<(Fetched, Option<usize>)> {
    (1..)
        .zip(urls)
        .map(|(n, url)| craw(n, url, retry))
        .collect()
}

fn multi_thread(urls: &[String], retry: &Retry) -> Result<Vec<(Fetched, Option<usize>)>> {
    // A scope lets every thread borrow its URL; it joins them all before returning.
    thread::scope(|s| {
        let mut handles = Vec::new();
        for (n, url) in (1..).zip(urls) {
            let h = thread::Builder::new()
                .name(format!("craw-{n}"))
                .spawn_scoped(s, move || craw(n, url, retry))
                .context("cannot spawn a crawler thread")?;
            handles.push(h);
        }
        // unwrap on join(): a thread that panicked re-raises its panic here.
        Ok(handles.into_iter().map(|h| h.join().unwrap()).collect())
    })
}

fn main() -> Result<()> {
    shared::quiet_backtraces();
    shared::timing::epoch();
    let args = Args::parse();
    let (pages, retry) = (args.crawl.pages, args.crawl.retry.retry());
    let site = args.crawl.open_site()?; // serves while `site` lives
    println!("blog site: {} ({pages} pages)", site.url());
    let urls = site.page_urls(pages);

    let sw = Stopwatch::start();
    let single = single_thread(&urls, &retry);
    sw.report("single thread");
    let single_account = tally(&single)?.0;

    let sw = Stopwatch::start();
    let multi = multi_thread(&urls, &retry)?;
    sw.report("multi thread");
    let (multi_account, found) = tally(&multi)?;

    // The links are absolute (as on the original blog): follow the first one.
    if let Some((Fetched { body: Ok(html), .. }, _)) = multi.first() {
        let post = parse_posts(html)
            .into_iter()
            .next()
            .context("page 1 has no post")?;
        let page = fetch_with_retry(&post.href, &retry).body;
        let page = page.with_context(|| format!("following {}", post.href))?;
        ensure!(
            page.contains(&post.title),
            "{} is not {:?}",
            post.href,
            post.title
        );
        println!("followed {}: {:?}", post.href, post.title);
    }

    // Exit 1 only if a page still failed after its retries.
    for (label, account) in [
        ("single-thread", single_account),
        ("multi-thread", multi_account),
    ] {
        account
            .check()
            .map_err(|e| anyhow!("the {label} crawl: {e}"))?;
    }
    println!("check: both crawls found {found} post links on {pages} pages, as expected");
    Ok(())
}
