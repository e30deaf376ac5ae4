//! Async: the asyncio notes mirrored with tokio, smol and async-std.
//!
//! The lessons live in the bins (`src/bin/`). This library holds only what
//! they use and do not teach:
//! - [`http`]: the crawlers' HTTP GETs (reqwest for tokio, a minimal HTTP/1.1
//!   GET for smol and async-std), classified into `shared::crawl::FetchError`;
//! - [`CrawlArgs`], the flags every crawler shares, and [`tally`], a crawl's
//!   account and post-link check;
//! - [`echo`]: the open-file limit and the reports of `echo_server` and
//!   `echo_client`;
//! - [`multiplex`]: the notes' select / poll / epoll table and the blocking
//!   clients that `io_multiplexing` serves.

#![warn(missing_docs)]

pub mod echo;
pub mod http;
pub mod multiplex;

use std::time::Duration;

use anyhow::ensure;
use shared::crawl::{Account, Fetched, Retry};
use shared::site::{MAX_PAGES, SiteConfig, parse_posts, posts_on_page};

/// Most attempts per page a crawler accepts.
pub const MAX_ATTEMPTS: u32 = 20;
/// Longest `--timeout` a crawler accepts, in seconds.
pub const MAX_TIMEOUT_SECS: f64 = 600.0;
/// Longest `--latency-ms` of the in-process site.
pub const MAX_LATENCY_MS: u64 = 10_000;

/// The crawlers' common flags (`#[command(flatten)]` them): the pages, the
/// site, and the retries (`shared::crawl::Retry`; the 50 ms doubling backoff
/// is not a flag).
#[derive(clap::Args, Debug, Clone)]
pub struct CrawlArgs {
    /// Number of list pages to crawl.
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_PAGES)))]
    pub pages: u32,
    /// Latency of every request to the in-process site, in ms (not used with --site).
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u64).range(0..=MAX_LATENCY_MS))]
    pub latency_ms: u64,
    /// Crawl an already running site (`cargo run -p shared --bin blog-site`) at this URL.
    #[arg(long)]
    pub site: Option<String>,
    /// Attempts per page, the first included (1 = no retries).
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_ATTEMPTS)))]
    pub attempts: u32,
    /// Seconds one request may take, connect to last byte, before it counts as timed out.
    #[arg(long, default_value = "1", value_parser = timeout_secs)]
    pub timeout: Duration,
}

impl CrawlArgs {
    /// The in-process site these flags ask for (used when `--site` is absent).
    pub fn site_config(&self) -> SiteConfig {
        SiteConfig {
            pages: self.pages,
            latency: Duration::from_millis(self.latency_ms),
            ..SiteConfig::default()
        }
    }

    /// The retries these flags ask for.
    pub fn retry(&self) -> Retry {
        Retry {
            attempts: self.attempts,
            timeout: self.timeout,
            ..Retry::default()
        }
    }
}

/// Parses `--timeout`: seconds, more than 0 and at most [`MAX_TIMEOUT_SECS`];
/// NaN, infinities, negatives, 0 and words are rejected.
///
/// # Errors
/// A message clap prints as the flag's error.
pub fn timeout_secs(s: &str) -> Result<Duration, String> {
    let secs: f64 = s.parse().map_err(|_| format!("`{s}` is not a number"))?;
    if !(secs > 0.0 && secs <= MAX_TIMEOUT_SECS) {
        return Err(format!(
            "{s} is not a timeout in seconds (more than 0, at most {MAX_TIMEOUT_SECS})"
        ));
    }
    shared::workload::seconds(secs).map_err(|e| e.to_string())
}

/// The post links on a fetched page (`shared::site::parse_posts`), or `None`
/// if the page failed after its retries.
pub fn count_posts(fetched: &Fetched) -> Option<usize> {
    fetched
        .body
        .as_ref()
        .ok()
        .map(|html| parse_posts(html).len())
}

/// Records a crawl (page 1 first, each page with its post-link count) in an
/// account and prints it. Returns the account and the post links found.
///
/// # Errors
/// A page whose post-link count differs from what the site serves
/// (`shared::site::posts_on_page`).
pub fn tally(crawl: &[(Fetched, Option<usize>)]) -> anyhow::Result<(Account, usize)> {
    let (mut account, mut found) = (Account::new(), 0);
    for (page, (fetched, posts)) in (1..).zip(crawl) {
        account.record(fetched);
        if let Some(n) = *posts {
            let expected = posts_on_page(page);
            ensure!(
                n == expected,
                "page {page}: {n} post links, expected {expected}"
            );
            found += n;
        }
    }
    account.print();
    Ok((account, found))
}
