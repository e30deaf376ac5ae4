//! An async generator in Rust: a `Stream`, consumed with
//! `while let Some(x) = s.next().await` (Python's `async for x in s`).
//!
//! Mirrors the notes (002, Chapter13), word for word: 「可以透過 async、yield 和
//! AsyncIterator 實作非同步產生器，並搭配 async for 迭代非同步迭代器 (Asynchronous
//! Iterator)。」 ("with async, yield and AsyncIterator you can write an async
//! generator, and iterate the asynchronous iterator with async for.")
//!
//! Stable Rust has no `yield` in async code yet (async generator blocks are
//! unstable), so two ways to write one (`--form`, added here):
//! - `macro`: the `async-stream` crate's `stream! { ... yield x; ... }` reads
//!   like Python's `async def` + `yield`; the macro rewrites it into a state
//!   machine. It is `!Unpin`, so it is pinned (`pin!`) before `next()`.
//! - `unfold`: `futures::stream::unfold(state, |state| async { .. })`, no
//!   macro: each step is a future that returns `Some((item, next_state))`,
//!   or `None` to end the stream.
//!
//! A stream is lazy and pulled, like a generator: its body runs only when the
//! consumer asks for the next item, and stops at each `yield` until asked
//! again. The events show it: `yielding 1`, `got 1`, `making 2`, ...
//! `StreamExt::next` comes from `futures`; `tokio-stream` re-exports the same
//! `Stream` trait (from `futures-core`) with a `StreamExt` of its own.
//!
//! Run: `cargo run -p examples-async --bin async_stream -- --count 3`
//!
//! You should see, per form, for each i: the generator `making i`, `yielding
//! i`, then the consumer `got i`, strictly interleaved; then `stream ended` and
//! the `check:` line. The order is the same on every run.

use std::pin::pin;
use std::time::Duration;

use anyhow::{Result, ensure};
use clap::{Parser, ValueEnum};
use futures::{Stream, StreamExt};
use shared::workload::secs_arg;
use shared::{event, event_as};

#[derive(Parser)]
#[command(allow_negative_numbers = true)] // `-1` is a value to refuse, not a flag
#[command(
    about = "async generators and async for: a Stream and while let Some(x) = s.next().await"
)]
struct Args {
    #[arg(long, value_enum, default_value_t = Form::All)]
    form: Form,
    /// How many items the generator yields.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(0..=1000))]
    count: u32,
    /// Seconds the generator waits before each item (its "I/O").
    #[arg(long, default_value = "0.2", value_parser = secs_arg)]
    delay: Duration,
}

#[derive(Clone, Copy, ValueEnum)]
enum Form {
    Macro,
    Unfold,
    All,
}

/// `async def ticker(n, delay): for i in 1..=n: await sleep(delay); yield i`
fn ticker_macro(n: u32, delay: Duration) -> impl Stream<Item = u32> {
    async_stream::stream! {
        for i in 1..=n {
            event_as!("generator", "making {i}");
            tokio::time::sleep(delay).await;
            event_as!("generator", "yielding {i}");
            yield i;
        }
    }
}

/// The same generator without a macro: the state is the next number.
fn ticker_unfold(n: u32, delay: Duration) -> impl Stream<Item = u32> {
    futures::stream::unfold(1, move |i| async move {
        if i > n {
            return None; // the end of the stream
        }
        event_as!("generator", "making {i}");
        tokio::time::sleep(delay).await;
        event_as!("generator", "yielding {i}");
        Some((i, i + 1)) // (the item, the next state)
    })
}

/// `async for x in s:` — pull until the stream ends.
async fn consume(s: impl Stream<Item = u32>) -> Vec<u32> {
    let mut s = pin!(s); // next() needs the stream pinned in place
    let mut got = Vec::new();
    while let Some(x) = s.next().await {
        event_as!("consumer", "got {x}");
        got.push(x);
    }
    event_as!("consumer", "stream ended");
    got
}

async fn run(args: Args) -> Result<()> {
    let forms = match args.form {
        Form::All => vec![Form::Macro, Form::Unfold],
        f => vec![f],
    };
    for form in forms {
        let got = match form {
            Form::Macro => {
                event!("macro: stream! {{ ... yield i; ... }}");
                consume(ticker_macro(args.count, args.delay)).await
            }
            _ => {
                event!("unfold: stream::unfold(1, |i| async {{ ... }})");
                consume(ticker_unfold(args.count, args.delay)).await
            }
        };
        ensure!(
            got.iter().copied().eq(1..=args.count),
            "items out of order: {got:?}"
        );
        println!(
            "check: {} items, in order, each made only when asked for",
            got.len()
        );
    }
    Ok(())
}

fn main() -> Result<()> {
    shared::quiet_backtraces();
    shared::timing::epoch();
    let args = Args::parse();
    // #[tokio::main(flavor = "current_thread")]
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(run(args))
}
