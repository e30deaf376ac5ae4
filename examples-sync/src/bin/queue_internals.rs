//! How `queue.Queue` is built, beside a lock-free queue and a channel.
//!
//! The notes, word for word (notes 002, Chapter13): 「queue 模塊實現了多生產者、多消費者隊列。這特別適用於消息必須安全地在多線程間交換的線程編程。模塊中的 Queue 類實現了所有所需的鎖定語義。」 (The queue module implements multi-producer,
//! multi-consumer queues, especially useful in threaded programming when
//! messages must be exchanged safely between threads; its Queue class
//! implements all the required locking semantics) and 「透過 queue.Queue 配合 threading.Thread 可以達到一進一出 (wait / notify) 的效果。」 (queue.Queue
//! with threading.Thread gives one-in, one-out (wait / notify)).
//!
//! The look inside is added here, from CPython's `Lib/queue.py`: one lock
//! around a deque plus three condition variables on it (`not_empty`,
//! `not_full`, `all_tasks_done`) make `put` block while full, `get` while
//! empty, and `join` wait for every `task_done`. One producer/consumer job,
//! three ways, each with one producer and `--consumers` consumers, checked:
//! 1. `examples_sync::Queue`, that design in Rust (src/queue.rs); the
//!    producer `join()`s, then puts one `None` sentinel per consumer;
//! 2. crossbeam's `ArrayQueue`: lock-free, never blocks: a full `push` hands
//!    the item back, an empty `pop` cannot tell "not yet" from "never";
//! 3. `crossbeam::channel::bounded`: blocking, plus disconnection: consumers
//!    end when the sender is dropped, no sentinel.
//!
//! The twin is `examples-sync/python/queue_internals.py`.
//!
//!     cargo run -p examples-sync --bin queue_internals
//!     cargo run -p examples-sync --bin queue_internals -- --items 20 --maxsize 2 --consumers 3
//!
//! You should see, per variant, the puts and gets interleaved (which consumer
//! gets which item varies between runs; a consumer's gets are in put order),
//! then `check: N items consumed exactly once`.

use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::Parser;
use crossbeam::{channel, queue::ArrayQueue};
use examples_sync::Queue;
use examples_sync::together::producer_consumers;
use shared::event; // event! = println with the elapsed time and the thread's name (shared/src/timing.rs)
use shared::workload::secs_arg; // clap parser: seconds from 0 to 3600, NaN and inf refused

#[derive(Parser)]
#[command(about = "queue.Queue's internals beside ArrayQueue and a bounded channel")]
struct Args {
    /// Items the producer puts.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(0..=100_000))]
    items: u32,
    /// Capacity of each queue (Python's maxsize).
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=1000))]
    maxsize: u32,
    /// Consumer threads.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..=64))]
    consumers: u32,
    /// Seconds a consumer works on each item (lets the queue fill up; 0 to 3600).
    #[arg(long, default_value = "0.01", value_parser = secs_arg)]
    work: Duration,
}

fn main() -> Result<()> {
    let _run = shared::init()?; // quiet errors, the clock, spans if asked (shared/src/lib.rs)
    let a = Args::parse();
    let (items, size) = (a.items, a.maxsize as usize);
    // producer_consumers (src/together.rs): one `producer` thread, --consumers
    // `consumer-N` threads, each handing what it takes to `consume` (prints
    // `got N`, works --work, writes it down); then checks each item was got once.

    // 1. The hand-built queue.Queue: put blocks while full, join waits for task_done.
    event!("--- Queue: Mutex<VecDeque> + Condvars (examples-sync/src/queue.rs) ---");
    let q = Queue::<Option<u32>>::new(size);
    let producer = || {
        for i in 0..items {
            q.put(Some(i)); // blocks while the queue holds maxsize items
            event!("put {i} (qsize {})", q.qsize());
        }
        q.join(); // wait until every item is task_done
        event!("join() returned: every item was task_done; one None per consumer");
        (0..a.consumers).for_each(|_| q.put(None));
        Ok(())
    };
    let consumer = |consume: &dyn Fn(u32)| {
        while let Some(item) = q.get() {
            consume(item);
            q.task_done()?; // an error only if called more often than put
        }
        Ok(q.task_done()?) // for the sentinel too
    };
    producer_consumers(items, a.consumers, a.work, producer, consumer)?;

    // 2. ArrayQueue: lock-free, never blocks; the caller decides what to do.
    event!("--- crossbeam ArrayQueue: lock-free, never blocks ---");
    let (aq, done) = (ArrayQueue::new(size), AtomicBool::new(false));
    let producer = || {
        for i in 0..items {
            while aq.push(i).is_err() {
                thread::yield_now(); // full: the item comes back; yield and retry
            }
            event!("pushed {i} (len {})", aq.len());
        }
        done.store(true, Ordering::Release); // after the last push
        Ok(())
    };
    let consumer = |consume: &dyn Fn(u32)| loop {
        match aq.pop() {
            Some(item) => consume(item),
            // Empty: "not yet" or "never"? Only the flag tells.
            None if done.load(Ordering::Acquire) && aq.is_empty() => break Ok(()),
            None => thread::yield_now(),
        }
    };
    producer_consumers(items, a.consumers, a.work, producer, consumer)?;

    // 3. A bounded channel: blocking send/recv, and disconnection.
    event!("--- crossbeam::channel bounded: blocks, and disconnects ---");
    let (tx, rx) = channel::bounded(size);
    let producer = move || {
        for i in 0..items {
            tx.send(i).context("every receiver is gone")?; // blocks while full
            event!("sent {i} (len {})", tx.len());
        }
        Ok(()) // `tx` moved into this closure and drops now: the consumers end once it is empty
    };
    let consumer = |consume: &dyn Fn(u32)| {
        rx.iter().for_each(consume); // ends when the sender is gone
        Ok(())
    };
    producer_consumers(items, a.consumers, a.work, producer, consumer)
}
