//! Producers and consumers over a bounded queue: `crossbeam::channel::bounded(10)`.
//!
//! The notes, word for word: notes/001_02a52d28409d88e4.txt, under 数据通信
//! ("passing data"), `import queue` / `q = queue.Queue()` / `q.put(item)` /
//! `item = q.get()`; and notes/002_bdfb11ea434acb50.txt:
//! 透過 queue.Queue 配合 threading.Thread 可以達到一進一出 (wait / notify) 的效果。
//! ("queue.Queue with threading.Thread gives one-in, one-out (wait / notify).")
//! 模塊中的 Queue 類實現了所有所需的鎖定語義。 ("The module's Queue class
//! implements all the locking semantics needed.") Added here: the bound of 10
//! (`queue.Queue(10)`: `put` blocks while 10 items wait), several producers
//! and consumers, and the twin's `task_done()` / `join()`, which the notes
//! do not mention.
//!
//! Shutdown is the hard part, and where the course's well-known
//! producer-consumer crawler goes wrong: its consumers loop on `q.get()`
//! forever, so the program never exits. A Python queue never closes, so the
//! twin sends one sentinel (`None`) per consumer. A crossbeam channel closes
//! when its last `Sender` is dropped: each producer drops its sender when it
//! returns, main drops its own, and a consumer's `for item in rx.iter()` ends
//! once the channel is closed *and* empty. No sentinel, no counter: joining
//! the consumer threads is `q.join()`, and each returns the items it handled.
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
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::Parser;
use shared::event;
use shared::workload::secs_arg;

/// Producers and consumers over a bounded channel.
#[derive(Parser)]
#[command(allow_negative_numbers = true)] // `-1` is a value to refuse, not a flag
struct Args {
    /// Producer threads (1 to 100).
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..=100))]
    producers: u32,
    /// Consumer threads (1 to 100).
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..=100))]
    consumers: u32,
    /// Items to produce in all, numbered 0..items (0 to 1,000,000).
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(0..=1_000_000))]
    items: u32,
    /// Channel capacity: Python's Queue(maxsize) (1 to 10,000).
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    capacity: u32,
    /// Seconds a consumer spends on each item, to fill the queue (0 to 3600).
    #[arg(long, default_value = "0.01", value_parser = secs_arg)]
    consume_secs: Duration,
}

fn main() -> Result<()> {
    shared::quiet_backtraces();
    shared::timing::epoch();
    let args = Args::parse();
    let work = args.consume_secs;
    let (tx, rx) = crossbeam::channel::bounded::<u32>(args.capacity as usize);

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
