//! A simulated GIL, the `gil` bin's lock: one global lock that the thread
//! holding it hands over after each switch interval (CPython's
//! `sys.getswitchinterval()`, 5 ms), if another thread is waiting.
//!
//! It is a `parking_lot::Mutex<()>` because the hand-over must be fair:
//! [`Held::check`] calls `MutexGuard::bump`, which unlocks *to* a waiting
//! thread and queues this one for its next turn. A std `Mutex` would not
//! do: it is unfair, so the thread that unlocks usually re-locks at once and
//! the other starves (the problem CPython 3.2's "new GIL" fixed by forcing
//! the switch).
//!
//! While `shared` records spans (`CONCURRENCY_PAIRS_SPANS`), each hold is one
//! span, `holds the GIL`, on the holder's row: begun after the lock is taken,
//! ended before it is handed over, so the holds of two threads never overlap.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering::Relaxed};
use std::time::{Duration, Instant};

use parking_lot::{Mutex, MutexGuard};
use shared::spans::record;
use shared::timing::thread_name;

/// The lock, its switch interval, and how often it changed hands.
#[derive(Debug)]
pub struct Gil {
    lock: Mutex<()>,
    interval: Duration,
    holder: AtomicUsize,   // which thread (1-based) took it last
    hand_overs: AtomicU64, // times another thread ran between a bump and its return
}

/// The GIL held by one thread; [`Held::check`] between "bytecodes".
#[derive(Debug)]
pub struct Held<'a> {
    gil: &'a Gil,
    guard: MutexGuard<'a, ()>,
    me: usize,
    held: Instant,  // this hold began (after the lock was taken)
    since: Instant, // the current switch interval began
}

impl Gil {
    /// A GIL handed over every `interval`.
    pub fn new(interval: Duration) -> Self {
        let (holder, hand_overs) = (AtomicUsize::new(0), AtomicU64::new(0));
        let lock = Mutex::new(());
        Self { lock, interval, holder, hand_overs }
    }

    /// Waits for the GIL; `me` (1-based) tells the threads apart.
    pub fn acquire(&self, me: usize) -> Held<'_> {
        let guard = self.lock.lock();
        self.holder.store(me, Relaxed);
        let now = Instant::now();
        Held { gil: self, guard, me, held: now, since: now }
    }

    /// Times a thread's switch interval ran out and another thread ran
    /// before it got the GIL back (not counted when a thread simply finished).
    pub fn hand_overs(&self) -> u64 {
        self.hand_overs.load(Relaxed)
    }
}

impl Held<'_> {
    /// Hands the GIL over if this thread has held it a whole switch interval
    /// and another is waiting (then waits for its next turn); else returns at once.
    pub fn check(&mut self) {
        if self.since.elapsed() < self.gil.interval {
            return;
        }
        let handing = Instant::now(); // still holding it
        MutexGuard::bump(&mut self.guard); // unlock_fair, then lock, in one call
        if self.gil.holder.swap(self.me, Relaxed) != self.me {
            self.gil.hand_overs.fetch_add(1, Relaxed); // another thread ran meanwhile
            record(&thread_name(), "holds the GIL", self.held, handing);
            self.held = Instant::now();
        }
        self.since = Instant::now();
    }
}

impl Drop for Held<'_> {
    fn drop(&mut self) {
        // Runs before the guard field drops: the last hold ends while still held.
        record(&thread_name(), "holds the GIL", self.held, Instant::now());
    }
}
