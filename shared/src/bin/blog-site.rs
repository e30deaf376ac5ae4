//! The local blog site as a program, for crawling by hand or from the twins.
//!
//! Serves `/sitehome/p/1` to `/sitehome/p/{pages}` on 127.0.0.1 with a fixed
//! latency per request (see `shared::site` for the pages and the faults).
//!
//! ```text
//! cargo run -p shared --bin blog-site                    # http://127.0.0.1:8000, 50 pages, 100 ms
//! cargo run -p shared --bin blog-site -- --port 0 --pages 5 --latency-ms 0
//! cargo run -p shared --bin blog-site -- --error-rate 0.3 --slow-rate 0.2 --drop-rate 0.2 --seed 7
//! ```
//!
//! Faults are drawn from `--seed`, the path and how many times it was asked
//! for, so the same crawl of a freshly started site meets the same faults.
//!
//! A connection that has not sent a whole request head `--header-timeout`
//! seconds (default 10) after opening, or after its previous response, is
//! closed: half-sent requests and idle keep-alive connections hold no socket
//! for long.
//!
//! You should see `blog site: http://127.0.0.1:8000 (50 pages, ...)`; it then
//! serves until Ctrl-C or `--duration` seconds, says how many requests it
//! served, and exits 0 (Ctrl-C is its normal stop). A port in use is an error
//! naming the address, with exit code 1; a bad flag is clap's error naming the
//! flag, exit code 2, before anything is bound.

use std::time::Duration;

use anyhow::Context;
use clap::Parser;
use shared::site::{Faults, Site, SiteConfig};

#[derive(Parser, Debug)]
#[command(allow_negative_numbers = true)] // `-1` is a value to refuse, not a flag
#[command(about = "Serve the local blog site the crawlers crawl")]
struct Args {
    /// Address to bind.
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// Port to bind (0 = any free port).
    #[arg(long, default_value_t = 8000)]
    port: u16,
    /// Number of list pages (at most 100,000).
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..=i64::from(shared::site::MAX_PAGES)))]
    pages: u32,
    /// Latency of every request, in milliseconds (at most 60,000).
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u64).range(0..=60_000))]
    latency_ms: u64,
    /// Fraction of page requests answered with 500 (0 to 1).
    #[arg(long, default_value_t = 0.0, value_parser = rate_arg)]
    error_rate: f64,
    /// Fraction of page requests slowed by --slow-ms (0 to 1).
    #[arg(long, default_value_t = 0.0, value_parser = rate_arg)]
    slow_rate: f64,
    /// Extra delay of a slow response, in milliseconds (at most 600,000).
    #[arg(long, default_value_t = 2000, value_parser = clap::value_parser!(u64).range(0..=600_000))]
    slow_ms: u64,
    /// Fraction of page responses whose connection is dropped mid-body (0 to 1).
    #[arg(long, default_value_t = 0.0, value_parser = rate_arg)]
    drop_rate: f64,
    /// Seed of the fault decisions.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Seconds a connection may take to send a request's head, counted from its
    /// opening or its previous response (so also the idle keep-alive timeout).
    #[arg(long, default_value = "10", value_parser = shared::crawl::timeout_arg)]
    header_timeout: Duration,
    /// Stop after this many seconds (at most 3600) instead of waiting for Ctrl-C.
    #[arg(long, value_parser = shared::workload::secs_arg)]
    duration: Option<Duration>,
}

/// Parses a fault rate: a fraction from 0 to 1 (NaN refused); clap names the flag.
fn rate_arg(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(rate) if (0.0..=1.0).contains(&rate) => Ok(rate),
        _ => Err(format!("{s} is not a fraction from 0 to 1")),
    }
}

fn main() -> anyhow::Result<()> {
    shared::quiet_backtraces();
    let args = Args::parse();
    let site = Site::start(SiteConfig {
        host: args.host,
        port: args.port,
        pages: args.pages,
        latency: Duration::from_millis(args.latency_ms),
        faults: Faults {
            error_rate: args.error_rate,
            slow_rate: args.slow_rate,
            slow_extra: Duration::from_millis(args.slow_ms),
            drop_rate: args.drop_rate,
            seed: args.seed,
        },
        header_timeout: args.header_timeout,
    })?;
    let banner = format!(
        "blog site: {} ({} pages, {} posts, {} ms per request); Ctrl-C stops it",
        site.url(),
        site.pages(),
        site.expected_posts(),
        args.latency_ms
    );
    // Ctrl-C, or the end of --duration if given, whichever comes first.
    tokio::runtime::Builder::new_current_thread().enable_all().build()?.block_on(async {
        let serving = async {
            println!("{banner}");
            match args.duration {
                Some(d) => tokio::time::sleep(d).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            // Ctrl-C polled first: its first poll installs the handler, so a Ctrl-C right
            // after the banner is caught too (before it, SIGINT's default would end us).
            biased;
            signal = tokio::signal::ctrl_c() => signal.context("cannot listen for Ctrl-C"),
            () = serving => Ok(()),
        }
    })?;
    println!("blog site: {} requests served, stopping", site.requests());
    Ok(())
}
