//! Awaiting 10 producers one after another takes 10 x 1 s; awaiting them
//! together takes 1 s.
//!
//! Mirrors the asyncio version of producer/consumer: `for p in producers:
//! await p` (sequential) against `await asyncio.gather(*producers)`
//! (concurrent). `.await` runs a future to its end before the next line:
//! writing `await` in a loop is writing sequential code. (Producers feeding a
//! consumer through a queue: `async_queue`.)
//!
//! Run: `cargo run -p examples-async --bin producer_consumer_async` (~11 s),
//! or `cargo run -p examples-async --bin producer_consumer_async -- --producers 5 --delay 0.2`.
//!
//! You should see `sequential`: each producer starts after the previous one
//! is done, cost ~10 s; `concurrent`: all ten start, then all are done, cost
//! ~1 s; each with a `check:` line.

use std::time::Duration;

use anyhow::{Result, ensure};
use clap::Parser;
use futures::future::join_all;
use shared::event;
use shared::timing::{Stopwatch, named};
use shared::workload::secs_arg;

#[derive(Parser)]
#[command(allow_negative_numbers = true)] // `-1` is a value to refuse, not a flag
#[command(about = "await producers one by one, or together")]
struct Args {
    /// How many producers.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=1000))]
    producers: u32,
    /// Seconds each producer takes to make its item.
    // secs_arg: seconds from 0 to 3600, NaN and inf refused (shared/src/workload.rs)
    #[arg(long, default_value = "1", value_parser = secs_arg)]
    delay: Duration,
}

/// Producer `i`: takes `delay` to make its item, `i * 10`. `named` gives its
/// event lines their row name (`event!` = println! with the time and the
/// task's name, shared/src/timing.rs).
fn produce(i: u32, delay: Duration) -> impl Future<Output = u32> {
    named(format!("producer-{i}"), async move {
        event!("start");
        tokio::time::sleep(delay).await;
        event!("done: item {}", i * 10);
        i * 10
    })
}

async fn sequential(n: u32, delay: Duration) -> Vec<u32> {
    let mut items = Vec::new();
    for i in 1..=n {
        items.push(produce(i, delay).await); // waits for this one before the next starts
    }
    items
}

async fn concurrent(n: u32, delay: Duration) -> Vec<u32> {
    join_all((1..=n).map(|i| produce(i, delay))).await // asyncio.gather
}

/// Times one way of running the producers and checks every item came once.
async fn section(label: &str, n: u32, way: impl Future<Output = Vec<u32>>) -> Result<()> {
    event!("{label}: {n} producers");
    let sw = Stopwatch::start();
    let got = way.await;
    sw.report(label); // prints `label, cost = X seconds` (Stopwatch, shared/src/timing.rs)
    let want: u32 = (1..=n).map(|i| i * 10).sum();
    let all = got.len() == n as usize && got.iter().sum::<u32>() == want;
    ensure!(all, "items lost");
    println!("check: {label}: {n} items, each once");
    Ok(())
}

#[tokio::main(flavor = "current_thread")] // one thread, as asyncio has
async fn main() -> Result<()> {
    let _run = shared::init()?; // quiet backtraces, the clock, spans if asked (shared/src/lib.rs)
    let Args { producers: n, delay } = Args::parse();
    section("sequential", n, sequential(n, delay)).await?;
    section("concurrent", n, concurrent(n, delay)).await
}
