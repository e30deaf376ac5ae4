//! A barrier: threads wait until all have arrived, and a timeout breaks it
//! for everyone.
//!
//! The note (notes/002_bdfb11ea434acb50.txt) explains `threading.Barrier`
//! (可以設定一個柵欄並指定數量，如果有執行緒先來到這個柵欄，必須等待其它執行緒也來到這個柵欄，直到達到指定執行緒數量，才能繼續往下執行。
//! "set up a barrier with a count: a thread that reaches it first must wait
//! for the others until that many threads have come, then all go on") with
//! this code, word for word:
//!
//! ```text
//! import threading
//!
//! b = threading.Barrier(2, timeout=5)
//!
//! def server():
//!     print("server")
//!     b.wait()
//!     print("__server")
//!
//! def client():
//!     print("client")
//!     b.wait()
//!     print("__client")
//!
//! if __name__ == "__main__":
//!     threading.Thread(target=server).start()
//!     threading.Thread(target=client).start()
//! ```
//!
//! Added here: the client arrives `--client-delay` after the server (each
//! party passes a token down a channel to the next once it has arrived, so
//! the arrival order is fixed, whatever the scheduler does), and the timeout
//! case. If the client is 6 s late, the server's wait times out after 5 s and
//! *breaks* the barrier: the server gets `BrokenBarrierError`, and so does the
//! client at once when it arrives, because a broken barrier stays broken
//! (until `reset()`), as in Python.
//!
//! `std::sync::Barrier` has no timeout and cannot break, so this uses the
//! hand-built `examples_sync::Barrier::with_timeout` (a Mutex + Condvar, see
//! examples-sync): `wait()` gives `Ok(arrival index)` or
//! `Err(BrokenBarrierError)`, whose `timed_out()` is true only for the party
//! whose own wait broke the barrier.
//!
//! Run:
//! - `cargo run -p examples-threads --bin barrier` (client 1 s late)
//! - `cargo run -p examples-threads --bin barrier -- --client-delay 6` (the barrier breaks)
//! - `cargo run -p examples-threads --bin barrier -- --parties 4` (then `client-2`
//!   and `client-3` arrive, each one more delay later)
//!
//! You should see `server` at 0 s, `client` at ~1 s, then at once `__server`
//! and `__client` in either order (both are woken together; the OS picks who
//! prints first), the check, exit code 0. With `--client-delay 6`: `server`,
//! at ~5 s the server's `BrokenBarrierError: my wait timed out ...`, at ~6 s
//! `client` and the client's `BrokenBarrierError`, then one `Error:` line,
//! exit code 1.

use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread;
use std::time::Duration;

use anyhow::{Context, bail, ensure};
use clap::Parser;
use examples_sync::Barrier;
use shared::event;
use shared::workload::secs_arg;

#[derive(Parser)]
#[command(allow_negative_numbers = true)] // `-1` is a value to refuse, not a flag
#[command(about = "threading.Barrier(2, timeout=5): the server waits for a late client")]
struct Args {
    /// Seconds each client arrives after the party before it (0 to 3600).
    #[arg(long, default_value = "1", value_parser = secs_arg)]
    client_delay: Duration,
    /// Seconds a party waits at the barrier before it breaks (0 to 3600).
    #[arg(long, default_value = "5", value_parser = secs_arg)]
    timeout: Duration,
    /// Threads that must meet: server, client, then client-2, client-3, ...
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(2..=100))]
    parties: u32,
}

/// One party: after the party before it has arrived (`after`) and `delay`,
/// arrive, tell the next one (`next`), wait for the others, go on.
fn party(
    (barrier, arrived): (&Barrier, &AtomicUsize),
    (after, next): (Option<Receiver<()>>, Sender<()>),
    delay: Duration,
    timeout: Duration,
) -> anyhow::Result<()> {
    if let Some(after) = after {
        after.recv().ok(); // Err: the party before us is gone; arrive anyway
        thread::sleep(delay);
    }
    let name = shared::timing::thread_name();
    event!("{name}"); // the note's print("server") / print("client")
    arrived.fetch_add(1, SeqCst);
    next.send(()).ok(); // Err: nobody comes after us
    match barrier.wait() {
        Ok(_index) => {
            let seen = arrived.load(SeqCst); // let through: all must have come
            event!("__{name}");
            ensure!(
                seen == barrier.parties(),
                "{name} passed with {seen} arrived"
            );
            Ok(())
        }
        Err(e) => {
            if e.timed_out() {
                let t = timeout.as_secs_f64();
                event!("BrokenBarrierError: my wait timed out after {t} s and broke the barrier");
            } else {
                event!("BrokenBarrierError: the barrier is broken (a wait timed out)");
            }
            Err(e).with_context(|| format!("{name} could not pass the barrier"))
        }
    }
}

fn main() -> anyhow::Result<()> {
    shared::quiet_backtraces();
    shared::timing::epoch();
    let args = Args::parse();
    let parties = args.parties as usize;
    let barrier = Barrier::with_timeout(parties, args.timeout); // threading.Barrier(2, timeout=5)
    let arrived = AtomicUsize::new(0);

    let results: Vec<anyhow::Result<()>> = thread::scope(|s| {
        let mut handles = Vec::new();
        let mut after = None; // the server waits for nobody
        for k in 0..parties {
            let name = match k {
                0 => "server".to_string(),
                1 => "client".to_string(),
                k => format!("client-{k}"),
            };
            let (next, next_rx) = channel();
            let tokens = (after.replace(next_rx), next);
            let shared = (&barrier, &arrived);
            let (delay, timeout) = (args.client_delay, args.timeout);
            let h = thread::Builder::new()
                .name(name)
                .spawn_scoped(s, move || party(shared, tokens, delay, timeout))
                .context("cannot spawn a party thread")?;
            handles.push(h);
        }
        // unwrap on join(): a party that panicked re-raises its panic here.
        anyhow::Ok(handles.into_iter().map(|h| h.join().unwrap()).collect())
    })?;

    let broken: Vec<anyhow::Error> = results.into_iter().filter_map(Result::err).collect();
    if let Some(first) = broken.first() {
        bail!(
            "the barrier broke: {} of {parties} parties got BrokenBarrierError ({first:#})",
            broken.len()
        );
    }
    println!("check: all {parties} parties arrived before any went past the barrier");
    Ok(())
}
