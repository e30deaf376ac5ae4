//! Producers `put` items into a queue while a consumer `get`s them as they
//! come: asyncio's `Queue` is tokio's `mpsc` channel. The consumer needs no
//! sentinel: `recv()` returns `None` once every `Sender` is dropped.
//!
//! Mirrors the asyncio version of the notes' producer/consumer (added here;
//! the threads' version is `producer_consumer`): producer tasks `await
//! q.put(item)` into an `asyncio.Queue(4)`, a consumer `await q.get()`s.
//! asyncio's Queue has no close before 3.13's `Queue.shutdown()`, so the
//! twin puts a `None` when every producer is done.
//!
//! Run: `cargo run -p examples-async --bin async_queue` (~1 s), or
//! `cargo run -p examples-async --bin async_queue -- --producers 100 --delay 0.2`.
//!
//! You should see all ten producers start, then be done, the consumer get
//! their 10 items (in any order) and see the channel close, a cost line of
//! ~1 s and the `check:` line.

use std::time::Duration;

use anyhow::{Result, ensure};
use clap::Parser;
use shared::event;
use shared::timing::{Stopwatch, named};
use shared::workload::secs_arg;
use tokio::sync::mpsc;

#[derive(Parser)]
#[command(allow_negative_numbers = true)] // `-1` is a value to refuse, not a flag
#[command(about = "producers and a consumer through a tokio mpsc channel (asyncio.Queue)")]
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

#[tokio::main(flavor = "current_thread")] // one thread, as asyncio has
async fn main() -> Result<()> {
    let _run = shared::init()?; // quiet backtraces, the clock, spans if asked (shared/src/lib.rs)
    let Args { producers: n, delay } = Args::parse();
    event!("mpsc: {n} producers");
    let sw = Stopwatch::start();
    // Bounded: a producer's send().await waits while it is full, as `await q.put()` does.
    let (tx, mut rx) = mpsc::channel(4);
    for i in 1..=n {
        let tx = tx.clone(); // each producer task holds a Sender
        tokio::spawn(async move {
            let _ = tx.send(produce(i, delay).await).await; // Err only if the consumer is gone
        });
    }
    drop(tx); // keep only the producers' Senders, or recv() never ends
    let consumer = named("consumer", async {
        let mut items = Vec::new();
        while let Some(item) = rx.recv().await {
            event!("got item {item}");
            items.push(item);
        }
        event!("channel closed: every Sender dropped"); // None: no sentinel needed
        items
    });
    let items = consumer.await;
    sw.report("mpsc"); // prints `label, cost = X seconds` (Stopwatch, shared/src/timing.rs)
    let want: u32 = (1..=n).map(|i| i * 10).sum();
    ensure!(items.len() == n as usize && items.iter().sum::<u32>() == want, "items lost");
    println!("check: mpsc: {n} items, each once");
    Ok(())
}
