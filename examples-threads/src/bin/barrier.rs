//! A barrier: threads wait until all have arrived, and a timeout breaks it
//! for everyone.
//!
//! The note (notes/002_bdfb11ea434acb50.txt) on `threading.Barrier`
//! (可以設定一個柵欄並指定數量，如果有執行緒先來到這個柵欄，必須等待其它執行緒也來到這個柵欄，直到達到指定執行緒數量，才能繼續往下執行。
//! "set up a barrier with a count: a thread that reaches it first must wait
//! for the others until that many have come, then all go on"), its code
//! word for word:
//!
//! ```text
//! b = threading.Barrier(2, timeout=5)
//!
//! def server():
//!     print("server")
//!     b.wait()
//!     print("__server")
//! (client() the same with "client" and "__client"; both started as threads)
//! ```
//!
//! Added here: the client comes `--client-delay` after the server, and
//! `--parties` (clients 2, 3, ... each one delay later). std's `Barrier`
//! has no timeout, so this is `examples_sync::Barrier` (a Mutex + Condvar).
//!
//! Run: `cargo run -p examples-threads --bin barrier [-- --client-delay 6]`
//!
//! You should see `server`, `client` ~1 s later, then at once `__server` and
//! `__client` in either order (the OS picks), and the check. With
//! `--client-delay 6` the server's wait times out at 5 s and breaks the
//! barrier; the client, arriving at 6 s, finds it broken: one `Error:` line,
//! exit code 1.

use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::{sync::mpsc, thread, time::Duration};

use anyhow::ensure;
use clap::Parser;
use examples_sync::Barrier;
use shared::{event, workload::secs_arg};

// ANCHOR: args the flags: Barrier(2, timeout=5), a client that comes late
/// threading.Barrier(2, timeout=5): the server waits for a late client
#[derive(Parser)]
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
// ANCHOR_END: args

// ANCHOR: party the note's server() / client(): arrive, wait at the barrier, go on
/// The note's `server()` / `client()`: arrive, let the next party come, wait
/// for all at the barrier (`secs` at most), go on; `arrived` counts the parties that came.
fn party(b: &Barrier, arrived: &AtomicUsize, next: mpsc::Sender<()>, secs: f64) {
    let name = shared::timing::thread_name();
    event!("{name}"); // print("server"); `event!` = println with the time and thread name (shared/src/timing.rs)
    arrived.fetch_add(1, SeqCst);
    next.send(()).ok(); // Err: nobody comes after us
    match b.wait() {
        Ok(_) => {
            assert_eq!(arrived.load(SeqCst), b.parties(), "{name} passed too early");
            event!("__{name}"); // print("__server")
        }
        // Only the party whose own wait timed out broke it; the rest find it broken.
        Err(e) if e.timed_out() => {
            event!("BrokenBarrierError: my wait timed out after {secs} s and broke the barrier")
        }
        Err(_) => event!("BrokenBarrierError: the barrier is broken (a wait timed out)"),
    }
}
// ANCHOR_END: party

// ANCHOR: main main: the barrier, the parties started as threads, the check
fn main() -> anyhow::Result<()> {
    let _run = shared::init()?; // one-line errors and the clock of `event!` (shared/src/lib.rs)
    let args = Args::parse();
    let n = args.parties as usize;
    // b = threading.Barrier(2, timeout=5), and a count of the parties that came
    let (b, arrived) = (&Barrier::with_timeout(n, args.timeout), &AtomicUsize::new(0));
    thread::scope(|s| {
        let mut after = mpsc::channel().1; // the server's: its sender is gone already
        for k in 0..n {
            let name = ["server", "client"].get(k).map_or(format!("client-{k}"), |s| s.to_string());
            // Each party lets the next one come once it has arrived: the order of
            // arrival is fixed by the channel, not by which sleep ends first.
            let (next, next_rx) = mpsc::channel();
            let after = std::mem::replace(&mut after, next_rx);
            thread::Builder::new().name(name).spawn_scoped(s, move || {
                // Ok: the party before us has arrived. Err: there is none (we are
                // the server), or it is gone (it panicked): come at once.
                if after.recv().is_ok() {
                    thread::sleep(args.client_delay);
                }
                party(b, arrived, next, args.timeout.as_secs_f64())
            })?;
        }
        anyhow::Ok(()) // the scope joins every party (and re-raises a panic)
    })?;
    // Broken, it failed every party's wait: the one that timed out, and the rest.
    ensure!(!b.is_broken(), "the barrier broke: {n} of {n} parties got BrokenBarrierError");
    println!("check: all {n} parties arrived before any went past the barrier");
    Ok(())
}
// ANCHOR_END: main
