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
//! You should see `blog site: http://127.0.0.1:8000 (50 pages, ...)`; it then
//! serves until Ctrl-C (or `--duration` seconds). A port in use is an error
//! naming the address, with exit code 1.

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
    /// Fraction of page requests answered with 500.
    #[arg(long, default_value_t = 0.0)]
    error_rate: f64,
    /// Fraction of page requests slowed by --slow-ms.
    #[arg(long, default_value_t = 0.0)]
    slow_rate: f64,
    /// Extra delay of a slow response, in milliseconds (at most 600,000).
    #[arg(long, default_value_t = 2000, value_parser = clap::value_parser!(u64).range(0..=600_000))]
    slow_ms: u64,
    /// Fraction of page responses whose connection is dropped mid-body.
    #[arg(long, default_value_t = 0.0)]
    drop_rate: f64,
    /// Seed of the fault decisions.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Stop after this many seconds instead of waiting for Ctrl-C.
    #[arg(long)]
    duration: Option<f64>,
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
    })?;
    println!(
        "blog site: {} ({} pages, {} posts, {} ms per request); Ctrl-C stops it",
        site.url(),
        site.pages(),
        site.expected_posts(),
        args.latency_ms
    );
    match args.duration {
        Some(secs) => std::thread::sleep(
            Duration::try_from_secs_f64(secs)
                .map_err(|_| anyhow::anyhow!("{secs} is not a valid number of seconds"))?,
        ),
        None => tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?
            .block_on(tokio::signal::ctrl_c())
            .context("cannot listen for Ctrl-C")?,
    }
    println!("blog site: {} requests served, stopping", site.requests());
    Ok(())
}
