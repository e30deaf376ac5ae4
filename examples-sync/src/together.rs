//! Thread harnesses (not a lesson): `race_condition` and `atomic_ops` run
//! the same loop on several threads that start together ([`run_together`]),
//! so the loops overlap, or a race that is there would rarely show;
//! `queue_internals` runs one producer and several consumers over each of
//! its queues ([`producer_consumers`]).

use std::sync::{Barrier, Mutex, PoisonError};
use std::thread;

use anyhow::{Context, Result, ensure};

/// Runs `body(i)` for each `i` in `0..threads`, each on its own thread named
/// `{label}-{i + 1}`, all released at once by a `std::sync::Barrier` (so the
/// loops overlap instead of the first thread finishing before the last one
/// starts); waits for every thread and returns what each returned, by `i`.
///
/// # Errors
/// If a thread cannot be spawned.
///
/// # Panics
/// If `body` panicked on a thread: that panic is passed on here.
///
/// ```
/// use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
/// let n = AtomicU64::new(0);
/// let got = examples_sync::together::run_together("add", 3, |i| n.fetch_add(i, Relaxed)).unwrap();
/// assert_eq!((got.len(), n.into_inner()), (3, 0 + 1 + 2));
/// ```
pub fn run_together<T: Send>(
    label: &str,
    threads: u64,
    body: impl Fn(u64) -> T + Sync,
) -> Result<Vec<T>> {
    let start = Barrier::new(threads as usize);
    thread::scope(|s| {
        let mut handles = Vec::new();
        for i in 0..threads {
            let (start, body) = (&start, &body);
            let h = thread::Builder::new()
                .name(format!("{label}-{}", i + 1))
                .spawn_scoped(s, move || {
                    start.wait();
                    body(i)
                })
                .context("spawning a thread")?;
            handles.push(h);
        }
        // unwrap on join: it fails only if the thread panicked; pass that on.
        Ok(handles.into_iter().map(|h| h.join().unwrap()).collect())
    })
}

/// What the consumers of [`producer_consumers`] got: each pushes every item
/// it takes.
pub type Got = Mutex<Vec<u32>>;

/// `queue_internals`' harness: runs `producer` on a thread named `producer`
/// and `consumer` on `consumers` threads named `consumer-1`, `consumer-2`,
/// ..., waits for all, then checks that the consumers together got each of
/// `0..items` exactly once and prints `check: N items consumed exactly once`.
/// The producer closure moves into its thread, so whatever it owns (a
/// channel's sender) is dropped when it returns.
///
/// # Errors
/// If a thread cannot be spawned, the producer or a consumer returns an
/// error (the first one is returned), or the check fails.
///
/// # Panics
/// If a producer or consumer panicked: that panic is passed on here.
pub fn producer_consumers<P, C>(items: u32, consumers: u32, producer: P, consumer: C) -> Result<()>
where
    P: FnOnce() -> Result<()> + Send,
    C: Fn(&Got) -> Result<()> + Sync,
{
    let got = Got::default();
    thread::scope(|s| -> Result<()> {
        let p = thread::Builder::new().name("producer".into());
        let mut handles = vec![p.spawn_scoped(s, producer).context("spawning")?];
        for i in 1..=consumers {
            let (got, consumer) = (&got, &consumer);
            let c = thread::Builder::new().name(format!("consumer-{i}"));
            handles.push(c.spawn_scoped(s, move || consumer(got)).context("spawning")?);
        }
        // unwrap on join: it fails only if the thread panicked; pass that on.
        handles.into_iter().try_for_each(|h| h.join().unwrap())
    })?;
    // A poisoned lock means a consumer panicked, and that panic was passed on above.
    let mut got = got.into_inner().unwrap_or_else(PoisonError::into_inner);
    got.sort_unstable();
    ensure!(got.iter().copied().eq(0..items), "check failed: the consumers got {got:?}");
    shared::event!("check: {items} items consumed exactly once");
    Ok(())
}
