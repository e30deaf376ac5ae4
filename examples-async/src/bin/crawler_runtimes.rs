//! The gevent crawler, and the same crawl on tokio, smol and async-std, timed side by side.
//!
//! Mirrors the course's `11. gevent_spider.py`, the notes' gevent example
//! (`001_02a52d28409d88e4.txt`), word for word:
//!
//! ```text
//! gevent.monkey.patch_all()
//! ...
//! for url in blog_spider.urls:
//!     blog_spider.craw(url)
//! ...
//! print("single thread, cost = ", end - begin)
//! ...
//! tasks = [gevent.spawn(blog_spider.craw, url) for url in blog_spider.urls]
//! gevent.joinall(tasks)
//! ...
//! print("gevent, cost = ", end - begin)
//! ```
//!
//! Run: `cargo run --release -p examples-async --bin crawler_runtimes` (a
//! 50-page site, 100 ms per request, in this process), or one runtime:
//! `... --bin crawler_runtimes -- --only smol` (also `single`, `tokio`, `async-std`).
//!
//! You should see `single thread, cost = ~5 seconds`, then `tokio, cost =`,
//! `smol, cost =` and `async-std, cost =` of about one request each (~0.1 s),
//! each with its account, then `check: ...` and `answer: 727 post links on 50
//! pages`. Which runtime is fastest changes from run to run: all wait on the
//! site. Exit 1 if a page still failed after its retries. Ctrl-C stops it at
//! once: the account of every URL of the crawl under way, exit 130.

use anyhow::Result;
use clap::Parser;
use examples_async::crawlers::{
    Crawls, async_std_fetch, blocking_fetch, interrupted, smol_fetch, tokio_fetch,
};
use futures::future::{join_all, try_join_all};
use shared::crawl::{CrawlArgs, Fetched, Retry};
use shared::report::crawl_answer;
use shared::timing::Stopwatch;

/// The gevent crawler: the same crawl on tokio, smol and async-std
#[derive(Parser)]
struct Args {
    #[command(flatten)] // --pages, --site, --attempts, --timeout (shared::crawl)
    crawl: CrawlArgs,
    /// Run one crawl only (default: all four, in turn).
    #[arg(long, value_parser = CRAWLS)]
    only: Option<String>,
}

const CRAWLS: [&str; 4] = ["single", "tokio", "smol", "async-std"];

// gevent "提供猴子补丁MonkeyPatch方法，通过该方法gevent能够 修改标准库里面大部分的阻塞式系统调用，
// 包括socket、ssl、threading和 select等模块，而变为协作式运行" ("provides a monkey-patch method by
// which gevent rewrites most blocking system calls of the standard library, socket, ssl, threading
// and select among them, so they run cooperatively"), at a cost: "创造了“隐式的副作用”，如果出现问题
// 很多时候极难调试" ("it creates implicit side effects; when something goes wrong it is often very
// hard to debug"). In Rust nothing is patched: each runtime's own non-blocking socket and timer are
// named where they are used (examples_async::crawlers), and every point where a task can yield is
// a visible `.await`.

/// tokio: `#[tokio::main]`'s runtime built by hand; `tokio::spawn` is `gevent.spawn`.
fn on_tokio(urls: &[String], retry: Retry) -> Result<Vec<Fetched>> {
    tokio::runtime::Runtime::new()?.block_on(async {
        let client = reqwest::Client::new();
        let spawn = |url: &String| tokio::spawn(tokio_fetch(client.clone(), url.clone(), retry));
        let tasks: Vec<_> = urls.iter().map(spawn).collect();
        Ok(try_join_all(tasks).await?) // `gevent.joinall(tasks)`; Err if a task panicked
    })
}

/// smol: an explicit Executor, run by `smol::block_on` on this thread.
fn on_smol(urls: &[String], retry: Retry) -> Vec<Fetched> {
    let ex = smol::Executor::new();
    smol::block_on(ex.run(async {
        let spawn = |url: &String| ex.spawn(smol_fetch(url.clone(), retry));
        join_all(urls.iter().map(spawn).collect::<Vec<_>>()).await // a Task is awaited for its output
    }))
}

/// async-std (discontinued in 2025 in favour of smol; do not start new code on it).
fn on_async_std(urls: &[String], retry: Retry) -> Vec<Fetched> {
    async_std::task::block_on(async {
        let spawn = |url: &String| async_std::task::spawn(async_std_fetch(url.clone(), retry));
        join_all(urls.iter().map(spawn).collect::<Vec<_>>()).await
    })
}

fn main() -> Result<()> {
    let _run = shared::init()?; // quiet errors, the clock, spans if asked: shared/src/lib.rs
    let args = Args::parse();
    let (pages, retry) = (args.crawl.pages, args.crawl.retry());
    let site = args.crawl.open_site()?; // `--site URL`, or a blog site in this process
    let urls = site.page_urls(pages);
    // Ctrl-C, on whichever runtime is crawling: the `ctrlc` crate runs this on a thread of
    // its own (portable: a signal on Unix, a console event on Windows). The account of every
    // URL of the crawl under way, exit 130 (examples-async/src/crawlers.rs).
    let all = urls.clone();
    ctrlc::set_handler(move || interrupted(&all))?;
    println!("blog site: {} ({pages} pages)", site.url());
    let mut crawls = Crawls::default(); // the account of every URL of each crawl
    for crawl in CRAWLS {
        if args.only.as_deref().is_some_and(|only| only != crawl) {
            continue;
        }
        let sw = Stopwatch::start();
        let fetched = match crawl {
            // `for url in blog_spider.urls: blog_spider.craw(url)`: blocking (ureq), in turn.
            "single" => urls.iter().map(|u| blocking_fetch(u, &retry)).collect(),
            "tokio" => on_tokio(&urls, retry)?,
            "smol" => on_smol(&urls, retry),
            _ => on_async_std(&urls, retry),
        };
        let label = if crawl == "single" { "single thread" } else { crawl };
        sw.report(label); // `tokio, cost = 0.104 seconds`
        crawls.account(label, fetched)?;
    }
    let found = crawls.check(pages)?; // exit 1 if a page still failed after its retries
    println!("answer: {}", crawl_answer(found, pages));
    Ok(())
}
