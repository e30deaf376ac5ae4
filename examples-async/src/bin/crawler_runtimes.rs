//! The gevent crawler, and the same crawl on tokio, smol and async-std, timed side by side.
//!
//! Mirrors the notes' gevent example (`001_02a52d28409d88e4.txt`), word for word:
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
//! gevent's trick is "提供猴子补丁MonkeyPatch方法，通过该方法gevent能够
//! 修改标准库里面大部分的阻塞式系统调用，包括socket、ssl、threading和
//! select等模块，而变为协作式运行" ("a monkey-patch method by which gevent
//! rewrites most blocking system calls of the standard library, socket, ssl,
//! threading and select among them, so they run cooperatively"). The notes
//! name its cost: "不知道它具体patch了哪些库修改了哪些模块、类、函数" ("you do not
//! know which libraries, modules, classes and functions it patched") and
//! "创造了“隐式的副作用”，如果出现问题很多时候极难调试" ("it creates implicit side
//! effects; when something goes wrong it is often very hard to debug").
//!
//! In Rust nothing is patched. `std::net::TcpStream` stays blocking, and each
//! runtime brings its own non-blocking I/O, which you choose by name where you
//! call it:
//! - tokio: `tokio::net::TcpStream`, and here `reqwest` on top of it;
//!   `tokio::spawn` is `gevent.spawn`.
//! - smol: `smol::net::TcpStream` (async-io's reactor), driven by an explicit
//!   `smol::Executor` inside `smol::block_on`; `ex.spawn` is `gevent.spawn`.
//! - async-std: `async_std::net::TcpStream`; `async_std::task::spawn` is
//!   `gevent.spawn`. async-std was discontinued in 2025 by its maintainers, in
//!   favour of smol: do not start new code on it.
//!
//! Awaiting every handle is `gevent.joinall(tasks)`. Every point where a task
//! can yield is a visible `.await`. A blocking call inside a task is not made
//! cooperative: it stalls the thread (see `blocking_pitfall`). smol and
//! async-std fetch with this crate's minimal HTTP/1.1 GET
//! (`examples_async::http::get`, over any futures-io stream). The single-thread
//! crawl is the blocking `ureq` fetch of `shared::crawl`, one page after
//! another: the notes' loop.
//!
//! Each crawl has a timeout per request, bounded retries with backoff, and an
//! account of every URL (added here). The program exits 1 only if a page
//! still failed.
//!
//! Run: `cargo run --release -p examples-async --bin crawler_runtimes -- --pages 50 --latency-ms 100`
//!
//! You should see `single thread, cost = ~5 seconds`, then `tokio, cost =`,
//! `smol, cost =` and `async-std, cost =` of about one latency each (~0.1 s),
//! each followed by its account, then `check: ...`. Which runtime is fastest
//! changes from run to run; all are bound by the site's latency.

use std::time::Duration;

use anyhow::{Result, anyhow, ensure};
use clap::Parser;
use examples_async::CrawlArgs;
use examples_async::http::{get, reqwest_get, split_url};
use shared::crawl::{Account, FetchError, Fetched, fetch_with_retry, fetch_with_retry_async};
use shared::site::{SiteGuard, expected_posts, parse_posts};
use shared::timing::Stopwatch;

#[derive(Parser)]
#[command(about = "The gevent crawler: the same crawl on tokio, smol and async-std")]
struct Args {
    #[command(flatten)]
    crawl: CrawlArgs,
}

/// smol's GET: its own TcpStream, raced against its own timer.
async fn smol_get(url: String, timeout: Duration) -> Result<String, FetchError> {
    let (authority, path) = split_url(&url)?;
    let fetch = async {
        let stream = smol::net::TcpStream::connect(authority.as_str()).await;
        let stream = stream.map_err(|e| FetchError::from_io(&e, timeout))?;
        get(stream, &authority, &path, timeout).await
    };
    let timer = async {
        smol::Timer::after(timeout).await;
        Err(FetchError::Timeout(timeout))
    };
    smol::future::or(fetch, timer).await
}

/// async-std's GET: its own TcpStream, under its own timeout.
async fn async_std_get(url: String, timeout: Duration) -> Result<String, FetchError> {
    let (authority, path) = split_url(&url)?;
    let fetch = async {
        let stream = async_std::net::TcpStream::connect(authority.as_str()).await;
        let stream = stream.map_err(|e| FetchError::from_io(&e, timeout))?;
        get(stream, &authority, &path, timeout).await
    };
    async_std::future::timeout(timeout, fetch)
        .await
        .unwrap_or(Err(FetchError::Timeout(timeout)))
}

/// Prints a crawl's cost line and account; returns the account and the post links found.
fn report(label: &str, sw: Stopwatch, crawl: Vec<Fetched>) -> (Account, usize) {
    sw.report(label);
    let mut account = Account::new();
    let mut found = 0;
    for fetched in &crawl {
        account.record(fetched);
        found += fetched
            .body
            .as_ref()
            .map_or(0, |html| parse_posts(html).len());
    }
    account.print();
    (account, found)
}

fn main() -> Result<()> {
    shared::quiet_backtraces();
    shared::timing::epoch();
    let args = Args::parse();
    let (pages, retry) = (args.crawl.pages, args.crawl.retry());
    let site = SiteGuard::open(args.crawl.site.as_deref(), args.crawl.site_config())?;
    println!("blog site: {} ({pages} pages)", site.url());
    let urls = site.page_urls(pages);
    let mut crawls = Vec::new();

    // `for url in blog_spider.urls: blog_spider.craw(url)`: blocking, in turn.
    let sw = Stopwatch::start();
    let single = urls
        .iter()
        .map(|url| fetch_with_retry(url, &retry))
        .collect();
    crawls.push(("single thread", report("single thread", sw, single)));

    // tokio: `#[tokio::main]`'s runtime, built by hand; one spawned task per URL.
    let sw = Stopwatch::start();
    let runtime = tokio::runtime::Runtime::new()?;
    let tokio_crawl = runtime.block_on(async {
        let client = reqwest::Client::new();
        let tasks: Vec<_> = (urls.iter().cloned())
            .map(|url| {
                let client = client.clone();
                tokio::spawn(async move {
                    let fetch = |u| reqwest_get(&client, u, retry.timeout);
                    fetch_with_retry_async(&url, &retry, fetch, tokio::time::sleep).await
                })
            })
            .collect();
        let mut crawl = Vec::new();
        for task in tasks {
            crawl.push(task.await?); // `gevent.joinall(tasks)`
        }
        anyhow::Ok(crawl)
    })?;
    crawls.push(("tokio", report("tokio", sw, tokio_crawl)));

    // smol: an explicit Executor, run by `smol::block_on` on this thread.
    let sw = Stopwatch::start();
    let ex = smol::Executor::new();
    let smol_crawl = smol::block_on(ex.run(async {
        let tasks: Vec<_> = (urls.iter().cloned())
            .map(|url| {
                ex.spawn(async move {
                    let fetch = |u| smol_get(u, retry.timeout);
                    let sleep = |d| async move {
                        smol::Timer::after(d).await;
                    };
                    fetch_with_retry_async(&url, &retry, fetch, sleep).await
                })
            })
            .collect();
        futures::future::join_all(tasks).await // a smol Task is awaited for its output
    }));
    crawls.push(("smol", report("smol", sw, smol_crawl)));

    // async-std (discontinued in 2025 in favour of smol): its global executor.
    let sw = Stopwatch::start();
    let async_std_crawl = async_std::task::block_on(async {
        let tasks: Vec<_> = (urls.iter().cloned())
            .map(|url| {
                async_std::task::spawn(async move {
                    let fetch = |u| async_std_get(u, retry.timeout);
                    fetch_with_retry_async(&url, &retry, fetch, async_std::task::sleep).await
                })
            })
            .collect();
        futures::future::join_all(tasks).await
    });
    crawls.push(("async-std", report("async-std", sw, async_std_crawl)));

    // Exit 1 only if a page still failed after its retries.
    for (label, (account, found)) in &crawls {
        account
            .check()
            .map_err(|e| anyhow!("the {label} crawl: {e}"))?;
        ensure!(
            *found == expected_posts(pages),
            "the {label} crawl found {found} post links, expected {}",
            expected_posts(pages)
        );
    }
    println!(
        "check: every crawl found {} post links on {pages} pages, as expected",
        expected_posts(pages)
    );
    Ok(())
}
