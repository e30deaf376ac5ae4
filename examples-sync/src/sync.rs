//! The lock and condition variable types the primitives are built from:
//! std's normally, loom's with the `loom` feature, so the model checker can
//! drive every interleaving. `semaphore.rs`, `barrier.rs` and `queue.rs` say
//! `use crate::sync::...`, and nothing else in the crate depends on which
//! one it is.

#[cfg(feature = "loom")]
pub(crate) use loom::sync::{Condvar, Mutex, MutexGuard};
#[cfg(not(feature = "loom"))]
pub(crate) use std::sync::{Condvar, Mutex, MutexGuard};

/// Locks `m`, recovering the guard if another thread panicked while
/// holding it. Sound here because no user code ever runs under these
/// locks: the state is only a counter or a deque, which a panic elsewhere
/// cannot leave half-updated.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}
