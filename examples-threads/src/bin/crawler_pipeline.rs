//! A producer-consumer crawler that ends by itself: 3 fetch threads ->
//! channel -> 2 parse threads -> file.
//!
//! The notes' queue between threads (`001_02a52d28409d88e4.txt`), word for word:
//!
//! ```text
//! - import queue
//! q = queue.Queue()
//! q.put(item)
//! item = q.get()
//! ```
//!
//! The crawler is the course's `02. producer_consumer_spider.py` (not in the
//! notes): three `do_craw` threads take URLs from `url_queue` and put the HTML
//! on `html_queue`; two `do_parse` threads write every post to one file.
//! Changed from it: its threads loop `while True` and never exit, so here the
//! queues are crossbeam channels and shutdown flows down the pipe as senders
//! drop (no sentinel); its file is never closed, here each page is written
//! under one lock and the file is closed, then checked; its 1-2 s sleeps are
//! dropped; a page that fails after its retries (`--attempts`, `--timeout`)
//! is left out and named in the account, and then the exit code is 1.
//! The file is written as `PATH.PID.part` and renamed to `PATH` once checked,
//! so no one sees a partial file there, even with two runs at once. Ctrl-C:
//! no new page is started, the pages in flight end, the part file goes, the
//! account says which pages were done, failed or not fetched; exit code 130.
//!
//! Run: `cargo run -p examples-threads --bin crawler_pipeline -- --pages 50 --out /tmp/posts.txt`
//! (add `--site http://127.0.0.1:8000` to crawl a running
//! `cargo run -p shared --bin blog-site -- --error-rate 0.3 --drop-rate 0.2`).
//!
//! You should see `craw` lines from `craw0`..`craw2` and `parse` lines from
//! `parse0`/`parse1`, interleaved differently on each run, the cost line, the
//! account, `results: <path> (N lines)` (a `page<TAB>href<TAB>title` line per
//! post), the check, and then the program exits.

use std::fs::File;
use std::io::Write;
use std::path::PathBuf;
use std::sync::{Mutex, atomic::Ordering::Relaxed};
use std::thread;

use anyhow::{Context, Result};
use clap::Parser;
use crossbeam::channel::{Receiver, Sender, unbounded};
use shared::crawl::{Account, CrawlArgs, Retry, STOP, fetch_with_retry};
use shared::{event, site::parse_posts, timing::timed};
// event! = println with the elapsed time and the thread's name; timed(label, f) prints
// `label, cost = X seconds` (shared/src/timing.rs).

/// Producer-consumer crawler: fetch threads -> channel -> parse threads -> file.
#[derive(Parser)]
#[command(name = "crawler_pipeline", allow_negative_numbers = true)] // `-1`: a value to refuse
struct Args {
    #[command(flatten)]
    crawl: CrawlArgs,
    /// Results file, one `page<TAB>href<TAB>title` line per post.
    #[arg(long, default_value_os_t = std::env::temp_dir().join("crawler_pipeline.txt"))]
    out: PathBuf,
}

type Page = (u32, String); // (page number, its URL or its HTML)

/// The course's `do_craw`: URL in, HTML out, until the URL channel is closed and empty.
fn do_craw(urls: Receiver<Page>, htmls: Sender<Page>, retry: &Retry, account: &Mutex<Account>) {
    // Ctrl-C (the stop flag set): no new page.
    for (page, url) in urls.iter().take_while(|_| !STOP.load(Relaxed)) {
        let fetched = fetch_with_retry(&url, retry); // timeout + retries (shared/src/crawl.rs)
        account.lock().unwrap().record(&fetched); // unwrap: poisoned only if a thread panicked
        let Ok(html) = fetched.body else { continue }; // failed for good: named in the account
        event!("craw {url}, url_queue.size={}", urls.len());
        let _ = htmls.send((page, html)); // fails only if every parse thread is gone
    }
} // `htmls` drops here: one sender fewer; the last one gone ends the parse loops

/// The course's `do_parse`: HTML in, a line per post into the shared file, until no sender is left.
fn do_parse(htmls: Receiver<Page>, out: &Mutex<File>) -> Result<()> {
    for (page, html) in htmls.iter() {
        let posts = parse_posts(&html);
        let mut file = out.lock().unwrap(); // held for the page: its lines stay together
        posts.iter().try_for_each(|p| writeln!(file, "{page}\t{}\t{}", p.href, p.title))?;
        event!("parse page {page}: {} posts, html_queue.size={}", posts.len(), htmls.len());
    }
    Ok(())
}

fn main() -> Result<()> {
    let _run = shared::init()?; // quiet backtraces, the clock, spans if compare asked (shared/src/lib.rs)
    let args = Args::parse();
    let site = args.crawl.open_site()?; // --site, or a blog site served from here while `site` lives
    ctrlc::set_handler(|| STOP.store(true, Relaxed))?; // Ctrl-C: the crawl's stop flag (shared/src/crawl.rs)
    let (path, mut part) = (&args.out, args.out.clone().into_os_string());
    part.push(format!(".{}.part", std::process::id())); // this run's file, renamed to `path` once complete
    let file = File::create(&part).with_context(|| format!("cannot create {}", path.display()))?;
    let (out, account) = (Mutex::new(file), Mutex::new(Account::new()));
    let (retry, account_ref) = (args.crawl.retry(), &account);

    let ((url_tx, url_rx), (html_tx, html_rx)) = (unbounded(), unbounded()); // queue.Queue() x 2
    // Every URL queued at once: the channel is unbounded, and url_rx is alive, so no send fails.
    let urls = site.page_urls(args.crawl.pages);
    (1..).zip(urls.clone()).try_for_each(|page| url_tx.send(page))?;
    drop(url_tx); // no more URLs: once the channel is empty, the fetch loops end
    timed("pipeline", || {
        thread::scope(|s| -> Result<()> {
            for i in 0..3 {
                let (urls, htmls, retry) = (url_rx.clone(), html_tx.clone(), &retry);
                let b = thread::Builder::new().name(format!("craw{i}")); // three, as in the course
                b.spawn_scoped(s, move || do_craw(urls, htmls, retry, account_ref))?;
            }
            drop(html_tx); // now only the fetch threads hold HTML senders
            let mut parsers = Vec::new();
            for i in 0..2 {
                let (htmls, out) = (html_rx.clone(), &out);
                let b = thread::Builder::new().name(format!("parse{i}")); // and two
                parsers.push(b.spawn_scoped(s, move || do_parse(htmls, out))?);
            }
            // unwrap on join(): re-raise a thread's panic; `?` returns its error.
            parsers.into_iter().try_for_each(|t| t.join().unwrap())
        })
    })?;
    drop(out); // close the file (the course's program never does)
    let account = account.into_inner().unwrap(); // every thread has ended
    if STOP.load(Relaxed) {
        let _ = std::fs::remove_file(&part); // stopped: no partial file; the last complete one stays
    }
    account.exit_if_stopped(&urls); // if stopped: the account of every URL (done, failed, not fetched), exit 130
    // Read it back: each fetched page's posts in the file once, failed pages absent; rename
    // it to `path`; exit 1 only if a page still failed after its retries.
    examples_threads::check::results_file(part.as_ref(), path, args.crawl.pages, &account)
}
