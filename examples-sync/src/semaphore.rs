//! A counting semaphore: `threading.Semaphore`. The notes, word for word:
//! 「信号量限制并发」 (notes 001: a semaphore limits concurrency), with
//! `semaphre = Semaphore(10)` / `with semaphre:`; and (notes 002) "A semaphore
//! manages an internal counter which is decremented by each acquire() call and
//! incremented by each release() call. The counter can never go below zero;
//! when acquire() finds that it is zero, it blocks, waiting until some other
//! thread calls release()." (Three spiders sharing `Semaphore(3)`, the
//! examples-threads `semaphore` bin, is an example added there.)
//!
//! std has no semaphore, so this one is built by hand from a `Mutex<usize>`
//! (the free permits) and a `Condvar` (woken when a permit comes back):
//! `acquire` waits in a loop while no permit is free (a wake-up may be
//! spurious, or another thread may take the permit first), then takes one;
//! dropping the [`SemaphorePermit`] it returns gives the permit back and
//! wakes one waiter. Like Python's `Semaphore` (not `BoundedSemaphore`), a
//! bare [`Semaphore::release`] may raise the count above its start.

use std::time::{Duration, Instant};

use crate::sync::{Condvar, Mutex, lock};

/// A counting semaphore: at most `permits` holders at once.
///
/// ```
/// use examples_sync::Semaphore;
/// let sem = Semaphore::new(2);
/// let a = sem.acquire();
/// let b = sem.acquire();
/// assert!(sem.try_acquire().is_none()); // both permits are out
/// drop(a); // the permit goes back
/// assert!(sem.try_acquire().is_some());
/// # drop(b);
/// ```
#[derive(Debug)]
pub struct Semaphore {
    permits: Mutex<usize>,
    returned: Condvar,
}

/// A held permit; dropping it releases the permit (Python's
/// `with semaphore:` block ending).
#[must_use = "the permit is released as soon as it is dropped"]
#[derive(Debug)]
pub struct SemaphorePermit<'a> {
    sem: &'a Semaphore,
}

impl Semaphore {
    /// A semaphore with `permits` free permits (`threading.Semaphore(permits)`).
    pub fn new(permits: usize) -> Self {
        Self { permits: Mutex::new(permits), returned: Condvar::new() }
    }

    /// Takes a permit, blocking while none is free (`sem.acquire()`).
    pub fn acquire(&self) -> SemaphorePermit<'_> {
        let mut free = lock(&self.permits);
        // A loop, not an `if`: the wake-up may be spurious, or another
        // thread may have taken the returned permit first.
        while *free == 0 {
            free = self.returned.wait(free).unwrap_or_else(std::sync::PoisonError::into_inner);
        }
        *free -= 1;
        SemaphorePermit { sem: self }
    }

    /// Takes a permit if one is free now (`sem.acquire(blocking=False)`).
    pub fn try_acquire(&self) -> Option<SemaphorePermit<'_>> {
        let mut free = lock(&self.permits);
        if *free == 0 {
            return None;
        }
        *free -= 1;
        Some(SemaphorePermit { sem: self })
    }

    /// Takes a permit, waiting at most `timeout` for one
    /// (`sem.acquire(timeout=...)`); `None` if none came free in time.
    pub fn acquire_timeout(&self, timeout: Duration) -> Option<SemaphorePermit<'_>> {
        let Some(deadline) = Instant::now().checked_add(timeout) else {
            return Some(self.acquire()); // a timeout past the clock's end: no timeout
        };
        let mut free = lock(&self.permits);
        while *free == 0 {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return None;
            }
            free = self
                .returned
                .wait_timeout(free, left)
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .0;
        }
        *free -= 1;
        Some(SemaphorePermit { sem: self })
    }

    /// Adds one permit and wakes one waiter (`sem.release()`). Use it to
    /// return a permit taken with [`SemaphorePermit::forget`]; calling it
    /// otherwise raises the count, as Python's plain `Semaphore` allows.
    pub fn release(&self) {
        *lock(&self.permits) += 1;
        self.returned.notify_one();
    }

    /// Permits free right now (a snapshot: it may change at once).
    pub fn available(&self) -> usize {
        *lock(&self.permits)
    }
}

impl SemaphorePermit<'_> {
    /// Keeps the permit taken without a guard; give it back later with
    /// [`Semaphore::release`] (Python's manual `acquire()` / `release()`).
    pub fn forget(self) {
        std::mem::forget(self);
    }
}

impl Drop for SemaphorePermit<'_> {
    fn drop(&mut self) {
        self.sem.release();
    }
}

#[cfg(all(test, not(feature = "loom")))]
mod tests {
    use super::*;

    /// Exactly `n` permits can be held at once: not fewer, not more.
    #[test]
    fn holds_exactly_its_permits() {
        for n in 1..=4 {
            let sem = Semaphore::new(n);
            let held: Vec<_> = (0..n).map(|_| sem.try_acquire()).collect();
            assert!(held.iter().all(Option::is_some), "{n} permits: one was refused");
            assert!(sem.try_acquire().is_none(), "{n} permits: one more was given");
            drop(held);
            assert_eq!(sem.available(), n);
        }
    }

    /// The same both ways through the blocking `acquire`, on threads: `n`
    /// threads get a permit while none is given back (a semaphore capped
    /// below `n` fails here), and one thread more waits until a permit comes
    /// back (a semaphore widened by one fails here). Nothing hangs on a
    /// broken semaphore: the holders are let go before anything is asserted.
    #[test]
    fn acquire_admits_exactly_its_permits() {
        use std::sync::mpsc;
        for n in 1..=3 {
            let sem = Semaphore::new(n);
            let (admitted_tx, admitted) = mpsc::channel();
            let (go_tx, go) = mpsc::channel::<()>();
            let go = std::sync::Mutex::new(go);
            let (first, extra) = std::thread::scope(|s| {
                for _ in 0..=n {
                    let (admitted_tx, sem, go) = (admitted_tx.clone(), &sem, &go);
                    s.spawn(move || {
                        let _permit = sem.acquire();
                        admitted_tx.send(()).unwrap();
                        let _ = go.lock().unwrap().recv(); // held until main lets go
                    });
                }
                let wait = |d| admitted.recv_timeout(Duration::from_secs(d)).is_ok();
                let first = (0..n).filter(|_| wait(10)).count();
                let extra = admitted.recv_timeout(Duration::from_millis(200)).is_ok();
                drop(go_tx); // every holder lets go: the scope can end
                (first, extra)
            });
            assert_eq!(first, n, "{n} permits: only {first} threads got one");
            assert!(!extra, "{n} permits: thread {} got one too", n + 1);
            assert_eq!(sem.available(), n);
        }
    }

    #[test]
    fn acquire_timeout_gives_up_then_succeeds() {
        let sem = Semaphore::new(1);
        let held = sem.acquire();
        assert!(sem.acquire_timeout(Duration::from_millis(20)).is_none());
        std::thread::scope(|s| {
            let waiter = s.spawn(|| {
                sem.acquire_timeout(Duration::from_secs(30)).map(SemaphorePermit::forget)
            });
            std::thread::sleep(Duration::from_millis(20));
            drop(held);
            assert!(waiter.join().unwrap().is_some(), "the returned permit reached the waiter");
        });
        assert_eq!(sem.available(), 0, "forget kept it taken");
        sem.release();
        assert_eq!(sem.available(), 1);
        assert!(sem.acquire_timeout(Duration::MAX).is_some(), "no overflow panic");
    }
}
