//! `queue.Queue(maxsize)` (the notes' `q = queue.Queue()`, bounded), built
//! the way CPython builds it: one
//! lock around a deque and condition variables on that lock, `not_empty`
//! (woken by `put`, waited on by `get`) and `not_full` (woken by `get`,
//! waited on by `put` when bounded), plus a third, `all_tasks_done`, for
//! `task_done()` / `join()`. See `Lib/queue.py`: the Rust below follows it
//! method by method.
//!
//! In Rust code, use a channel instead (`crossbeam::channel::bounded(n)`, or
//! std's `mpsc::sync_channel(n)`): it adds disconnection, so consumers end
//! when every sender is dropped rather than by a sentinel. `queue_internals`
//! shows this queue beside both.

use std::collections::VecDeque;
use std::fmt;
use std::time::{Duration, Instant};

use crate::sync::{Condvar, Mutex, MutexGuard, lock};

/// A blocking FIFO queue with an optional bound, `task_done` and `join`.
///
/// ```
/// use examples_sync::Queue;
/// let q = Queue::new(2);
/// q.put(1);
/// q.put(2);
/// assert!(q.try_put(3).is_err()); // full
/// assert_eq!(q.get(), 1);
/// q.task_done().unwrap();
/// assert_eq!(q.get(), 2);
/// q.task_done().unwrap();
/// q.join(); // every item put has been marked done
/// assert!(q.task_done().is_err()); // one too many
/// ```
#[derive(Debug)]
pub struct Queue<T> {
    maxsize: usize,
    state: Mutex<State<T>>,
    not_empty: Condvar,
    not_full: Condvar,
    all_tasks_done: Condvar,
}

#[derive(Debug)]
struct State<T> {
    items: VecDeque<T>,
    /// Items put but not yet marked `task_done` (`unfinished_tasks`).
    unfinished: usize,
}

/// The queue was full (Python's `queue.Full`); the item comes back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Full<T>(pub T);

impl<T> fmt::Display for Full<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the queue is full")
    }
}

impl<T: fmt::Debug> std::error::Error for Full<T> {}

/// `task_done()` was called more times than items were put (Python's
/// `ValueError('task_done() called too many times')`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaskDoneError;

impl fmt::Display for TaskDoneError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("task_done() called too many times")
    }
}

impl std::error::Error for TaskDoneError {}

fn wait<'a, T>(cv: &Condvar, guard: MutexGuard<'a, T>) -> MutexGuard<'a, T> {
    cv.wait(guard).unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl<T> Queue<T> {
    /// A queue holding at most `maxsize` items; `0` means unbounded, as in
    /// Python.
    pub fn new(maxsize: usize) -> Self {
        Self {
            maxsize,
            state: Mutex::new(State { items: VecDeque::new(), unfinished: 0 }),
            not_empty: Condvar::new(),
            not_full: Condvar::new(),
            all_tasks_done: Condvar::new(),
        }
    }

    fn full(&self, st: &State<T>) -> bool {
        self.maxsize > 0 && st.items.len() >= self.maxsize
    }

    fn push(&self, mut st: MutexGuard<'_, State<T>>, item: T) {
        st.items.push_back(item);
        // Callers checked `full` under the lock; a `put` that woke and did
        // not check again (an `if` for the `while`) could overfill it.
        debug_assert!(
            self.maxsize == 0 || st.items.len() <= self.maxsize,
            "a bounded queue holds more than maxsize"
        );
        st.unfinished += 1;
        drop(st);
        self.not_empty.notify_one();
    }

    fn pop(&self, mut st: MutexGuard<'_, State<T>>) -> T {
        // Callers hold the lock and have seen an item, so there is one.
        let item = st.items.pop_front().expect("queue checked non-empty under the lock");
        drop(st);
        self.not_full.notify_one();
        item
    }

    /// Puts `item` at the back, blocking while the queue is full (`q.put(item)`).
    pub fn put(&self, item: T) {
        let mut st = lock(&self.state);
        while self.full(&st) {
            st = wait(&self.not_full, st);
        }
        self.push(st, item);
    }

    /// Puts `item`, waiting at most `timeout` for room (`q.put(item, timeout=...)`).
    ///
    /// # Errors
    /// [`Full`] with the item if no room came in time.
    pub fn put_timeout(&self, item: T, timeout: Duration) -> Result<(), Full<T>> {
        let Some(deadline) = Instant::now().checked_add(timeout) else {
            self.put(item); // a timeout past the clock's end: no timeout
            return Ok(());
        };
        let mut st = lock(&self.state);
        while self.full(&st) {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(Full(item));
            }
            st = self
                .not_full
                .wait_timeout(st, left)
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .0;
        }
        self.push(st, item);
        Ok(())
    }

    /// Puts `item` only if there is room now (`q.put_nowait(item)`).
    ///
    /// # Errors
    /// [`Full`] with the item if the queue is full.
    pub fn try_put(&self, item: T) -> Result<(), Full<T>> {
        let st = lock(&self.state);
        if self.full(&st) {
            return Err(Full(item));
        }
        self.push(st, item);
        Ok(())
    }

    /// Takes the front item, blocking while the queue is empty (`q.get()`).
    pub fn get(&self) -> T {
        let mut st = lock(&self.state);
        while st.items.is_empty() {
            st = wait(&self.not_empty, st);
        }
        self.pop(st)
    }

    /// Takes the front item, waiting at most `timeout`; `None` if none came
    /// (`q.get(timeout=...)` raising `queue.Empty`).
    pub fn get_timeout(&self, timeout: Duration) -> Option<T> {
        let Some(deadline) = Instant::now().checked_add(timeout) else {
            return Some(self.get()); // a timeout past the clock's end: no timeout
        };
        let mut st = lock(&self.state);
        while st.items.is_empty() {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return None;
            }
            st = self
                .not_empty
                .wait_timeout(st, left)
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .0;
        }
        Some(self.pop(st))
    }

    /// Takes the front item if there is one now (`q.get_nowait()`).
    pub fn try_get(&self) -> Option<T> {
        let st = lock(&self.state);
        if st.items.is_empty() {
            return None;
        }
        Some(self.pop(st))
    }

    /// Marks one item taken with `get` as processed (`q.task_done()`); when
    /// every item put is done, wakes the threads blocked in [`Queue::join`].
    ///
    /// # Errors
    /// [`TaskDoneError`] if called more times than items were put.
    pub fn task_done(&self) -> Result<(), TaskDoneError> {
        let mut st = lock(&self.state);
        if st.unfinished == 0 {
            return Err(TaskDoneError);
        }
        st.unfinished -= 1;
        if st.unfinished == 0 {
            self.all_tasks_done.notify_all();
        }
        Ok(())
    }

    /// Blocks until every item ever put has been marked with
    /// [`Queue::task_done`] (`q.join()`).
    pub fn join(&self) {
        let mut st = lock(&self.state);
        while st.unfinished > 0 {
            st = wait(&self.all_tasks_done, st);
        }
    }

    /// Items in the queue now (`q.qsize()`); a snapshot.
    pub fn qsize(&self) -> usize {
        lock(&self.state).items.len()
    }

    /// True if no item is queued now (`q.empty()`); a snapshot.
    pub fn is_empty(&self) -> bool {
        self.qsize() == 0
    }

    /// True if a `put` would block now (`q.full()`); a snapshot.
    pub fn is_full(&self) -> bool {
        self.full(&lock(&self.state))
    }

    /// The bound given to [`Queue::new`]; `0` for unbounded.
    pub fn maxsize(&self) -> usize {
        self.maxsize
    }
}

#[cfg(all(test, not(feature = "loom")))]
mod tests {
    use super::*;

    #[test]
    fn timeouts_and_nowait_variants() {
        let q = Queue::new(1);
        assert_eq!(q.maxsize(), 1);
        assert_eq!(q.try_get(), None);
        assert_eq!(q.get_timeout(Duration::from_millis(10)), None);
        q.put_timeout('a', Duration::from_millis(10)).unwrap();
        assert!(q.is_full());
        assert_eq!(q.put_timeout('b', Duration::from_millis(10)), Err(Full('b')));
        assert_eq!(q.try_put('b'), Err(Full('b')));
        std::thread::scope(|s| {
            // A blocked put completes once a get makes room.
            let putter = s.spawn(|| q.put_timeout('b', Duration::from_secs(30)));
            std::thread::sleep(Duration::from_millis(20));
            assert_eq!(q.get_timeout(Duration::from_secs(30)), Some('a'));
            assert_eq!(putter.join().unwrap(), Ok(()));
        });
        assert_eq!(q.try_get(), Some('b'));
        assert!(q.is_empty() && !q.is_full());
        q.put('c');
        assert_eq!(q.get_timeout(Duration::MAX), Some('c'), "no overflow panic");
    }

    #[test]
    fn unbounded_is_never_full() {
        let q = Queue::new(0);
        for i in 0..1_000 {
            q.try_put(i).unwrap();
        }
        assert!(!q.is_full());
        assert_eq!(q.qsize(), 1_000);
    }
}
