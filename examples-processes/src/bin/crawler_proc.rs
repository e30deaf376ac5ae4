//! The blog crawl on a pool of worker processes: processes can crawl too,
//! but each worker waits for one page at a time, and there are only about
//! as many workers as CPUs.
//!
//! Note 003 (`003_d0b3d7c6892ba864.txt`) on the first of its three kinds of
//! concurrency, word for word:
//!
//! ```text
//! 1. 多进程 process
//! 利用多 CPU 并行计算
//! 占用资源多，可启动数目受 CPU 数限制，比较少
//! 适用于 CPU 密集型计算
//! ```
//!
//! ("1. Multiple processes: compute in parallel on several CPUs; they take a
//! lot of resources, and how many can be started is limited by the number of
//! CPUs, so rather few; suited to CPU-bound computation.") Added here: that
//! claim tried on the I/O-bound job, the course's crawl mapped over a process
//! pool, note 001's `with ProcessPoolExecutor() as executor:` /
//! `results = executor.map(func, [1,2,3])` with `func` the crawler's `craw`
//! and the list the page URLs. The pool has as many workers as CPUs, as
//! `ProcessPoolExecutor()` has by default. A page is a 100 ms wait, and a
//! worker waits for one page at a time, so 50 pages on 2 workers take about
//! 25 waits, 2.5 s, where `crawler`'s 50 threads (examples-threads) take about
//! one, 0.2 s: a crawl is as fast as the number of waits that overlap, and
//! processes are the dearest way to overlap them (`--workers 50` catches up
//! with the threads, at the price of 50 processes).
//!
//! The pool is `examples_processes::pool`: this binary again with
//! `--role worker`, chosen first thing in `main` (the `if __name__ ==
//! "__main__":` guard's analogue); a page's job and its result cross the
//! pipes as JSON lines (`examples_processes::wire`). A worker fetches with
//! `shared::crawl`'s timeout and retries (`--attempts`, `--timeout`), parses
//! the page, and replies with its post count. A worker's stdout is its pipe
//! to the pool, so main prints each page's line for the worker that fetched
//! it, under that worker's name, as its answer arrives (added here, as the
//! account of every URL, and exit code 1 only if a page still failed).
//!
//! ```text
//! cargo run --release -p examples-processes --bin crawler_proc
//! cargo run --release -p examples-processes --bin crawler_proc -- --workers 8
//! cargo run --release -p examples-processes --bin crawler_proc -- --pages 20 --json --spans /tmp/crawl.jsonl
//! cargo run --release -p examples-processes --bin crawler_proc -- --site http://127.0.0.1:8000
//! ```
//!
//! (The first three start the site in this process: `--pages`, default 50,
//! `--latency-ms`, default 100.) You should see the workers' PIDs, then
//! `page N: K posts` from `worker (pid P)` for every page, in an order that
//! varies, `multi process, cost = ~2.5 seconds` (2 workers; the pool's start
//! and shutdown included, as the `with` block's), the account `50 pages: 50
//! ok, 0 retried, 0 failed`, and `check: the process pool found 727 post
//! links on 50 pages, as expected`. `--json` ends the output with one JSON
//! line (`shared::report`: workload `crawl`, params `pages`, `workers`, and
//! `latency_ms` when the site is this process's; the answer `727 post links
//! on 50 pages`). `--spans FILE` records one span per page, `page N`, on the
//! row of the worker that fetched it, `worker (pid P)`: each worker appends
//! its own as it exits, and a worker's spans never overlap.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Result, anyhow};
use clap::{Parser, ValueEnum};
use examples_processes::pool::{self, Pool};
use examples_processes::wire::{Crawled, PageJob};
use shared::crawl::{CrawlArgs, fetch_with_retry, tally};
use shared::report::{crawl_answer, crawl_report};
use shared::site::parse_posts;
use shared::spans::{SpanFile, span_as};
use shared::timing::Stopwatch;
use shared::{event, event_as};

#[derive(Parser)]
#[command(allow_negative_numbers = true)] // `-1` is a value to refuse, not a flag
#[command(
    name = "crawler_proc",
    about = "The blog crawl on a pool of worker processes, with retries"
)]
struct Args {
    #[command(flatten)]
    crawl: CrawlArgs,
    /// Worker processes (default: the CPU count, as `ProcessPoolExecutor()`).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=256))]
    workers: Option<u32>,
    /// End with one JSON line: the report the comparison harness reads.
    #[arg(long)]
    json: bool,
    /// Write who ran when to FILE (JSON lines, one span per page).
    #[arg(long, value_name = "FILE")]
    spans: Option<PathBuf>,
    /// Which part this process plays; set only by the pool for its workers.
    #[arg(long, hide = true)]
    role: Option<Role>,
}

#[derive(Clone, Copy, PartialEq, ValueEnum)]
enum Role {
    Worker,
}

/// The course's `craw(url)` plus the parse, in a worker process: one list
/// page, fetched with retries, its post links counted.
fn craw(job: PageJob) -> Crawled {
    let row = format!("worker (pid {})", std::process::id());
    let _span = span_as(&row, format!("page {}", job.page)); // only under --spans
    let fetched = fetch_with_retry(&job.url, &job.retry());
    let posts = fetched
        .body
        .as_ref()
        .ok()
        .map(|html| parse_posts(html).len());
    Crawled::new(&fetched, posts)
}

fn main() -> Result<()> {
    shared::quiet_backtraces();
    shared::timing::epoch();
    let args = Args::parse();
    // In main: creates --spans FILE now (a bad path fails before the work).
    // In a worker: records into main's FILE, if main shares one.
    let spans = SpanFile::create(args.spans.as_deref())?;
    // The guard: a worker crawls the pages it is sent until its stdin closes.
    if args.role == Some(Role::Worker) {
        pool::serve(|job: PageJob, _attempt| craw(job))?;
        return spans.finish(); // appends this worker's spans as it exits
    }
    let (pages, retry) = (args.crawl.pages, args.crawl.retry());
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    let workers = args.workers.map_or(cpus, |n| n as usize);
    let site = args.crawl.open_site()?; // serves while `site` lives
    println!(
        "blog site: {} ({pages} pages), {workers} worker processes",
        site.url()
    );

    let sw = Stopwatch::start();
    // with ProcessPoolExecutor() as executor: executor.map(craw, urls)
    let mut executor = Pool::<PageJob, Crawled>::start(workers, 1)?;
    event!(
        "started {workers} worker processes, pids {:?}",
        executor.pids()
    );
    for (page, url) in (1..).zip(site.page_urls(pages)) {
        let (attempts, timeout) = (retry.attempts, retry.timeout);
        executor.submit(&PageJob {
            page,
            url,
            attempts,
            timeout,
        })?;
    }
    // As executor.map does, put the pages back in input order.
    let mut crawl = vec![None; pages as usize];
    for done in executor.as_completed() {
        let (job, crawled) = done?;
        let who = format!("worker (pid {})", crawled.pid);
        let (fetched, posts) = crawled.into_tally();
        match (&fetched.body, posts) {
            (Ok(_), Some(n)) => event_as!(&who, "page {}: {n} posts", job + 1),
            (result, _) => {
                let (tries, e) = (fetched.attempts(), result.as_ref().err());
                let e = e.map_or("no post count".to_string(), ToString::to_string);
                event_as!(&who, "page {}: failed after {tries} attempts: {e}", job + 1);
            }
        }
        crawl[job] = Some((fetched, posts));
    }
    // The with block's end: each worker exits by itself (writing its spans).
    executor.shutdown(Duration::from_secs(10))?;
    let cost = sw.report("multi process");
    // Every job is done: as_completed returned an error otherwise.
    let crawl: Vec<_> = crawl.into_iter().flatten().collect();
    let (account, found) = tally(&crawl)?; // prints the account
    // Exit 1 only if a page still failed after its retries.
    account
        .check()
        .map_err(|e| anyhow!("the multi-process crawl: {e}"))?;
    println!("check: the process pool found {found} post links on {pages} pages, as expected");

    spans.finish()?;
    let mut report = crawl_report("crawler_proc", &args.crawl).param("workers", workers);
    report.cost("multi process", cost);
    report.answer(crawl_answer(found, pages));
    report.print_if(args.json);
    Ok(())
}
