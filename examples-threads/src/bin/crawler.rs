//! The blog crawler: one thread for every page in turn, then one thread per URL.
//!
//! Mirrors the crawler notes: `craw(url)` fetches a list page
//! (`requests.get(url).text`) and the parse step pulls out every
//! `<a class="post-item-title">` (BeautifulSoup's `find_all`);
//! `single_thread()` crawls the URLs one after another, `multi_thread()`
//! starts one `threading.Thread(target=craw, args=(url,))` per URL and joins
//! them all. Here the blog is the local site (`shared::site`, 100 ms per
//! request), fetched with blocking `ureq` (`shared::site::fetch`) and parsed
//! with `scraper` (`shared::site::parse_posts`). Fetching is waiting, so 50
//! threads that each wait once finish in about one wait, not fifty.
//!
//! Run: `cargo run -p examples-threads --bin crawler -- --pages 50 --latency-ms 100`
//! (starts the site in this process), or against a running site: in one
//! terminal `cargo run -p shared --bin blog-site`, in another
//! `cargo run -p examples-threads --bin crawler -- --site http://127.0.0.1:8000`.
//!
//! You should see one `page N: K posts` line per page from `main`, in page
//! order, `single thread, cost = ~5.0 seconds`, then the same lines from
//! threads `craw-1` .. `craw-50` in an order that changes from run to run,
//! `multi thread, cost = ~0.2 seconds` (one wait, plus starting the threads), and
//! `check: ...`. If nothing listens at `--site`, an error naming the URL.

use std::thread;
use std::time::Duration;

use anyhow::{Context, Result, ensure};
use clap::Parser;
use examples_threads::site_or_local;
use shared::event;
use shared::site::{expected_posts, fetch, page_urls, parse_posts};
use shared::timing::Stopwatch;

#[derive(Parser)]
#[command(about = "The blog crawler: single thread vs one thread per URL")]
struct Args {
    /// Number of list pages to crawl.
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pages: u32,
    /// Latency of every request to the in-process site, in ms (not used with --site).
    #[arg(long, default_value_t = 100)]
    latency_ms: u64,
    /// Crawl an already running site (`cargo run -p shared --bin blog-site`) at this URL.
    #[arg(long)]
    site: Option<String>,
}

/// The notes' `craw(url)` plus the parse: fetch one list page, count its post links.
fn craw(page: usize, url: &str) -> Result<usize> {
    let html = fetch(url)?; // the error names the URL
    let posts = parse_posts(&html).len();
    event!("page {page}: {posts} posts");
    Ok(posts)
}

fn single_thread(urls: &[String]) -> Result<usize> {
    // Summing Results stops at the first error and returns it.
    urls.iter()
        .enumerate()
        .map(|(i, url)| craw(i + 1, url))
        .sum()
}

fn multi_thread(urls: &[String]) -> Result<usize> {
    // A scope lets every thread borrow its URL; it joins them all before returning.
    thread::scope(|s| {
        let mut handles = Vec::new();
        for (i, url) in urls.iter().enumerate() {
            let h = thread::Builder::new()
                .name(format!("craw-{}", i + 1))
                .spawn_scoped(s, move || craw(i + 1, url))
                .context("cannot spawn a crawler thread")?;
            handles.push(h);
        }
        // unwrap on join(): a thread that panicked re-raises its panic here.
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    })
}

fn main() -> Result<()> {
    shared::timing::epoch();
    let args = Args::parse();
    // Without --site, start the blog site in this process (its own thread,
    // its own tokio runtime); it stops when `_site` is dropped at the end.
    let latency = Duration::from_millis(args.latency_ms);
    let (_site, base) = site_or_local(args.site.as_deref(), args.pages, latency)?;
    println!("blog site: {base} ({} pages)", args.pages);
    let urls = page_urls(&base, args.pages);
    let hint = || {
        format!(
            "crawling {base} failed (is `cargo run -p shared --bin blog-site` running there, with at least {} pages?)",
            args.pages
        )
    };

    let sw = Stopwatch::start();
    let single = single_thread(&urls).with_context(hint)?;
    sw.report("single thread");

    let sw = Stopwatch::start();
    let multi = multi_thread(&urls).with_context(hint)?;
    sw.report("multi thread");

    let expected = expected_posts(args.pages);
    ensure!(
        single == expected && multi == expected,
        "found {single} (single thread) and {multi} (multi thread) post links, expected {expected}"
    );
    println!(
        "check: both crawls found {expected} post links on {} pages, as expected",
        args.pages
    );
    Ok(())
}
