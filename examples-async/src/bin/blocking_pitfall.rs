//! A blocking call inside an async task stalls every other task on its
//! thread; `spawn_blocking` (tokio) or `smol::unblock` moves it to a thread
//! pool and the others keep running.
//!
//! Mirrors the notes' one drawback of asyncio (001): 「很多库不支持，比如requests」
//! ("many libraries don't support it, e.g. requests"): `requests.get` blocks
//! the thread, and on an event loop the thread *is* every task. In Python the
//! fix is `await asyncio.to_thread(requests.get, url)` (the twin). Here the
//! blocking call is a wait on a std channel (`recv_timeout`), like a socket
//! read: it returns when the reply comes or after `--block` seconds. The reply
//! comes from a `ticker` task beside it, after its last tick (added here, so
//! that the outcome proves who ran, not a time). Three runs, added here:
//! `stall` (the call right inside a task, on one thread as asyncio has),
//! `spawn-blocking` (tokio's fix) and `unblock` (smol's).
//!
//! Run: `cargo run -p examples-async --bin blocking_pitfall` (or with `--block 2`)
//!
//! You should see, per mode, `ticker` tick 1, `blocker` start, then either
//! nothing from `ticker` until `blocking call returned: timed out` (stall) or
//! ticks 2..5 and then `blocking call returned: answered` (the fixes), and a
//! `check:` line.

use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::Duration;

use anyhow::{Result, ensure};
use clap::Parser;
use shared::event;
use shared::timing::named;
use shared::workload::secs_arg;

#[derive(Parser)]
#[command(allow_negative_numbers = true)] // `-1` is a value to refuse, not a flag
#[command(about = "a blocking call in a task stalls the others; spawn_blocking / unblock fix it")]
struct Args {
    /// Seconds the blocking call waits at most for its reply.
    // secs_arg: seconds from 0 to 3600, NaN and inf refused (shared/src/workload.rs)
    #[arg(long, default_value = "1", value_parser = secs_arg)]
    block: Duration,
    /// Seconds between ticks.
    #[arg(long, default_value = "0.1", value_parser = secs_arg)]
    tick: Duration,
}

/// Ticks 5 times, `sleep()` apart, then sends the reply the blocking call waits for.
async fn ticker<F: Future>(sleep: impl Fn() -> F, reply: Sender<()>) {
    for i in 1..=5 {
        event!("tick {i}"); // println! with the time and the task's name (shared/src/timing.rs)
        sleep().await;
    }
    let _ = reply.send(()); // Err if the call timed out already
}

/// The stand-in for `requests.get(url)`: blocks the calling thread until the
/// reply comes or `timeout` passes.
fn blocking_call(reply: Receiver<()>, timeout: Duration) -> &'static str {
    if reply.recv_timeout(timeout).is_ok() { "answered" } else { "timed out" }
}

type Answer = Result<&'static str>; // "answered" or "timed out"

/// The ticker and a task making the call `call`, side by side on one runtime.
async fn side_by_side(ticker: impl Future, call: impl Future<Output = Answer>) -> Answer {
    let blocker = named("blocker", async {
        event!("blocking call starts");
        let how = call.await?;
        event!("blocking call returned: {how}");
        Ok(how)
    });
    futures::join!(named("ticker", ticker), blocker).1
}

fn main() -> Result<()> {
    let _run = shared::init()?; // quiet backtraces, the clock, spans if asked (shared/src/lib.rs)
    let Args { block, tick } = Args::parse();
    // One thread, as asyncio has: #[tokio::main(flavor = "current_thread")].
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    for mode in ["stall", "spawn-blocking", "unblock"] {
        event!("{mode}: a blocking call of {block:?} beside a ticker");
        let (reply, rx) = channel();
        let call = move || blocking_call(rx, block);
        let tokio_sleep = || tokio::time::sleep(tick);
        let how = match mode {
            // The pitfall: the call blocks the one thread, so no other task runs.
            "stall" => {
                rt.block_on(side_by_side(ticker(tokio_sleep, reply), async { Ok(call()) }))?
            }
            // The fix: the call runs on tokio's blocking pool; this thread runs the ticker.
            "spawn-blocking" => {
                rt.block_on(side_by_side(ticker(tokio_sleep, reply), async {
                    Ok(tokio::task::spawn_blocking(call).await?) // Err only if the call panicked
                }))?
            }
            // smol's fix, the same on smol's blocking pool.
            _ => smol::block_on(side_by_side(ticker(|| smol::Timer::after(tick), reply), async {
                Ok(smol::unblock(call).await)
            }))?,
        };
        // The reply comes after the ticker's last tick: answered only if the
        // ticker ran while the call blocked.
        let (want, check) = match mode {
            "stall" => ("timed out", "the blocking call stopped every other task"),
            _ => ("answered", "the ticker kept ticking through the blocking call"),
        };
        ensure!(how == want, "{mode}: the call {how}: is --block longer than 5 ticks?");
        println!("check: {mode}: {check}");
    }
    Ok(())
}
