//! A timeout around a group of tasks (added here, after `task_group`): none
//! fails, none ends, and the timeout cancels the whole group, cleanup included.
//!
//! Mirrors Python 3.11's `async with asyncio.timeout(s):` around an
//! `asyncio.TaskGroup`: at the deadline the block is cancelled, the group
//! cancels its tasks and waits for their `finally`, and `TimeoutError` comes
//! out. Rust: `tokio::time::timeout(s, fut)` drops `fut` at the deadline;
//! here `fut` only joins a `JoinSet`, so the tasks live on until `shutdown()`
//! aborts them and waits for their `Drop` (dropping the set would abort them
//! without waiting).
//!
//! Run: `cargo run -p examples-async --bin group_timeout [-- --timeout 0.5]`
//!
//! You should see `task-1..3` say `started`, main's `timed out after 0.5 s`,
//! a `cleanup (Drop)` from each task (in any order), and the `check:` line.

use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::time::Duration;

use anyhow::{Result, bail, ensure};
use clap::Parser;
use shared::timing::named;
use shared::{event, event_as, workload::positive_secs_arg};
use tokio::task::JoinSet;

/// asyncio.timeout around a TaskGroup: tokio::time::timeout around a JoinSet
#[derive(Parser)]
#[command(allow_negative_numbers = true)] // `-1` is a value to refuse, not a flag
struct Args {
    /// Seconds the group may take.
    #[arg(long, default_value = "0.5", value_parser = positive_secs_arg)]
    timeout: Duration,
}

static CLEANUPS: AtomicUsize = AtomicUsize::new(0);

/// What a task does however it ends: Python's `finally:`, here a `Drop`.
struct Cleanup(String);

impl Drop for Cleanup {
    fn drop(&mut self) {
        CLEANUPS.fetch_add(1, SeqCst);
        event_as!(&self.0, "cleanup (Drop)"); // a drop runs outside `named`: say who
    }
}

async fn task(k: u32) {
    let _cleanup = Cleanup(format!("task-{k}"));
    event!("started"); // println + time + task name (shared/src/timing.rs)
    std::future::pending().await // a reply that never comes: only cancelling ends it
}

#[tokio::main(flavor = "current_thread")] // asyncio.run(main()): one thread
async fn main() -> Result<()> {
    let _run = shared::init()?; // quiet errors, the clock of event! (shared/src/lib.rs)
    let t = Args::parse().timeout;
    let mut group: JoinSet<()> = (1..=3).map(|k| named(format!("task-{k}"), task(k))).collect();
    let join = async { while group.join_next().await.is_some() {} }; // the block's end
    if tokio::time::timeout(t, join).await.is_ok() {
        bail!("the group ended by itself");
    }
    event!("timed out after {} s: cancelling the group", t.as_secs_f64());
    group.shutdown().await; // abort_all(), then wait until each is dropped
    let cleanups = CLEANUPS.load(SeqCst);
    ensure!(cleanups == 3, "{cleanups} tasks of 3 cleaned up");
    println!("check: the group timed out, its 3 tasks were cancelled and cleaned up");
    Ok(())
}
