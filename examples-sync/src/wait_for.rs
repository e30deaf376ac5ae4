//! A wait-for table and the `deadlock` bin's watchdog ([`WaitFor::watch`]):
//! deadlock detection by hand ([`WaitFor::cycle`]), or parking_lot's with the
//! `deadlock_detection` feature ([`WaitFor::deadlocked`] picks).
//!
//! Each thread writes down the lock it is about to block on just before
//! blocking, and the lock it holds just after taking it, and clears its row
//! before unlocking. So the table never claims a lock is held when it is
//! not, and a cycle in it (T1 wants what T2 holds, T2 wants what T1 holds) is
//! a real deadlock, not a guess. (Waiting with a timeout, `try_lock_for`,
//! is not detection: a slow thread looks the same as a stuck one.)
//! parking_lot's `deadlock_detection` does the same for every parking_lot
//! lock, without the program's help and at a cost to every lock.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::thread::{self, JoinHandle, ThreadId};
use std::time::{Duration, Instant};

/// How [`WaitFor::deadlocked`] finds a deadlock in this build, for reports:
/// `"parking_lot's detector"` with the feature `deadlock_detection`, else
/// `"the wait-for table"`.
pub const DETECTOR: &str = if cfg!(feature = "deadlock_detection") {
    "parking_lot's detector"
} else {
    "the wait-for table"
};

/// What one thread holds and wants; locks are named by the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The thread's name (`"?"` if it has none).
    pub thread: String,
    /// The lock it holds, if any.
    pub holds: Option<&'static str>,
    /// The lock it is blocked on (or about to be), if any.
    pub wants: Option<&'static str>,
}

/// `transfer-a-to-b holds account A, wants account B`.
impl std::fmt::Display for Row {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (holds, wants) = (self.holds.unwrap_or("-"), self.wants.unwrap_or("-"));
        write!(f, "{} holds {holds}, wants {wants}", self.thread)
    }
}

/// The table: one [`Row`] per thread that has written one.
#[derive(Debug, Default)]
pub struct WaitFor {
    rows: Mutex<HashMap<ThreadId, Row>>,
}

impl WaitFor {
    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }

    fn rows(&self) -> MutexGuard<'_, HashMap<ThreadId, Row>> {
        // Nothing panics while holding this lock: a poisoned one is fine.
        self.rows.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Writes the current thread's row: call with `wants` just before
    /// blocking on a lock, and with `holds` just after taking one.
    pub fn note(&self, holds: Option<&'static str>, wants: Option<&'static str>) {
        let me = thread::current();
        let thread = me.name().unwrap_or("?").to_string();
        let row = Row { thread, holds, wants };
        self.rows().insert(me.id(), row);
    }

    /// Locks `mutex`, the lock named `id`, writing it down as wanted just
    /// before blocking on it and as held just after taking it (a thread that
    /// already holds a lock keeps that one as its `holds`).
    pub fn lock<'a, T>(
        &self,
        mutex: &'a parking_lot::Mutex<T>,
        id: &'static str,
    ) -> parking_lot::MutexGuard<'a, T> {
        let holds = self.row(thread::current().id()).and_then(|r| r.holds);
        self.note(holds, Some(id)); // just before blocking
        let guard = mutex.lock();
        self.note(holds.or(Some(id)), None); // just after taking it
        guard
    }

    /// Removes the current thread's row: call before unlocking.
    pub fn clear(&self) {
        self.rows().remove(&thread::current().id());
    }

    /// The row of thread `id`, if it has one.
    pub fn row(&self, id: ThreadId) -> Option<Row> {
        self.rows().get(&id).cloned()
    }

    /// The rows of the threads in a deadlock cycle, empty if there is none.
    /// With this crate's feature `deadlock_detection` (on by default) the
    /// cycle is found by parking_lot's own detector,
    /// `parking_lot::deadlock::check_deadlock()`, which walks the wait-for
    /// graph of every parking_lot lock in the process; without it, by
    /// [`WaitFor::cycle`] over this table. Either way the rows come from this
    /// table, so they say what each thread holds and wants. [`DETECTOR`]
    /// names the way in use.
    pub fn deadlocked(&self) -> Vec<Row> {
        #[cfg(feature = "deadlock_detection")]
        return parking_lot::deadlock::check_deadlock()
            .iter()
            .flatten()
            .filter_map(|t| self.row(t.thread_id()))
            .collect();
        #[cfg(not(feature = "deadlock_detection"))]
        self.cycle()
    }

    /// The `deadlock` bin's watchdog: every 50 ms, until every thread in
    /// `threads` has finished, looks for a deadlock ([`WaitFor::deadlocked`]).
    /// Found: prints `deadlock detected by ...` and one `in the cycle: ...`
    /// line per thread, and returns an error (the deadlocked threads are left
    /// behind, to die with the process). An error too if they have not
    /// finished after `timeout` with no deadlock found, so it never hangs.
    ///
    /// # Errors
    /// A deadlock, or the time running out.
    pub fn watch(&self, threads: &[JoinHandle<()>], timeout: Duration) -> anyhow::Result<()> {
        let began = Instant::now();
        while !threads.iter().all(JoinHandle::is_finished) {
            let cycle = self.deadlocked();
            if !cycle.is_empty() {
                shared::event!("deadlock detected by {DETECTOR}: threads waiting for each other");
                cycle.iter().for_each(|row| shared::event!("in the cycle: {row}"));
                anyhow::bail!("deadlock: the threads would wait forever (they are left behind)");
            }
            if began.elapsed() > timeout {
                anyhow::bail!("did not finish within {timeout:?}, and no deadlock was found");
            }
            thread::sleep(Duration::from_millis(50));
        }
        Ok(())
    }

    /// The rows of the threads in a cycle of "wants the lock held by";
    /// empty if there is none (no deadlock among the noted threads).
    ///
    /// ```
    /// use examples_sync::wait_for::WaitFor;
    /// let table = WaitFor::new();
    /// table.note(Some("a"), Some("b")); // this thread: holds lock a, wants b
    /// assert!(table.cycle().is_empty()); // nobody holds b: it will get it
    /// ```
    pub fn cycle(&self) -> Vec<Row> {
        let rows = self.rows();
        let holder = |lock| rows.values().find(|r| r.holds == Some(lock));
        rows.values()
            .filter(|&start| {
                // Follow "wants the lock held by" from `start`; back at it = a cycle.
                let mut row = start;
                for _ in 0..rows.len() {
                    let Some(next) = row.wants.and_then(holder) else {
                        return false;
                    };
                    if std::ptr::eq(next, start) {
                        return true;
                    }
                    row = next;
                }
                false
            })
            .cloned()
            .collect()
    }
}

#[cfg(all(test, not(feature = "loom")))]
mod tests {
    use super::*;

    /// Two threads, each holding the lock the other wants: a cycle; when
    /// one of them is only waiting for a lock that is free: none.
    #[test]
    fn finds_the_cycle_and_only_the_cycle() {
        let table = WaitFor::new();
        thread::scope(|s| {
            let spawn = |name: &str, holds, wants| {
                let table = &table;
                thread::Builder::new()
                    .name(name.into())
                    .spawn_scoped(s, move || table.note(holds, wants))
                    .unwrap()
                    .join()
                    .unwrap();
            };
            spawn("t1", Some("0"), Some("1"));
            assert!(table.cycle().is_empty(), "lock 1 is free");
            spawn("t3", None, Some("0"));
            assert!(table.cycle().is_empty(), "t3 waits for t1, which waits for a free lock");
            spawn("t2", Some("1"), Some("0"));
        });
        let mut names: Vec<String> = table.cycle().into_iter().map(|r| r.thread).collect();
        names.sort();
        assert_eq!(names, ["t1", "t2"]);
    }
}
