//! Thread harnesses (not a lesson): `race_condition` and `atomic_ops` run
//! the same loop on several threads that start together ([`run_together`]),
//! so the loops overlap, or a race that is there would rarely show;
//! `queue_internals` runs one producer and several consumers over each of
//! its queues ([`producer_consumers`]).

use std::sync::{Barrier, Mutex, PoisonError};
use std::thread;
use std::time::Duration;

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

/// `queue_internals`' harness: runs `producer` on a thread named `producer`
/// and `consumer(consume)` on `consumers` threads named `consumer-1`,
/// `consumer-2`, ..., waits for all, then checks that the consumers together
/// got each of `0..items` exactly once and prints `check: N items consumed
/// exactly once`. A consumer hands each item it takes to `consume`, which
/// prints `got N`, works on it for `work` (a sleep, so the queue fills up)
/// and writes it down for the check. The producer closure moves into its
/// thread, so whatever it owns (a channel's sender) is dropped when it returns.
///
/// # Errors
/// If a thread cannot be spawned, the producer or a consumer returns an
/// error (the first one is returned), or the check fails.
///
/// # Panics
/// If a producer or consumer panicked: that panic is passed on here.
///
/// ```
/// use std::sync::mpsc;
/// use examples_sync::together::producer_consumers;
/// let (tx, rx) = mpsc::sync_channel(1);
/// let rx = std::sync::Mutex::new(rx);
/// let producer = move || Ok((0..3).try_for_each(|i| tx.send(i))?);
/// let consumer = |consume: &dyn Fn(u32)| {
///     while let Ok(item) = rx.lock().unwrap().recv() {
///         consume(item);
///     }
///     Ok(())
/// };
/// producer_consumers(3, 2, std::time::Duration::ZERO, producer, consumer).unwrap();
/// ```
pub fn producer_consumers<P, C>(
    items: u32,
    consumers: u32,
    work: Duration,
    producer: P,
    consumer: C,
) -> Result<()>
where
    P: FnOnce() -> Result<()> + Send,
    C: Fn(&dyn Fn(u32)) -> Result<()> + Sync,
{
    let got = Mutex::new(Vec::new());
    // A poisoned lock means a consumer panicked; that panic is passed on below.
    let lock = || got.lock().unwrap_or_else(PoisonError::into_inner);
    let consume = |item: u32| {
        shared::event!("got {item}");
        thread::sleep(work);
        lock().push(item);
    };
    thread::scope(|s| -> Result<()> {
        let p = thread::Builder::new().name("producer".into());
        let mut handles = vec![p.spawn_scoped(s, producer).context("spawning")?];
        for i in 1..=consumers {
            let (consume, consumer) = (&consume, &consumer);
            let c = thread::Builder::new().name(format!("consumer-{i}"));
            handles.push(c.spawn_scoped(s, move || consumer(consume)).context("spawning")?);
        }
        // unwrap on join: it fails only if the thread panicked; pass that on.
        handles.into_iter().try_for_each(|h| h.join().unwrap())
    })?;
    let mut got = std::mem::take(&mut *lock());
    got.sort_unstable();
    ensure!(got.iter().copied().eq(0..items), "check failed: the consumers got {got:?}");
    shared::event!("check: {items} items consumed exactly once");
    Ok(())
}
