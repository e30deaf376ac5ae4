//! The blog crawl on a pool of worker processes: they crawl too, but each
//! waits for one page at a time, and there are only about as many as CPUs.
//!
//! Note 003 on the first of its three kinds of concurrency, word for word:
//!
//! ```text
//! 1. 多进程 process
//! 利用多 CPU 并行计算
//! 占用资源多，可启动数目受 CPU 数限制，比较少
//! 适用于 CPU 密集型计算
//! ```
//!
//! ("Multiple processes: compute in parallel on several CPUs; they take a lot
//! of resources, and how many can be started is limited by the number of
//! CPUs, so rather few; suited to CPU-bound computation.") Added here: that
//! claim tried on the I/O-bound job, note 001's `with ProcessPoolExecutor()
//! as executor: results = executor.map(func, [1,2,3])` with `func` the
//! course's `craw` + `parse` and the list the page URLs.
//!
//! ```text
//! cargo run --release -p examples-processes --bin crawler_proc
//! cargo run --release -p examples-processes --bin crawler_proc -- --workers 8
//! cargo run --release -p examples-processes --bin crawler_proc -- --site http://127.0.0.1:8000
//! ```
//!
//! (Without `--site` it starts the site in this process: `--pages`, default 50,
//! `--latency-ms`, default 100.) You should see the workers' PIDs, `page N: K
//! posts` from `worker (pid P)` for every page (the order varies), `multi
//! process, cost = ~2.5 seconds` on 2 workers (50 waits of 100 ms, 2 at a
//! time), the account `50 pages: 50 ok, 0 retried, 0 failed` and `answer: 727
//! post links on 50 pages`. Ctrl-C: the parent stops waiting, kills and reaps
//! the workers, prints the account of every URL (done, failed, not fetched)
//! and exits 130.

use anyhow::Result;
use clap::Parser;
use examples_processes::pool::{self, Pool, PoolArgs};
use examples_processes::wire::{Crawled, PageJob};
use shared::crawl::{CrawlArgs, exit_stopped, fetch_with_retry, tally};
use shared::report::crawl_answer;
use shared::site::parse_posts;
use shared::timing::Stopwatch;
use shared::{event, event_as}; // println with the elapsed time and the thread's (or a given) name (shared/src/timing.rs)

/// The blog crawl on a pool of worker processes, with retries.
#[derive(Parser)]
#[command(allow_negative_numbers = true)] // `-1` is a value to refuse, not a flag
struct Args {
    #[command(flatten)]
    crawl: CrawlArgs, // --pages --site --attempts --timeout --latency-ms (shared/src/crawl.rs)
    #[command(flatten)]
    pool: PoolArgs, // --workers N (default: the CPU count), the hidden --role (src/pool.rs)
}

/// The course's `craw(url)` and `parse(html)`, in a worker process: one
/// list page, fetched with retries, its post links counted.
fn craw(job: PageJob) -> Crawled {
    let fetched = fetch_with_retry(&job.url, &job.retry()); // timeout, retries, backoff (shared/src/crawl.rs)
    let posts = fetched.body.as_deref().map(|html| parse_posts(html).len());
    Crawled::new(&fetched, posts.ok()) // crosses the pipe as JSON (the body stays here)
}

fn main() -> Result<()> {
    let _run = shared::init()?; // quiet errors, one clock for parent and workers, spans if asked (shared/src/lib.rs)
    let args = Args::parse();
    // The `if __name__ == "__main__":` guard: a worker crawls the pages it is sent.
    if args.pool.is_worker() {
        return pool::serve(|job, _attempt| craw(job));
    }
    let (pages, retry) = (args.crawl.pages, args.crawl.retry());
    let workers = args.pool.workers();
    let site = args.crawl.open_site()?; // serves while `site` lives
    let url = site.url();
    println!("blog site: {url} ({pages} pages), {workers} worker processes");

    let sw = Stopwatch::start(); // its report(label) prints `label, cost = X seconds` (shared/src/timing.rs)
    // with ProcessPoolExecutor() as executor: executor.map(craw, urls)
    // The pool: this binary again as `--role worker`, jobs and replies as JSON lines (src/pool.rs).
    let mut executor = Pool::<PageJob, Crawled>::start(workers, 1)?;
    let stopper = executor.stopper(); // Ctrl-C: the workers ignore it; the pool stops waiting (src/pool.rs)
    ctrlc::set_handler(move || stopper.stop())?;
    let pids = executor.pids();
    event!("started {workers} worker processes, pids {pids:?}");
    let urls = site.page_urls(pages);
    for (page, url) in (1..).zip(urls.clone()) {
        executor.submit(&PageJob::new(page, url, &retry))?;
    }
    let mut crawl = vec![None; pages as usize];
    for done in executor.as_completed() {
        let (job, crawled) = match done {
            Err(e) if pool::interrupted(&e) => break, // Ctrl-C
            done => done?,
        };
        // A worker's stdout is its pipe to the pool: main prints its line for it.
        let who = format!("worker (pid {})", crawled.pid);
        event_as!(&who, "{}", crawled.summary());
        crawl[job] = Some(crawled.into_tally()); // back in page order, as map gives them
    }
    if crawl.iter().any(Option::is_none) {
        drop(executor); // stopped: every worker killed and reaped; the account of every URL, exit 130
        exit_stopped(crawl.iter().flatten(), &urls);
    }
    executor.shutdown()?; // the with block's end
    sw.report("multi process");
    let crawl: Vec<_> = crawl.into_iter().flatten().collect(); // all there: as_completed fails otherwise
    let (account, found) = tally(&crawl)?; // prints the account of every URL
    account.check()?; // exit 1 if a page still failed after its retries
    println!("answer: {}", crawl_answer(found, pages)); // the line compare checks
    Ok(())
}
