//! Producers and consumers over a bounded queue: `crossbeam_channel::bounded(10)`.
//!
//! Mirrors the threading note's `q = queue.Queue(10)`: producers `q.put(item)`
//! (blocking while 10 items wait), consumers loop on `q.get()` and call
//! `q.task_done()`, and `q.join()` waits until every item has been processed.
//!
//! Shutdown is different. A Python queue never closes, so consumers need a
//! sentinel (`None`, one per consumer) to know the work is over, and
//! `task_done()`/`join()` count what is finished. A crossbeam channel closes
//! when its last `Sender` is dropped: each producer drops its sender when it
//! returns, main drops its own, and a consumer's `for item in rx.iter()` ends
//! once the channel is closed *and* empty. No sentinel, no counter: joining the
//! consumer threads is `q.join()`, and each returns the items it handled.
//!
//! Run it:
//!
//! ```text
//! cargo run -p examples-threads --bin producer_consumer
//! cargo run -p examples-threads --bin producer_consumer -- --producers 3 --consumers 4 --items 30
//! ```
//!
//! You should see `put` lines from the producers running up to 10 ahead of
//! the `got` lines (consumers are slower), the interleaving varying between
//! runs (an item's `got` can even print just before its `put`: the two threads
//! race to print after the hand-over); each thread saying it is done; then
//! `check: 100 items consumed exactly once`.

use std::thread;

use anyhow::{Context, Result, bail};
use clap::Parser;
use shared::event;
use shared::workload::seconds;

/// Producers and consumers over a bounded channel.
#[derive(Parser)]
struct Args {
    /// Producer threads.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..))]
    producers: u32,
    /// Consumer threads.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..))]
    consumers: u32,
    /// Items to produce in all (numbered 0..items).
    #[arg(long, default_value_t = 100)]
    items: u32,
    /// Channel capacity: Python's Queue(maxsize).
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..))]
    capacity: u32,
    /// Seconds a consumer spends on each item (makes the queue fill up).
    #[arg(long, default_value_t = 0.01)]
    consume_secs: f64,
}

fn main() -> Result<()> {
    shared::timing::epoch();
    let args = Args::parse();
    let work = seconds(args.consume_secs).context("bad --consume-secs")?;
    let (tx, rx) = crossbeam_channel::bounded::<u32>(args.capacity as usize);

    let mut consumers = Vec::new();
    for c in 1..=args.consumers {
        let rx = rx.clone();
        let h = thread::Builder::new()
            .name(format!("consumer-{c}"))
            .spawn(move || {
                let mut got = Vec::new();
                // Ends when every Sender is gone and the buffer is drained.
                for item in rx.iter() {
                    event!("got {item}");
                    thread::sleep(work);
                    got.push(item);
                }
                event!("channel closed and empty: consumed {} items", got.len());
                got
            })
            .context("cannot spawn a consumer")?;
        consumers.push(h);
    }

    let mut producers = Vec::new();
    for p in 0..args.producers {
        let tx = tx.clone();
        let (step, items) = (args.producers as usize, args.items);
        let h = thread::Builder::new()
            .name(format!("producer-{}", p + 1))
            .spawn(move || -> Result<()> {
                // Producer p makes items p, p + P, p + 2P, ...
                for item in (p..items).step_by(step) {
                    // Blocks while the channel is full; Err only if every
                    // Receiver is gone (all consumers died).
                    tx.send(item).context("no consumer left")?;
                    event!("put {item}");
                }
                event!("done, dropping my sender");
                Ok(())
            })
            .context("cannot spawn a producer")?;
        producers.push(h);
    }
    // Main's own handles must go too: while one Sender lives the channel
    // stays open and the consumers would wait forever.
    drop(tx);
    drop(rx);

    for h in producers {
        // join() is Err only if the thread panicked: a bug, so pass it on.
        h.join().unwrap()?;
    }
    let mut all: Vec<u32> = Vec::new();
    for h in consumers {
        all.extend(h.join().unwrap());
    }
    event!("all threads joined");

    all.sort_unstable();
    let expected: Vec<u32> = (0..args.items).collect();
    if all != expected {
        bail!(
            "consumed {} items, not each of 0..{} exactly once",
            all.len(),
            args.items
        );
    }
    println!("check: {} items consumed exactly once", args.items);
    Ok(())
}
