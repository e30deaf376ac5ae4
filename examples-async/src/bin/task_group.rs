//! Structured concurrency (added here): three tasks in a group, task-3
//! fails, the group cancels the other two, waits for their cleanup, and
//! reports the error. The notes cancel one thing: the spinner of the
//! `spinner_asyncio.py` that note 004 links as 「协程版本」 ("the coroutine
//! version"), with `spinner.cancel()` (see `spinner_async`).
//!
//! Mirrors Python 3.11's `asyncio.TaskGroup`: a failure cancels the siblings,
//! and the `async with` block raises an `ExceptionGroup` once they have all
//! finished. Rust: a `JoinSet`; on the first error, `shutdown()` (abort every
//! other task, then wait for each). A cancelled Python task gets
//! `CancelledError` at its `await` and runs its `finally` (which may await);
//! a cancelled Rust future is dropped at its `.await`, so its cleanup is a
//! `Drop` (which may not). `group_timeout` puts a timeout around a group.
//!
//! Run: `cargo run -p examples-async --bin task_group`
//!
//! You should see `task-1..3` say `started` (all three, before anything else:
//! the failure waits for them at a barrier), task-3 `failing` and its
//! `cleanup (Drop)`, main's `aborting 2 others`, the cleanups of task-1 and
//! task-2 (in either order), `the group failed: task-3: HTTP 500` and the
//! `check:` line.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};

use anyhow::{Result, bail, ensure};
use shared::timing::named;
use shared::{event, event_as};
use tokio::{sync::Barrier, task::JoinSet};

static CLEANUPS: AtomicUsize = AtomicUsize::new(0);

/// What a task does however it ends: Python's `finally:`, here a `Drop`.
struct Cleanup(String);

impl Drop for Cleanup {
    fn drop(&mut self) {
        CLEANUPS.fetch_add(1, SeqCst);
        event_as!(&self.0, "cleanup (Drop)"); // a drop runs outside `named`: say who
    }
}

async fn task(k: u32, started: Arc<Barrier>) -> Result<()> {
    let _cleanup = Cleanup(format!("task-{k}"));
    event!("started"); // println + time + task name (shared/src/timing.rs)
    started.wait().await; // all three have started before any goes on
    if k == 3 {
        event!("failing");
        bail!("task-{k}: HTTP 500");
    }
    std::future::pending().await // a reply that never comes: only cancelling ends it
}

#[tokio::main(flavor = "current_thread")] // asyncio.run(main()): one thread
async fn main() -> Result<()> {
    let _run = shared::init()?; // quiet errors, the clock of event! (shared/src/lib.rs)
    let started = Arc::new(Barrier::new(3));
    // `async with asyncio.TaskGroup() as tg:` and `tg.create_task(task(k))` for k in 1..=3
    let task = |k| named(format!("task-{k}"), task(k, Arc::clone(&started)));
    let mut group: JoinSet<Result<()>> = (1..=3).map(task).collect();
    let mut failed = None; // the block's end: each result in turn
    while let Some(joined) = group.join_next().await {
        if let Err(e) = joined? {
            event!("{e}: aborting {} others", group.len());
            group.shutdown().await; // abort_all(), then wait until each is dropped
            failed = Some(e); // the first error; an ExceptionGroup holds every one
        }
    }
    let Some(e) = failed else { bail!("no task failed") };
    event!("the group failed: {e}");
    let cleanups = CLEANUPS.load(SeqCst);
    ensure!(cleanups == 3, "{cleanups} tasks of 3 cleaned up");
    println!("check: one task failed, the group cancelled the others, all 3 cleaned up");
    Ok(())
}
