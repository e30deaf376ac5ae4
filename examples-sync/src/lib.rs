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
//! | [`Gil`] | CPython's GIL, simulated (the `gil` bin) | a fair `parking_lot::Mutex<()>` |
//!
//! examples-threads uses them too (`semaphore`, `barrier`). The first three are
//! model-checked with [loom](https://docs.rs/loom): with the crate feature `loom` it swaps
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
//! `crossbeam::channel` of tokens works as a semaphore (or `async_lock::Semaphore`
//! with `acquire_blocking`), `std::sync::Barrier` when no timeout is needed,
//! and `crossbeam::channel` for queues; in async code, `tokio::sync::Semaphore`.

#![warn(missing_docs)]

pub mod barrier;
pub mod gil;
pub mod queue;
pub mod semaphore;
// The bins' helpers: the send_sync! probe (and the compile_fail doctests),
// threads started together, the deadlock bin's wait-for table and watchdog.
pub mod send_sync;
pub mod together;
pub mod wait_for;
// std's or loom's Mutex and Condvar (src/sync.rs), for the three primitives.
mod sync;

pub use barrier::{Barrier, BrokenBarrierError};
pub use gil::Gil;
pub use queue::{Full, Queue, TaskDoneError};
pub use semaphore::{Semaphore, SemaphorePermit};
