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
//! comes from a `ticker` task that ticks every `--tick` s beside it and sends
//! it after its last tick (added here, so that no check rests on timing).
//! Three `--mode`s (added here):
//! - `stall`: a tokio current-thread runtime (one thread, as asyncio is);
//!   `blocker` makes the blocking call right inside its async body.
//! - `spawn-blocking`: the same call in `tokio::task::spawn_blocking`, awaited.
//! - `unblock`: the same on smol, in `smol::unblock`.
//!
//! Under `stall` no tick lands between `blocking call starts` and `blocking
//! call returned`: the ticker cannot run, so the reply never comes and the
//! call waits out its whole timeout. Under the fixes the ticks keep their pace
//! and the call returns `answered` after the last one. Each mode ends with
//! `ticks while blocked: N` and checks it (0 for stall, more for the fixes).
//!
//! Run: `cargo run -p examples-async --bin blocking_pitfall`, or one mode:
//! `cargo run -p examples-async --bin blocking_pitfall -- --mode stall --block 2`
//!
//! You should see, per mode, `ticker` tick 1, `blocker` start, then either
//! nothing from `ticker` until `blocking call returned: timed out` (stall) or
//! ticks 2..5 and then `blocking call returned: answered` (the fixes).

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::Duration;

use anyhow::{Result, ensure};
use clap::{Parser, ValueEnum};
use shared::workload::secs_arg;
use shared::{event, event_as};

#[derive(Parser)]
#[command(allow_negative_numbers = true)] // `-1` is a value to refuse, not a flag
#[command(about = "a blocking call in a task stalls the others; spawn_blocking / unblock fix it")]
struct Args {
    #[arg(long, value_enum, default_value_t = Mode::All)]
    mode: Mode,
    /// Seconds the blocking call waits at most for its reply.
    #[arg(long, default_value = "1", value_parser = secs_arg)]
    block: Duration,
    /// Seconds between ticks.
    #[arg(long, default_value = "0.1", value_parser = secs_arg)]
    tick: Duration,
    /// How many ticks the ticker makes.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(2..=1000))]
    ticks: u32,
}

#[derive(Clone, Copy, PartialEq, ValueEnum)]
enum Mode {
    Stall,
    SpawnBlocking,
    Unblock,
    All,
}

/// True while the blocking call runs; ticks made meanwhile are counted.
static BLOCKED: AtomicBool = AtomicBool::new(false);
static TICKS_WHILE_BLOCKED: AtomicUsize = AtomicUsize::new(0);

/// Ticks `n` times, `sleep()` apart, then sends the reply the blocking call
/// waits for.
async fn ticker<F: Future>(n: u32, sleep: impl Fn() -> F, reply: Sender<()>) {
    for i in 1..=n {
        let during = BLOCKED.load(SeqCst);
        TICKS_WHILE_BLOCKED.fetch_add(usize::from(during), SeqCst);
        let note = if during { " (while blocked)" } else { "" };
        event_as!("ticker", "tick {i}{note}");
        sleep().await;
    }
    let _ = reply.send(()); // Err if the call already timed out
}

/// The stand-in for `requests.get(url)`: blocks the calling thread until the
/// reply comes or `timeout` passes; true if it was answered.
fn blocking_call(reply: Receiver<()>, timeout: Duration) -> bool {
    reply.recv_timeout(timeout).is_ok()
}

fn returned(answered: bool) {
    BLOCKED.store(false, SeqCst);
    let how = if answered { "answered" } else { "timed out" };
    event_as!("blocker", "blocking call returned: {how}");
}

async fn run_tokio(mode: Mode, a: &Args) -> Result<()> {
    let (block, pace, n) = (a.block, a.tick, a.ticks);
    let (reply, rx) = channel();
    let ticker = ticker(n, || tokio::time::sleep(pace), reply);
    let blocker = async {
        event_as!("blocker", "blocking call starts");
        BLOCKED.store(true, SeqCst);
        returned(if mode == Mode::Stall {
            blocking_call(rx, block) // the pitfall: this thread runs nothing else now
        } else {
            tokio::task::spawn_blocking(move || blocking_call(rx, block)).await? // the fix
        });
        anyhow::Ok(())
    };
    let ((), res) = tokio::join!(ticker, blocker);
    res
}

async fn run_smol(a: &Args) {
    let (block, pace, n) = (a.block, a.tick, a.ticks);
    let (reply, rx) = channel();
    let ticker = ticker(n, || smol::Timer::after(pace), reply);
    let blocker = async {
        event_as!("blocker", "blocking call starts");
        BLOCKED.store(true, SeqCst);
        returned(smol::unblock(move || blocking_call(rx, block)).await); // smol's fix
    };
    futures::join!(ticker, blocker);
}

fn main() -> Result<()> {
    shared::quiet_backtraces();
    shared::timing::epoch();
    let args = Args::parse();
    let modes = match args.mode {
        Mode::All => vec![Mode::Stall, Mode::SpawnBlocking, Mode::Unblock],
        m => vec![m],
    };
    for mode in modes {
        let name = match mode {
            Mode::Stall => "stall",
            Mode::SpawnBlocking => "spawn-blocking",
            _ => "unblock",
        };
        let block = args.block;
        event!("{name}: a blocking call of {block:?} beside a ticker");
        TICKS_WHILE_BLOCKED.store(0, SeqCst);
        if mode == Mode::Unblock {
            smol::block_on(run_smol(&args));
        } else {
            // One thread, as asyncio has: #[tokio::main(flavor = "current_thread")].
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            rt.block_on(run_tokio(mode, &args))?;
        }
        let during = TICKS_WHILE_BLOCKED.load(SeqCst);
        event!("{name}: ticks while blocked: {during}");
        if mode == Mode::Stall {
            ensure!(during == 0, "the ticker ran while the thread was blocked?");
            println!("check: stall: the blocking call stopped every other task");
        } else if block > args.tick {
            // Otherwise the call may end before the first tick is even due.
            ensure!(during > 0, "the ticker never ran during the blocking call");
            println!("check: {name}: the ticker kept ticking through the blocking call");
        } else {
            println!(
                "note: {name}: --block is not longer than --tick, so no tick was due during the call"
            );
        }
    }
    Ok(())
}
