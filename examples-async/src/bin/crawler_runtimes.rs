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
//! gevent "提供猴子补丁MonkeyPatch方法，通过该方法gevent能够 修改标准库里面大部分的阻塞式系统调用，包括socket、ssl、threading和 select等模块，而变为协作式运行"
//! ("provides a monkey-patch method by which gevent rewrites most blocking
//! system calls of the standard library, socket, ssl, threading and select
//! among them, so they run cooperatively"), at a cost the notes name: "创造了“隐式的副作用”，如果出现问题很多时候极难调试"
//! ("it creates implicit side effects; when something goes wrong it is often
//! very hard to debug").
//!
//! In Rust nothing is patched: `std::net::TcpStream` stays blocking, and each
//! runtime's non-blocking I/O is chosen by name where it is called. tokio:
//! `reqwest` over `tokio::net::TcpStream`, `tokio::spawn`. smol: an explicit
//! `smol::Executor` in `smol::block_on`, `ex.spawn`, `smol::net::TcpStream`.
//! async-std (discontinued in 2025 by its maintainers in favour of smol; do
//! not start new code on it): `async_std::task::spawn`,
//! `async_std::net::TcpStream`. Each spawn is `gevent.spawn`; awaiting every
//! handle is `gevent.joinall(tasks)`. Every point where a task can yield is a
//! visible `.await`; a blocking call inside a task stalls its thread (see
//! `blocking_pitfall`). smol and async-std fetch with this crate's minimal
//! HTTP/1.1 GET (`examples_async::http`). The single-thread crawl is
//! `shared::crawl`'s blocking `ureq` fetch, page after page: the notes' loop.
//! Added here: a timeout per request, bounded retries, an account of every
//! URL; exit 1 only if a page still failed.
//!
//! `--only single|tokio|smol|async-std` runs one crawl and its check, so a
//! harness can time each runtime in a process of its own; `--json` ends the
//! output with one JSON line, the run's report (`shared::report`: params,
//! costs, `"N post links on P pages"`, the same answer for every runtime).
//!
//! Run: `cargo run --release -p examples-async --bin crawler_runtimes -- --pages 50 --latency-ms 100`
//! or one runtime, reported: `cargo run --release -p examples-async --bin crawler_runtimes -- --only smol --json`.
//!
//! You should see `single thread, cost = ~5 seconds`, then `tokio, cost =`,
//! `smol, cost =` and `async-std, cost =` of about one latency each (~0.1 s),
//! each with its account, then `check: ...`. Which runtime is fastest changes
//! from run to run; all are bound by the site's latency. With `--only`, one
//! crawl's lines; with `--json`, last, `{"program":"crawler_runtimes",...,
//! "answer":"727 post links on 50 pages"}`.

use anyhow::{Result, anyhow, ensure};
use clap::{Parser, ValueEnum};
use examples_async::count_posts;
use examples_async::http::{async_std_get, reqwest_get, smol_get};
use shared::crawl::tally;
use shared::crawl::{Account, CrawlArgs, Fetched, Retry, fetch_with_retry, fetch_with_retry_async};
use shared::report::{crawl_answer, crawl_report, value_name};
use shared::site::{SiteGuard, expected_posts};
use shared::timing::Stopwatch;

#[derive(Parser)]
#[command(allow_negative_numbers = true)] // `-1` is a value to refuse, not a flag
#[command(about = "The gevent crawler: the same crawl on tokio, smol and async-std")]
struct Args {
    #[command(flatten)]
    crawl: CrawlArgs,
    /// Run one crawl only, with its check (default: all four, in turn).
    #[arg(long, value_enum, default_value_t = Only::All)]
    only: Only,
    /// End with one JSON line: the run's report (for `compare`).
    #[arg(long)]
    json: bool,
}

#[derive(Clone, Copy, PartialEq, ValueEnum)]
enum Only {
    Single,
    Tokio,
    Smol,
    AsyncStd,
    All,
}

/// The account of a crawl (printed) and its post links, each page's checked.
fn account(crawl: Vec<Fetched>) -> Result<(Account, usize)> {
    let crawl: Vec<_> = (crawl.into_iter())
        .map(|fetched| {
            let posts = count_posts(&fetched);
            (fetched, posts)
        })
        .collect();
    tally(&crawl)
}

/// tokio: `#[tokio::main]`'s runtime, built by hand; one spawned task per URL.
fn on_tokio(urls: &[String], retry: Retry) -> Result<Vec<Fetched>> {
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async {
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
        Ok(crawl)
    })
}

/// smol: an explicit Executor, run by `smol::block_on` on this thread.
fn on_smol(urls: &[String], retry: Retry) -> Vec<Fetched> {
    let ex = smol::Executor::new();
    smol::block_on(ex.run(async {
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
    }))
}

/// async-std (discontinued in 2025 in favour of smol): its global executor.
fn on_async_std(urls: &[String], retry: Retry) -> Vec<Fetched> {
    async_std::task::block_on(async {
        let tasks: Vec<_> = (urls.iter().cloned())
            .map(|url| {
                async_std::task::spawn(async move {
                    let fetch = |u| async_std_get(u, retry.timeout);
                    fetch_with_retry_async(&url, &retry, fetch, async_std::task::sleep).await
                })
            })
            .collect();
        futures::future::join_all(tasks).await
    })
}

fn main() -> Result<()> {
    shared::quiet_backtraces();
    shared::timing::epoch();
    let args = Args::parse();
    let (pages, retry) = (args.crawl.pages, args.crawl.retry());
    let site = SiteGuard::open(args.crawl.site.as_deref(), args.crawl.site_config())?;
    println!("blog site: {} ({pages} pages)", site.url());
    let urls = site.page_urls(pages);
    let mut report =
        crawl_report("crawler_runtimes", &args.crawl).param("only", value_name(&args.only));
    let all = [
        (Only::Single, "single thread"),
        (Only::Tokio, "tokio"),
        (Only::Smol, "smol"),
        (Only::AsyncStd, "async-std"),
    ];
    let mut crawls = Vec::new();
    for (runtime, label) in all {
        if args.only != Only::All && args.only != runtime {
            continue;
        }
        let sw = Stopwatch::start();
        let crawl = match runtime {
            // `for url in blog_spider.urls: blog_spider.craw(url)`: blocking, in turn.
            Only::Single => urls.iter().map(|u| fetch_with_retry(u, &retry)).collect(),
            Only::Tokio => on_tokio(&urls, retry)?,
            Only::Smol => on_smol(&urls, retry),
            _ => on_async_std(&urls, retry),
        };
        report.cost(label, sw.report(label));
        crawls.push((label, account(crawl)?));
    }

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
    report.answer(crawl_answer(expected_posts(pages), pages));
    report.print_if(args.json);
    Ok(())
}
