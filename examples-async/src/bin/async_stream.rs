//! An async generator in Rust: a `Stream`, consumed with
//! `while let Some(x) = s.next().await` (Python's `async for x in s`).
//!
//! Mirrors the notes (002, Chapter13), word for word: 「可以透過 async、yield 和
//! AsyncIterator 實作非同步產生器，並搭配 async for 迭代非同步迭代器 (Asynchronous
//! Iterator)。」 ("with async, yield and AsyncIterator you can write an async
//! generator, and iterate the asynchronous iterator with async for.")
//!
//! Stable Rust has no `yield` in async code yet (async generator blocks are
//! unstable), so two ways to write one (added here): the `async-stream`
//! crate's `stream!` macro, and `futures::stream::unfold` with no macro. A
//! stream is lazy and pulled, like a generator: its body runs only when the
//! consumer asks for the next item, and stops at each `yield` until asked again.
//!
//! Run: `cargo run -p examples-async --bin async_stream -- --count 3`
//!
//! You should see, per form, for each i: the generator `making i`, `yielding
//! i`, then the consumer `got i`, strictly interleaved; then `stream ended`.
//! The order is the same on every run.

use std::pin::pin;
use std::time::Duration;

use anyhow::Result;
use clap::Parser;
use futures::{Stream, StreamExt};
use shared::workload::secs_arg;
use shared::{event, event_as};

#[derive(Parser)]
#[command(allow_negative_numbers = true)] // `-1` is a value to refuse, not a flag
#[command(about = "async for over a Stream: while let Some(x) = s.next().await")]
struct Args {
    /// How many items the generator yields.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(0..=1000))]
    count: u32,
    /// Seconds the generator waits before each item (its "I/O").
    // secs_arg: seconds from 0 to 3600, NaN and inf refused (shared/src/workload.rs)
    #[arg(long, default_value = "0.2", value_parser = secs_arg)]
    delay: Duration,
}

/// `async def ticker(n, delay): for i in 1..=n: await sleep(delay); yield i`:
/// the macro rewrites this body into a state machine.
fn ticker_macro(n: u32, delay: Duration) -> impl Stream<Item = u32> {
    async_stream::stream! {
        for i in 1..=n {
            // println! with the time and a row name (shared/src/timing.rs). The
            // stream runs inside the consumer's poll (one task, two speakers).
            event_as!("generator", "making {i}");
            tokio::time::sleep(delay).await;
            event_as!("generator", "yielding {i}");
            yield i;
        }
    }
}

/// The same generator without a macro: each step is a future that returns
/// `Some((item, next state))`, or `None` to end; the state is the next number.
fn ticker_unfold(n: u32, delay: Duration) -> impl Stream<Item = u32> {
    futures::stream::unfold(1, move |i| async move {
        if i > n {
            return None;
        }
        event_as!("generator", "making {i}");
        tokio::time::sleep(delay).await;
        event_as!("generator", "yielding {i}");
        Some((i, i + 1))
    })
}

/// `async for x in s:`: pull until the stream ends.
async fn consume(s: impl Stream<Item = u32>) {
    let mut s = pin!(s); // next() needs the stream pinned in place
    while let Some(x) = s.next().await {
        event_as!("consumer", "got {x}");
    }
    event_as!("consumer", "stream ended");
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<()> {
    let _run = shared::init()?; // quiet backtraces, the clock, spans if asked (shared/src/lib.rs)
    let Args { count: n, delay } = Args::parse();
    event!("macro: stream! {{ ... yield i; ... }}");
    consume(ticker_macro(n, delay)).await;
    event!("unfold: stream::unfold(1, |i| async {{ ... }})");
    consume(ticker_unfold(n, delay)).await;
    Ok(())
}
