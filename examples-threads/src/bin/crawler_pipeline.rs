//! A crawler pipeline that ends by itself: 3 fetch threads -> channel ->
//! 2 parse threads -> file.
//!
//! Mirrors the crawler notes' producer-consumer crawler: three `do_craw`
//! threads take URLs from `url_queue` (`queue.Queue()`), fetch them and put
//! the HTML on `html_queue`; two `do_parse` threads parse it and write every
//! post to one shared file. The notes' threads loop `while True` (and sleep
//! 1-2 s per item), so that program never exits.
//!
//! Here the queues are crossbeam channels and shutdown flows down the pipe
//! by dropping senders: main drops the URL sender after the last URL, so each
//! fetch thread's loop ends once the channel is empty; the fetch threads own
//! the only HTML senders, so when the last one ends, the parse loops end too.
//! No thread is killed and no sentinel value is needed. Main keeps no
//! receiver either, so if every parse thread has ended, a fetch thread's send
//! fails with an error instead of queueing HTML nobody will read.
//!
//! Run: `cargo run -p examples-threads --bin crawler_pipeline -- --pages 50 --out /tmp/posts.txt`
//! (add `--site http://127.0.0.1:8000` to crawl a running `cargo run -p shared --bin blog-site`).
//!
//! You should see `craw` lines from `craw0`..`craw2` and `parse` lines from
//! `parse0`/`parse1`, interleaved differently on each run, the cost line,
//! `results: <path> (N lines)` (one `page<TAB>href<TAB>title` line per post,
//! pages in any order), the check, and then the program exits.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::sync::Mutex;
use std::thread;
use std::time::Duration;

use anyhow::{Context, Result, ensure};
use clap::Parser;
use crossbeam_channel::{Receiver, Sender, unbounded};
use examples_threads::site_or_local;
use shared::event;
use shared::site::{expected_posts, fetch, page_urls, parse_posts, posts_on_page};
use shared::timing::Stopwatch;

#[derive(Parser)]
#[command(about = "Producer-consumer crawler: fetch threads -> channel -> parse threads -> file")]
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
    /// Results file [default: crawler_pipeline.txt in the system temp dir].
    #[arg(long)]
    out: Option<PathBuf>,
}

const FETCHERS: usize = 3;
const PARSERS: usize = 2;

/// The notes' `do_craw`: URL in, HTML out, until the URL channel is closed and empty.
fn do_craw(url_rx: Receiver<(u32, String)>, html_tx: Sender<(u32, String)>) -> Result<()> {
    for (page, url) in url_rx.iter() {
        let html = fetch(&url)?; // the error names the URL
        event!("craw {url}, url_queue.size={}", url_rx.len());
        // Fails only if every parse thread is gone (main holds no receiver).
        html_tx
            .send((page, html))
            .context("every parse thread has ended")?;
    }
    Ok(()) // html_tx drops here: one sender fewer
}

/// The notes' `do_parse`: HTML in, one line per post into the shared file,
/// until every HTML sender is gone.
fn do_parse(html_rx: Receiver<(u32, String)>, out: &Mutex<BufWriter<File>>) -> Result<()> {
    for (page, html) in html_rx.iter() {
        let posts = parse_posts(&html);
        // One lock per page keeps that page's lines together in the file.
        // unwrap on lock(): poisoned only if a writer panicked mid-page.
        let mut w = out.lock().unwrap();
        for p in &posts {
            writeln!(w, "{page}\t{}\t{}", p.href, p.title)?;
        }
        drop(w);
        let n = posts.len();
        event!(
            "parse page {page}: {n} posts, html_queue.size={}",
            html_rx.len()
        );
    }
    Ok(())
}

fn main() -> Result<()> {
    shared::timing::epoch();
    let args = Args::parse();
    // Without --site, a blog site in this process, serving until `_site` drops.
    let latency = Duration::from_millis(args.latency_ms);
    let (_site, base) = site_or_local(args.site.as_deref(), args.pages, latency)?;
    let default_out = || std::env::temp_dir().join("crawler_pipeline.txt");
    let out = args.out.unwrap_or_else(default_out);
    let file = File::create(&out).with_context(|| format!("cannot create {}", out.display()))?;
    let writer = Mutex::new(BufWriter::new(file));
    println!("blog site: {base}, results to {}", out.display());

    let sw = Stopwatch::start();
    let (url_tx, url_rx) = unbounded();
    let (html_tx, html_rx) = unbounded();
    for (page, url) in (1..).zip(page_urls(&base, args.pages)) {
        url_tx.send((page, url))?; // unbounded, and url_rx is alive: cannot fail
    }
    drop(url_tx); // no more URLs: once the channel is empty, recv() fails

    thread::scope(|s| -> Result<()> {
        let mut threads = Vec::new();
        for i in 0..FETCHERS {
            let (url_rx, html_tx) = (url_rx.clone(), html_tx.clone());
            let b = thread::Builder::new().name(format!("craw{i}"));
            let h = b.spawn_scoped(s, move || do_craw(url_rx, html_tx));
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
    })
    .with_context(|| format!("crawling {base} failed (is the blog site running there?)"))?;
    writer
        .into_inner()
        .unwrap()
        .flush()
        .context("writing the results")?;
    sw.report("pipeline");

    // Self-check on the file: each page's posts exactly once means each page
    // was fetched once and parsed once (twice would double its lines).
    let text = std::fs::read_to_string(&out).context("cannot read the results file back")?;
    let mut per_page = vec![0; args.pages as usize + 1];
    for line in text.lines() {
        let page: usize = line
            .split('\t')
            .next()
            .unwrap_or_default()
            .parse()
            .context("bad line")?;
        *per_page.get_mut(page).context("a page out of range")? += 1;
    }
    let (lines, expected) = (text.lines().count(), expected_posts(args.pages));
    println!("results: {} ({lines} lines)", out.display());
    let wrong: Vec<u32> = (1..=args.pages)
        .filter(|&n| per_page[n as usize] != posts_on_page(n))
        .collect();
    ensure!(
        wrong.is_empty() && lines == expected,
        "pages {wrong:?} are not in the file once"
    );
    println!(
        "check: {expected} posts in the file, each of {} pages exactly once",
        args.pages
    );
    Ok(())
}
