//! Synchronisation lessons: what the notes' GIL, thread-safety and atomicity
//! sections discuss, in Rust. The lessons are the bins under `src/bin/`; this
//! library holds the primitives those lessons build **by hand**, because std
//! lacks them and because how they are built is the lesson:
//!
//! | primitive | mirrors | built from |
//! |---|---|---|
//! | [`Semaphore`] | `threading.Semaphore` | `Mutex<usize>` + `Condvar` |
//! | [`Barrier`] | `threading.Barrier(parties, timeout=...)` | `Mutex<State>` + `Condvar` |
//! | [`Queue`] | `queue.Queue(maxsize)` with `task_done`/`join` | `Mutex<VecDeque<T>>` + `Condvar`s |
//!
//! examples-threads uses them too (`semaphore`, `barrier`). Each is model-checked
//! with [loom](https://docs.rs/loom): with the crate feature `loom` it swaps
//! std's `Mutex` and `Condvar` for loom's, and `tests/loom.rs` explores every
//! interleaving of 2-3 threads:
//!
//! ```text
//! cargo test -p examples-sync --features loom --test loom
//! ```
//!
//! (A feature, not the usual `RUSTFLAGS="--cfg loom"`: that cfg reaches every
//! crate, and tokio, pulled in through `shared`, has a loom mode of its own in
//! which axum does not build.)
//!
//! In production code, prefer the libraries: for threads, a bounded
//! crossbeam-channel of tokens works as a semaphore (or `async_lock::Semaphore`
//! with `acquire_blocking`), `std::sync::Barrier` when no timeout is needed,
//! and crossbeam-channel for queues; in async code, `tokio::sync::Semaphore`.

#![warn(missing_docs)]

pub mod barrier;
pub mod queue;
pub mod semaphore;
pub mod send_sync;

pub use barrier::{Barrier, BrokenBarrierError};
pub use queue::{Full, Queue, TaskDoneError};
pub use semaphore::{Semaphore, SemaphorePermit};

/// The lock and condition variable types the primitives are built from:
/// std's normally, loom's with the `loom` feature so the model checker can drive
/// every interleaving.
pub(crate) mod sync {
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
}
