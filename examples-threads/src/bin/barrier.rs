//! A barrier: threads wait until all have arrived, and a timeout breaks it
//! for everyone.
//!
//! Mirrors the threading notes' server/client with
//! `barrier = threading.Barrier(2, timeout=5)`: thread `server` prints
//! `server` and calls `barrier.wait()`; thread `client` sleeps 1 s, prints
//! `client` and waits too; once both have arrived, both go on and print
//! `__server` and `__client`. If the client is 6 s late, the server's wait
//! times out after 5 s and *breaks* the barrier: the server gets
//! `BrokenBarrierError`, and so does the client at once when it arrives,
//! because a broken barrier stays broken (until `reset()`), as in Python.
//!
//! `std::sync::Barrier` has no timeout and cannot break (a party that never
//! comes leaves the others waiting forever), so this uses the hand-built
//! `examples_sync::Barrier::with_timeout` (a Mutex + Condvar, see
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
//! `client` and the client's `BrokenBarrierError`, then an error, exit code 1.

use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::thread;
use std::time::Duration;

use anyhow::{Context, bail, ensure};
use clap::Parser;
use examples_sync::Barrier;
use shared::event;
use shared::workload::seconds;

#[derive(Parser)]
#[command(about = "threading.Barrier(2, timeout=5): the server waits for a late client")]
struct Args {
    /// Seconds the client arrives after the server (each further client one more such delay).
    #[arg(long, default_value_t = 1.0)]
    client_delay: f64,
    /// Seconds a party waits at the barrier before the barrier breaks.
    #[arg(long, default_value_t = 5.0)]
    timeout: f64,
    /// Threads that must meet: server, client, then client-2, client-3, ...
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(2..=100))]
    parties: u32,
}

/// One party: arrive after `delay`, wait for the others, go on.
fn party(
    barrier: &Barrier,
    arrived: &AtomicUsize,
    delay: Duration,
    timeout: f64,
) -> anyhow::Result<()> {
    thread::sleep(delay);
    let name = shared::timing::thread_name();
    event!("{name}"); // the notes' print("server") / print("client")
    arrived.fetch_add(1, SeqCst);
    match barrier.wait() {
        Ok(_index) => {
            // Let through: every party must have arrived by now.
            let seen = arrived.load(SeqCst);
            event!("__{name}");
            ensure!(
                seen == barrier.parties(),
                "{name} passed with {seen} arrived"
            );
            Ok(())
        }
        Err(e) => {
            if e.timed_out() {
                event!(
                    "BrokenBarrierError: my wait timed out after {timeout} s and broke the barrier"
                );
            } else {
                event!("BrokenBarrierError: the barrier is broken (a wait timed out)");
            }
            Err(e).with_context(|| format!("{name} could not pass the barrier"))
        }
    }
}

fn main() -> anyhow::Result<()> {
    shared::timing::epoch();
    let args = Args::parse();
    let delay = seconds(args.client_delay).context("bad --client-delay")?;
    let timeout = seconds(args.timeout).context("bad --timeout")?;
    let day = Duration::from_secs(86_400);
    ensure!(
        delay <= day && timeout <= day,
        "--client-delay and --timeout must be at most a day"
    );
    let parties = args.parties as usize;
    let barrier = Barrier::with_timeout(parties, timeout); // threading.Barrier(2, timeout=5)
    let arrived = AtomicUsize::new(0);

    let results: Vec<anyhow::Result<()>> = thread::scope(|s| {
        let mut handles = Vec::new();
        for k in 0..parties {
            let name = match k {
                0 => "server".to_string(),
                1 => "client".to_string(),
                k => format!("client-{k}"),
            };
            let (barrier, arrived) = (&barrier, &arrived);
            let h = thread::Builder::new()
                .name(name)
                .spawn_scoped(s, move || {
                    party(barrier, arrived, delay * k as u32, args.timeout)
                })
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
