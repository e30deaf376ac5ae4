//! A barrier with a timeout that breaks for every party, for the notes'
//! `b = threading.Barrier(2, timeout=5)` server/client example (notes 002).
//!
//! `std::sync::Barrier` has no timeout and cannot break: a party that never
//! comes leaves the others waiting forever. Python's `Barrier` instead
//! *breaks*: a wait that times out (or an `abort()`) wakes every waiting
//! party with `BrokenBarrierError`, and every later `wait()` fails at once
//! until `reset()`. This one is built by hand the same way, from a
//! `Mutex<State>` and one `Condvar`:
//!
//! - each arrival takes the next index (`0..parties`, what Python's `wait()`
//!   returns); the last arrival starts a new *generation* and wakes everyone;
//! - a waiter leaves with `Ok` once the generation has moved on, even if the
//!   barrier broke just after: a party that was released is never told
//!   otherwise, so every party of one generation leaves together or all of
//!   them see it broken (the property `tests/loom.rs` checks);
//! - a waiter whose own wait times out breaks the barrier and wakes the rest.

use std::fmt;
use std::time::{Duration, Instant};

use crate::sync::{Condvar, Mutex, lock};

/// A reusable barrier for `parties` threads, with an optional default timeout.
///
/// ```
/// use std::time::Duration;
/// use examples_sync::Barrier;
/// let b = Barrier::with_timeout(2, Duration::from_millis(50));
/// // Only one party comes: its wait times out and breaks the barrier.
/// let err = b.wait().unwrap_err();
/// assert!(err.timed_out());
/// assert!(b.is_broken());
/// assert!(!b.wait().unwrap_err().timed_out()); // broken stays broken
/// b.reset();
/// assert!(!b.is_broken());
/// ```
#[derive(Debug)]
pub struct Barrier {
    parties: usize,
    timeout: Option<Duration>,
    state: Mutex<State>,
    changed: Condvar,
}

#[derive(Debug, Default)]
struct State {
    /// Parties waiting in the current generation.
    count: usize,
    /// Bumped each time the barrier trips (all parties arrived).
    generation: u64,
    /// Broken by a timeout or `abort()`; stays so until `reset()`.
    broken: bool,
    /// `reset()` was called with parties waiting: new arrivals wait until
    /// those have left with their error.
    resetting: bool,
}

/// The barrier is broken (Python's `threading.BrokenBarrierError`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BrokenBarrierError {
    timed_out: bool,
}

impl BrokenBarrierError {
    /// True only for the party whose own wait timed out (and so broke the
    /// barrier); the others were woken by the break or came after it.
    pub fn timed_out(&self) -> bool {
        self.timed_out
    }
}

impl fmt::Display for BrokenBarrierError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.timed_out {
            f.write_str("broken barrier: this wait timed out and broke it")
        } else {
            f.write_str("broken barrier: another party timed out or aborted it")
        }
    }
}

impl std::error::Error for BrokenBarrierError {}

impl Barrier {
    /// A barrier for `parties` threads whose `wait()` never times out
    /// (`threading.Barrier(parties)`). `parties` of 0 acts as 1.
    pub fn new(parties: usize) -> Self {
        Self {
            parties: parties.max(1),
            timeout: None,
            state: Mutex::new(State::default()),
            changed: Condvar::new(),
        }
    }

    /// A barrier whose `wait()` times out after `timeout`
    /// (`threading.Barrier(parties, timeout=...)`).
    pub fn with_timeout(parties: usize, timeout: Duration) -> Self {
        Self { timeout: Some(timeout), ..Self::new(parties) }
    }

    /// Waits for all parties with the barrier's default timeout, if any.
    /// `Ok(index)` gives this party's arrival order, `0..parties`.
    ///
    /// # Errors
    /// [`BrokenBarrierError`] if the barrier is or becomes broken before all
    /// parties arrive, including by this wait timing out.
    pub fn wait(&self) -> Result<usize, BrokenBarrierError> {
        self.wait_inner(self.timeout)
    }

    /// Waits for all parties, at most `timeout` (`barrier.wait(timeout)`).
    ///
    /// # Errors
    /// As [`Barrier::wait`].
    pub fn wait_timeout(&self, timeout: Duration) -> Result<usize, BrokenBarrierError> {
        self.wait_inner(Some(timeout))
    }

    fn wait_inner(&self, timeout: Option<Duration>) -> Result<usize, BrokenBarrierError> {
        // A timeout too large to add to the clock means: wait without one.
        let deadline = timeout.and_then(|t| Instant::now().checked_add(t));
        let mut st = lock(&self.state);
        // Python's `_enter`: let the parties of a reset generation leave first.
        while st.resetting {
            st = self.changed.wait(st).unwrap_or_else(std::sync::PoisonError::into_inner);
        }
        if st.broken {
            return Err(BrokenBarrierError { timed_out: false });
        }
        let index = st.count;
        st.count += 1;
        if st.count == self.parties {
            // The last arrival trips the barrier and releases everyone.
            st.count = 0;
            st.generation = st.generation.wrapping_add(1);
            self.changed.notify_all();
            return Ok(index);
        }
        let generation = st.generation;
        let mut timed_out = false;
        loop {
            // Released first: a trip wins over any later break.
            if st.generation != generation {
                return Ok(index);
            }
            if st.broken {
                break;
            }
            match deadline {
                None => {
                    st = self.changed.wait(st).unwrap_or_else(std::sync::PoisonError::into_inner)
                }
                Some(deadline) => {
                    let left = deadline.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        // Our own timeout: break the barrier for everyone.
                        timed_out = true;
                        st.broken = true;
                        self.changed.notify_all();
                        break;
                    }
                    st = self
                        .changed
                        .wait_timeout(st, left)
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .0;
                }
            }
        }
        // Leaving a broken generation (Python's `_exit`).
        st.count -= 1;
        if st.count == 0 && st.resetting {
            st.resetting = false;
            st.broken = false;
            self.changed.notify_all();
        }
        Err(BrokenBarrierError { timed_out })
    }

    /// Breaks the barrier: every waiting party and every later `wait()` gets
    /// [`BrokenBarrierError`] until [`Barrier::reset`] (`barrier.abort()`).
    pub fn abort(&self) {
        let mut st = lock(&self.state);
        st.broken = true;
        // An abort during a reset wins: the barrier stays broken after the
        // reset generation has left (Python's `_break` overrides "resetting").
        st.resetting = false;
        self.changed.notify_all();
    }

    /// Returns the barrier to its empty, unbroken state (`barrier.reset()`).
    /// Parties waiting at the time get [`BrokenBarrierError`], as in Python,
    /// and new arrivals wait until they have left.
    pub fn reset(&self) {
        let mut st = lock(&self.state);
        if st.count > 0 {
            st.broken = true;
            st.resetting = true;
        } else {
            st.broken = false;
        }
        self.changed.notify_all();
    }

    /// True if the barrier is broken (`barrier.broken`).
    pub fn is_broken(&self) -> bool {
        lock(&self.state).broken
    }

    /// Number of parties needed to trip it (`barrier.parties`).
    pub fn parties(&self) -> usize {
        self.parties
    }

    /// Parties waiting now (`barrier.n_waiting`); a snapshot.
    pub fn n_waiting(&self) -> usize {
        let st = lock(&self.state);
        if st.broken { 0 } else { st.count }
    }
}

#[cfg(all(test, not(feature = "loom")))]
mod tests {
    use super::*;
    use std::thread;

    fn wait_until_waiting(b: &Barrier, n: usize) {
        while b.n_waiting() < n {
            thread::yield_now();
        }
    }

    #[test]
    fn reset_breaks_the_waiters_then_the_barrier_works_again() {
        let b = Barrier::new(3);
        thread::scope(|s| {
            let waiters: Vec<_> = (0..2).map(|_| s.spawn(|| b.wait())).collect();
            wait_until_waiting(&b, 2);
            b.reset();
            for w in waiters {
                let err = w.join().unwrap().unwrap_err();
                assert!(!err.timed_out());
            }
        });
        assert!(!b.is_broken(), "a reset barrier is whole again");
        let mut idx: Vec<usize> = thread::scope(|s| {
            let hs: Vec<_> = (0..3).map(|_| s.spawn(|| b.wait().unwrap())).collect();
            hs.into_iter().map(|h| h.join().unwrap()).collect()
        });
        idx.sort_unstable();
        assert_eq!(idx, [0, 1, 2]);
    }

    #[test]
    fn abort_during_a_reset_stays_broken() {
        let b = Barrier::new(2);
        thread::scope(|s| {
            let w = s.spawn(|| b.wait());
            wait_until_waiting(&b, 1);
            // Whether the waiter leaves between these two calls or after, the abort wins.
            b.reset();
            b.abort();
            assert!(w.join().unwrap().is_err());
        });
        assert!(b.is_broken(), "the abort must outlive the reset");
        assert!(b.wait_timeout(Duration::from_millis(10)).is_err());
    }

    #[test]
    fn only_the_party_that_timed_out_says_so() {
        let b = Barrier::with_timeout(2, Duration::from_millis(30));
        let first = b.wait().unwrap_err();
        assert!(first.timed_out());
        let later = b.wait().unwrap_err();
        assert!(!later.timed_out());
        assert_eq!(b.n_waiting(), 0);
        assert_eq!(b.parties(), 2);
        // A timeout too large for the clock means no timeout, not a panic.
        b.reset();
        thread::scope(|s| {
            let h = s.spawn(|| b.wait_timeout(Duration::MAX));
            wait_until_waiting(&b, 1);
            assert!(b.wait().is_ok());
            assert!(h.join().unwrap().is_ok());
        });
    }
}
