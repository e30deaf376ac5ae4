//! Awaiting 10 producers one after another takes 10 x 1 s; awaiting them
//! together takes 1 s; and a tokio `mpsc` channel lets a consumer take their
//! items as they come.
//!
//! Mirrors the asyncio version of producer/consumer: `for p in producers:
//! await p` (sequential), `await asyncio.gather(*producers)` (concurrent),
//! and producers `put` into an `asyncio.Queue` that a consumer `get`s from.
//! `.await` on a future runs it to the end before the next line: writing
//! `await` in a loop is writing sequential code (added here).
//!
//! The channel version (`--mode mpsc`): each producer task holds a clone of
//! the `Sender`; the consumer's `rx.recv().await` returns `None` once every
//! `Sender` is dropped, so the end needs no sentinel (asyncio's Queue has no
//! close before Python 3.13's `Queue.shutdown()`; the 3.11 twin puts a `None`). The channel is bounded (capacity 4): a
//! producer's `send().await` waits while it is full, as `await q.put()` does.
//!
//! Run: `cargo run -p examples-async --bin producer_consumer_async` (~12 s),
//! or `cargo run -p examples-async --bin producer_consumer_async -- --producers 5 --delay 0.2`.
//!
//! You should see `sequential`: each producer starts after the previous one
//! is done, cost ~10 s; `concurrent`: all ten start, then all are done, cost
//! ~1 s; `mpsc`: the consumer gets 10 items (in any order) and sees the
//! channel close, cost ~1 s; each with a `check:` line.

use std::time::Duration;

use anyhow::{Result, ensure};
use clap::{Parser, ValueEnum};
use futures::future::join_all;
use shared::timing::Stopwatch;
use shared::workload::secs_arg;
use shared::{event, event_as};
use tokio::sync::mpsc;

#[derive(Parser)]
#[command(allow_negative_numbers = true)] // `-1` is a value to refuse, not a flag
#[command(about = "await producers one by one, together, or through an mpsc channel")]
struct Args {
    #[arg(long, value_enum, default_value_t = Mode::All)]
    mode: Mode,
    /// How many producers.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=1000))]
    producers: u32,
    /// Seconds each producer takes to make its item.
    #[arg(long, default_value = "1", value_parser = secs_arg)]
    delay: Duration,
}

#[derive(Clone, Copy, PartialEq, ValueEnum)]
enum Mode {
    Sequential,
    Concurrent,
    Mpsc,
    All,
}

/// Producer `i`: takes `delay` to make its item, `i * 10`.
async fn produce(i: u32, delay: Duration) -> u32 {
    let who = format!("producer-{i}");
    event_as!(&who, "start");
    tokio::time::sleep(delay).await;
    event_as!(&who, "done: item {}", i * 10);
    i * 10
}

async fn run(mode: Mode, n: u32, delay: Duration) -> Result<()> {
    let want: u32 = (1..=n).map(|i| i * 10).sum();
    let (label, got) = match mode {
        Mode::Sequential => {
            let mut items = Vec::new();
            for i in 1..=n {
                items.push(produce(i, delay).await); // waits for this one first
            }
            ("sequential", items)
        }
        Mode::Concurrent => (
            "concurrent",
            join_all((1..=n).map(|i| produce(i, delay))).await,
        ),
        _ => {
            let (tx, mut rx) = mpsc::channel(4);
            for i in 1..=n {
                let tx = tx.clone();
                tokio::spawn(async move {
                    let item = produce(i, delay).await;
                    // Err only if the consumer is gone; then there is no one to tell.
                    let _ = tx.send(item).await;
                }); // this task's Sender is dropped when it ends
            }
            drop(tx); // keep only the producers' Senders, or recv() never ends
            let mut items = Vec::new();
            while let Some(item) = rx.recv().await {
                event_as!("consumer", "got item {item}");
                items.push(item);
            }
            event_as!("consumer", "channel closed: every Sender dropped");
            ("mpsc", items)
        }
    };
    ensure!(
        got.len() == n as usize && got.iter().sum::<u32>() == want,
        "items lost"
    );
    println!("check: {label}: {n} items, each once");
    Ok(())
}

fn main() -> Result<()> {
    shared::quiet_backtraces();
    shared::timing::epoch();
    let args = Args::parse();
    let modes = match args.mode {
        Mode::All => vec![Mode::Sequential, Mode::Concurrent, Mode::Mpsc],
        m => vec![m],
    };
    // #[tokio::main(flavor = "current_thread")]: one thread, as asyncio has.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    for mode in modes {
        let label = match mode {
            Mode::Sequential => "sequential",
            Mode::Concurrent => "concurrent",
            _ => "mpsc",
        };
        event!(
            "{label}: {} producers of {:?} each",
            args.producers,
            args.delay
        );
        let sw = Stopwatch::start();
        rt.block_on(run(mode, args.producers, args.delay))?;
        sw.report(label);
    }
    Ok(())
}
