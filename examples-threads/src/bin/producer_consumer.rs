//! Producers and consumers over a bounded queue: `crossbeam::channel::bounded(10)`.
//!
//! The notes, word for word: notes/001_02a52d28409d88e4.txt, under 数据通信
//! ("passing data"), `import queue` / `q = queue.Queue()` / `q.put(item)` /
//! `item = q.get()`; and notes/002_bdfb11ea434acb50.txt:
//! 透過 queue.Queue 配合 threading.Thread 可以達到一進一出 (wait / notify) 的效果。
//! ("queue.Queue with threading.Thread gives one-in, one-out (wait / notify).")
//! Added here: the bound of 10 (`queue.Queue(10)`: `put` blocks while 10
//! items wait), several producers and consumers, and the twin's
//! `task_done()` / `join()`, which the notes do not mention.
//!
//! Shutdown is the hard part, and where the course's producer-consumer
//! crawler goes wrong: its consumers loop on `q.get()` forever, so it never
//! exits. A Python queue never closes, so the twin sends one sentinel
//! (`None`) per consumer; a crossbeam channel closes when its last `Sender`
//! is dropped, and a consumer's `for item in rx` ends once it is closed *and*
//! empty. No sentinel, no counter.
//!
//! Run: `cargo run -p examples-threads --bin producer_consumer [-- --producers 3 --consumers 4 --items 30]`
//!
//! You should see `put` lines running up to 10 ahead of the `got` lines
//! (consumers are slower), the interleaving varying between runs (an item's
//! `got` can even print just before its `put`: both threads race to print
//! after the hand-over); each thread saying it is done; then `check: 100
//! items consumed exactly once`.

use std::{thread, time::Duration};

use anyhow::ensure;
use clap::Parser;
use shared::{event, workload::secs_arg};

/// Producers and consumers over a bounded channel (queue.Queue(10))
#[derive(Parser)]
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
    /// Seconds a consumer spends on each item, to fill the queue (0 to 3600).
    #[arg(long, default_value = "0.01", value_parser = secs_arg)]
    consume_secs: Duration,
}

fn main() -> anyhow::Result<()> {
    let _run = shared::init()?; // one-line errors and the clock of `event!` (shared/src/lib.rs)
    let args = Args::parse();
    let (tx, rx) = crossbeam::channel::bounded::<u32>(10); // queue.Queue(10)
    let mut got: Vec<u32> = thread::scope(|s| {
        let mut consumers = Vec::new();
        for c in 1..=args.consumers {
            let consumer = thread::Builder::new().name(format!("consumer-{c}"));
            consumers.push(consumer.spawn_scoped(s, || {
                let mut got = Vec::new();
                for item in &rx {
                    event!("got {item}"); // println with the time and thread name (shared/src/timing.rs)
                    thread::sleep(args.consume_secs);
                    got.push(item);
                }
                event!("channel closed and empty: consumed {} items", got.len());
                got // the items this consumer handled, back through join()
            })?);
        }
        for p in 0..args.producers {
            let tx = tx.clone();
            let producer = thread::Builder::new().name(format!("producer-{}", p + 1));
            producer.spawn_scoped(s, move || {
                // Producer p makes items p, p + P, p + 2P, ...
                for item in (p..args.items).step_by(args.producers as usize) {
                    // Blocks while the channel is full; Err only if every consumer is gone
                    // (they panicked, and the scope will re-raise that): stop then.
                    let Ok(()) = tx.send(item) else { return };
                    event!("put {item}");
                }
                event!("done, dropping my sender");
            })?;
        }
        // Main's own Sender must go too: while one lives, the channel stays
        // open and the consumers would wait forever.
        drop(tx);
        // unwrap on join(): a consumer that panicked re-raises its panic here.
        anyhow::Ok(consumers.into_iter().flat_map(|c| c.join().unwrap()).collect())
    })?;
    event!("all threads joined");
    got.sort_unstable();
    let n = args.items;
    ensure!(got.into_iter().eq(0..n), "the items consumed are not each of 0..{n} exactly once");
    println!("check: {n} items consumed exactly once");
    Ok(())
}
