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
//! For the comparison harness (`compare`), also added: `--only single` or
//! `--only multi` runs one crawl and its check, and skips the followed link,
//! so a process does that one job; `--json` ends the output with one JSON
//! line, the run's report (`shared::report`: params `pages`, `only` and, with
//! its own site, `latency_ms`; a cost per cost line; the answer `"N post
//! links on P pages"`); `--spans FILE` writes one JSON line per page fetched
//! and parsed (`shared::spans`), on row `main` in the single crawl and
//! `craw-N` in the threaded one, labelled `page N`.
//!
//! Run: `cargo run --release -p examples-threads --bin crawler -- --pages 50 --latency-ms 100`
//! (starts the site in this process). Against a faulty site, in one terminal
//! `cargo run -p shared --bin blog-site -- --error-rate 0.3 --slow-rate 0.2 --drop-rate 0.2 --seed 7`,
//! in another `cargo run -p examples-threads --bin crawler -- --site http://127.0.0.1:8000`.
//! One crawl, reported and drawn:
//! `cargo run --release -p examples-threads --bin crawler -- --only multi --json --spans /tmp/spans.jsonl`.
//!
//! You should see `page N: K posts` from `main` in page order, `single
//! thread, cost = ~5.0 seconds` and the account (`50 pages: 50 ok, 0
//! retried, 0 failed`, then a line per retried or failed URL with each
//! attempt's cause: `HTTP 500`, `timed out after 1.0 s`, `connection
//! dropped`, `connection refused`); then the same page lines from `craw-1` ..
//! `craw-50` in an order that changes from run to run, `multi thread, cost =
//! ~0.2 seconds` and its account; the followed link, and `check: ...`. With
//! `--only`, one crawl's lines and `check: the multi-thread crawl found ...`;
//! with `--json`, last, `{"program":"crawler",...,"answer":"727 post links
//! on 50 pages"}`; with `--spans`, the file holds 50 spans on `main`, one
//! after another, and one on each of `craw-1`..`craw-50`.

use std::thread;

use anyhow::{Context, Result, anyhow};
use clap::{Parser, ValueEnum};
use examples_threads::{Harness, check::follow_first_post};
use shared::crawl::{CrawlArgs, Fetched, Retry, fetch_with_retry, tally};
use shared::event;
use shared::report::{crawl_answer, crawl_report, value_name};
use shared::site::parse_posts;
use shared::spans::{SpanFile, span};
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
    /// Run one crawl only, with its check (default: both, then the followed link).
    #[arg(long, value_enum, default_value_t = Only::All)]
    only: Only,
    #[command(flatten)]
    harness: Harness,
}

#[derive(Clone, Copy, PartialEq, ValueEnum)]
enum Only {
    Single,
    Multi,
    All,
}

/// The notes' `craw(url)` plus the parse: fetch one list page (with retries),
/// count its post links (`None` if the page failed for good).
fn craw(page: u32, url: &str, retry: &Retry) -> (Fetched, Option<usize>) {
    let _span = span(format_args!("page {page}")); // this thread's row, until the parse ends
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
    let spans = SpanFile::create(args.harness.spans.as_deref())?; // a bad path fails now
    let runs = |crawl| args.only == Only::All || args.only == crawl;
    let (pages, retry) = (args.crawl.pages, args.crawl.retry.retry());
    let site = args.crawl.open_site()?; // serves while `site` lives
    println!("blog site: {} ({pages} pages)", site.url());
    let urls = site.page_urls(pages);
    let mut report = crawl_report("crawler", &args.crawl).param("only", value_name(&args.only));
    let (mut accounts, mut found) = (Vec::new(), 0);

    if runs(Only::Single) {
        let sw = Stopwatch::start();
        let single = single_thread(&urls, &retry);
        report.cost("single thread", sw.report("single thread"));
        let (account, posts) = tally(&single)?;
        accounts.push(("single-thread", account));
        found = posts;
    }

    if runs(Only::Multi) {
        let sw = Stopwatch::start();
        let multi = multi_thread(&urls, &retry)?;
        report.cost("multi thread", sw.report("multi thread"));
        let (account, posts) = tally(&multi)?;
        accounts.push(("multi-thread", account));
        found = posts;
        if let (Only::All, Some((page_1, _))) = (args.only, multi.first()) {
            follow_first_post(page_1, &retry)?; // a step of the full demo, not of the job
        }
    }
    spans.finish()?; // before the checks: a failed crawl's timeline is kept too

    // Exit 1 only if a page still failed after its retries.
    for (label, account) in &accounts {
        account
            .check()
            .map_err(|e| anyhow!("the {label} crawl: {e}"))?;
    }
    let crawls = match &accounts[..] {
        [(label, _)] => format!("the {label} crawl"),
        _ => "both crawls".to_string(),
    };
    println!("check: {crawls} found {found} post links on {pages} pages, as expected");
    report.answer(crawl_answer(found, pages));
    report.print_if(args.harness.json);
    Ok(())
}
