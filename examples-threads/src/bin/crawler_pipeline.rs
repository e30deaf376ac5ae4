//! A producer-consumer crawler that ends by itself: 3 fetch threads ->
//! channel -> 2 parse threads -> file.
//!
//! The notes give the pieces: a queue between threads, word for word
//! (`001_02a52d28409d88e4.txt`, 数据通信, "data communication"):
//!
//! ```text
//! - import queue
//! q = queue.Queue()
//! q.put(item)
//! item = q.get()
//! ```
//!
//! and 「透過 queue.Queue 配合 threading.Thread 可以達到一進一出 (wait / notify)
//! 的效果。」 ("queue.Queue with threading.Thread gives one-in, one-out, the
//! effect of wait / notify", `002_bdfb11ea434acb50.txt`). The crawler itself is
//! the course's producer-consumer program (not in the notes): three `do_craw`
//! threads take URLs from `url_queue`, fetch them and put the HTML on
//! `html_queue`; two `do_parse` threads write every post to one file.
//! Changed from it, and why:
//! - its threads loop `while True`, so it never exits: here the queues are
//!   crossbeam channels and shutdown flows down the pipe as senders drop.
//!   Main drops the URL sender after the last URL, so each fetch loop ends
//!   once the channel is empty; the fetch threads own the only HTML senders,
//!   so when the last one ends, the parse loops end too (no sentinel);
//! - it never closes its output file, so buffered lines may never reach the
//!   disk: here the buffer is flushed (a write error is reported) and the
//!   file closed before it is read back;
//! - it sleeps 1-2 s after every item to look busy: dropped;
//! - it stops at the first failed fetch: here each page gets a timeout and
//!   retries (`shared::crawl`, `--attempts`, `--timeout`); a page that still
//!   fails is left out of the file and named in the account printed at the
//!   end, and only then does the program exit 1.
//!
//! Run: `cargo run -p examples-threads --bin crawler_pipeline -- --pages 50 --out /tmp/posts.txt`
//! (add `--site http://127.0.0.1:8000` to crawl a running
//! `cargo run -p shared --bin blog-site -- --error-rate 0.3 --drop-rate 0.2`).
//!
//! You should see `craw` lines from `craw0`..`craw2` and `parse` lines from
//! `parse0`/`parse1`, interleaved differently on each run, the cost line, the
//! account (`50 pages: 50 ok, 0 retried, 0 failed`), `results: <path> (N
//! lines)` (a `page<TAB>href<TAB>title` line per post, pages in any order),
//! the check, and then the program exits.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::sync::Mutex;
use std::thread;

use anyhow::{Context, Result};
use clap::Parser;
use crossbeam::channel::{Receiver, Sender, unbounded};
use examples_threads::check;
use shared::crawl::{Account, CrawlArgs, Retry, fetch_with_retry};
use shared::event;
use shared::site::parse_posts;
use shared::timing::Stopwatch;

#[derive(Parser)]
#[command(allow_negative_numbers = true)] // `-1` is a value to refuse, not a flag
#[command(
    name = "crawler_pipeline",
    about = "Producer-consumer crawler: fetch threads -> channel -> parse threads -> file"
)]
struct Args {
    #[command(flatten)]
    crawl: CrawlArgs,
    /// Results file, one `page<TAB>href<TAB>title` line per post.
    #[arg(long, default_value_os_t = std::env::temp_dir().join("crawler_pipeline.txt"))]
    out: PathBuf,
}

const FETCHERS: usize = 3;
const PARSERS: usize = 2;

/// The course's `do_craw`: URL in, HTML out, until the URL channel is closed
/// and empty. Every URL's attempts go into `account`.
fn do_craw(
    url_rx: Receiver<(u32, String)>,
    html_tx: Sender<(u32, String)>,
    retry: &Retry,
    account: &Mutex<Account>,
) -> Result<()> {
    for (page, url) in url_rx.iter() {
        let fetched = fetch_with_retry(&url, retry);
        // unwrap on lock(): poisoned only if a thread panicked holding it.
        account.lock().unwrap().record(&fetched);
        let tries = fetched.attempts();
        let html = match fetched.body {
            Ok(html) => html,
            Err(e) => {
                event!("craw {url} failed after {tries} attempts: {e}");
                continue; // the other pages go on
            }
        };
        event!("craw {url}, url_queue.size={}", url_rx.len());
        // Fails only if every parse thread is gone (main holds no receiver).
        html_tx
            .send((page, html))
            .context("every parse thread has ended")?;
    }
    Ok(()) // html_tx drops here: one sender fewer
}

/// The course's `do_parse`: HTML in, one line per post into the shared file,
/// until every HTML sender is gone.
fn do_parse(html_rx: Receiver<(u32, String)>, out: &Mutex<BufWriter<File>>) -> Result<()> {
    for (page, html) in html_rx.iter() {
        let posts = parse_posts(&html);
        // One lock per page keeps that page's lines together in the file.
        let mut w = out.lock().unwrap();
        for p in &posts {
            writeln!(w, "{page}\t{}\t{}", p.href, p.title)?;
        }
        drop(w);
        let (n, left) = (posts.len(), html_rx.len());
        event!("parse page {page}: {n} posts, html_queue.size={left}");
    }
    Ok(())
}

fn main() -> Result<()> {
    shared::quiet_backtraces();
    shared::timing::epoch();
    let args = Args::parse();
    let retry = args.crawl.retry.retry();
    let site = args.crawl.open_site()?; // serves while `site` lives
    let out = &args.out;
    let file = File::create(out).with_context(|| format!("cannot create {}", out.display()))?;
    let writer = Mutex::new(BufWriter::new(file));
    let account = Mutex::new(Account::new());
    println!("blog site: {}, results to {}", site.url(), out.display());

    let sw = Stopwatch::start();
    let (url_tx, url_rx) = unbounded();
    let (html_tx, html_rx) = unbounded();
    for (page, url) in (1..).zip(site.page_urls(args.crawl.pages)) {
        url_tx.send((page, url))?; // unbounded, and url_rx is alive: cannot fail
    }
    drop(url_tx); // no more URLs: once the channel is empty, recv() fails

    thread::scope(|s| -> Result<()> {
        let mut threads = Vec::new();
        for i in 0..FETCHERS {
            let (url_rx, html_tx) = (url_rx.clone(), html_tx.clone());
            let (retry, account) = (&retry, &account);
            let b = thread::Builder::new().name(format!("craw{i}"));
            let h = b.spawn_scoped(s, move || do_craw(url_rx, html_tx, retry, account));
            threads.push(h.context("cannot spawn a fetch thread")?);
        }
        // Now only the fetch threads hold URL receivers and HTML senders.
        drop((url_rx, html_tx));
        for i in 0..PARSERS {
            let (html_rx, writer) = (html_rx.clone(), &writer);
            let b = thread::Builder::new().name(format!("parse{i}"));
            let h = b.spawn_scoped(s, move || do_parse(html_rx, writer));
            threads.push(h.context("cannot spawn a parse thread")?);
        }
        drop(html_rx); // only the parse threads receive HTML: see do_craw's send
        // unwrap on join(): re-raise a thread's panic; `?` returns its error.
        threads.into_iter().try_for_each(|h| h.join().unwrap())
    })?;
    // Flush the buffer and close the file (the course's program never does).
    let file = writer.into_inner().unwrap().into_inner();
    drop(file.context("writing the results")?);
    sw.report("pipeline");
    let account = account.into_inner().unwrap();
    account.print();

    // Each fetched page's posts in the file once, failed pages absent.
    check::results_file(out, args.crawl.pages, &account)?;
    account.check() // exit 1 only if a page still failed after its retries
}
