//! Micro-benchmarks for the costs the notes reason about: a thread costs more
//! to create than a task (so pools exist, and coroutines are the cheaper
//! unit), and every lock, queue and semaphore has a price.
//!
//! ```text
//! cargo bench -p compare --bench micro            # everything, under half a minute
//! cargo bench -p compare --bench micro -- channel # only the names matching "channel"
//! ```
//!
//! Each number is the time of one iteration (one spawn, one message, one
//! lock). Single-thread rows are uncontended: the fast path only. Rows `t=2`
//! run the same body on two threads at once and give the time of one
//! iteration as seen by one thread (the pair together does two in that time).
//!
//! Fast groups fix `sample_size`: divan otherwise sizes samples from the first
//! one, and a cold first iteration (an allocation, a page fault) can leave it
//! timing iterations one by one. Contended groups use long samples: divan
//! starts each sample on a barrier, and a thread woken from it can arrive after
//! a short sample has ended, so the two threads would never overlap.

use std::sync::mpsc;
use std::thread;

use divan::{Bencher, black_box};

fn main() {
    divan::main();
}

/// Spawn + join of one OS thread: the cost a pool pays once per worker
/// instead of once per job (the notes' reason for pools: no creating and
/// ending threads per task; `examples-threads --bin pool_vs_spawn` at scale).
#[divan::bench(sample_size = 10)]
fn thread_spawn_join() {
    thread::spawn(|| black_box(1)).join().unwrap();
}

/// Spawn + await of one empty task, the runtime built once outside the loop
/// (the notes: one thread can run tens of thousands of coroutines, the
/// cheapest unit; compare with `thread_spawn_join`). Each iteration includes
/// one `block_on`, which is how synchronous code enters a runtime.
#[divan::bench_group(sample_size = 100)]
mod task_spawn {
    use super::*;

    /// tokio current-thread runtime: the task runs on this thread.
    #[divan::bench]
    fn tokio_current_thread(bencher: Bencher) {
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        bencher.bench_local(|| rt.block_on(async { tokio::spawn(async { black_box(1) }).await }));
    }

    /// tokio multi-thread runtime, 2 workers: the task runs on a worker and
    /// its completion wakes this thread.
    #[divan::bench]
    fn tokio_multi_thread(bencher: Bencher) {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).build().unwrap();
        bencher.bench_local(|| rt.block_on(async { tokio::spawn(async { black_box(1) }).await }));
    }

    /// A smol `Executor` driven by this thread: `block_on(ex.run(ex.spawn(..)))`.
    #[divan::bench]
    fn smol_executor(bencher: Bencher) {
        let ex = smol::Executor::new();
        bencher.bench_local(|| smol::block_on(ex.run(ex.spawn(async { black_box(1) }))));
    }

    /// `smol::spawn` on the global executor, which runs on its own thread.
    #[divan::bench]
    fn smol_global(bencher: Bencher) {
        bencher.bench_local(|| smol::block_on(smol::spawn(async { black_box(1) })));
    }
}

/// One item put and taken on the same thread, uncontended: the bare cost of
/// a queue operation pair, which the producer/consumer and crawler pipeline
/// examples pay per item (the notes: threads should talk through queues).
/// `examples_sync_queue_1` is the hand-built `queue.Queue(1)` (one `Mutex`
/// around a `VecDeque` plus `Condvar`s, as CPython builds it) against the
/// channels its docs recommend; `task_done` is not called (its count only
/// grows, which costs nothing here).
#[divan::bench_group(sample_size = 1000)]
mod channel_send_recv {
    use super::*;

    #[divan::bench]
    fn examples_sync_queue_1(bencher: Bencher) {
        let q = examples_sync::Queue::new(1);
        bencher.bench_local(|| {
            q.put(black_box(1u64));
            q.get()
        });
    }

    #[divan::bench]
    fn std_channel(bencher: Bencher) {
        let (tx, rx) = mpsc::channel();
        bencher.bench_local(|| {
            tx.send(black_box(1u64)).unwrap();
            rx.recv().unwrap()
        });
    }

    #[divan::bench]
    fn std_sync_channel_1(bencher: Bencher) {
        let (tx, rx) = mpsc::sync_channel(1);
        bencher.bench_local(|| {
            tx.send(black_box(1u64)).unwrap();
            rx.recv().unwrap()
        });
    }

    #[divan::bench]
    fn crossbeam_bounded_1(bencher: Bencher) {
        let (tx, rx) = crossbeam_channel::bounded(1);
        bencher.bench_local(|| {
            tx.send(black_box(1u64)).unwrap();
            rx.recv().unwrap()
        });
    }

    #[divan::bench]
    fn crossbeam_unbounded(bencher: Bencher) {
        let (tx, rx) = crossbeam_channel::unbounded();
        bencher.bench_local(|| {
            tx.send(black_box(1u64)).unwrap();
            rx.recv().unwrap()
        });
    }

    /// tokio `mpsc::channel(1)`, `try_send` + `try_recv`: the channel alone
    /// (the non-waiting calls need no runtime).
    #[divan::bench]
    fn tokio_mpsc_1_try(bencher: Bencher) {
        let (tx, mut rx) = tokio::sync::mpsc::channel(1);
        bencher.bench_local(|| {
            tx.try_send(black_box(1u64)).unwrap();
            rx.try_recv().unwrap()
        });
    }

    /// tokio `mpsc::channel(1)`, `send().await` + `recv().await` in one
    /// `block_on` of a current-thread runtime (the `block_on` included).
    #[divan::bench]
    fn tokio_mpsc_1_awaited(bencher: Bencher) {
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let (tx, mut rx) = tokio::sync::mpsc::channel(1);
        bencher.bench_local(|| {
            rt.block_on(async {
                tx.send(black_box(1u64)).await.unwrap();
                rx.recv().await.unwrap()
            })
        });
    }
}

/// A round trip between two threads: this thread sends a number, an echo
/// thread (started outside the loop) sends it back, this thread waits for it.
/// Each side waits for the other once per iteration, so this is the cost of
/// handing work to another thread and hearing back, not the fast path.
#[divan::bench_group(sample_size = 100)]
mod channel_ping_pong {
    use super::*;

    #[divan::bench]
    fn std_channel(bencher: Bencher) {
        let (to_echo, echo_rx) = mpsc::channel::<u64>();
        let (echo_tx, from_echo) = mpsc::channel();
        let echo = thread::spawn(move || echo_rx.iter().try_for_each(|n| echo_tx.send(n)));
        bencher.bench_local(|| {
            to_echo.send(black_box(1)).unwrap();
            from_echo.recv().unwrap()
        });
        drop(to_echo); // ends the echo thread's loop
        echo.join().unwrap().unwrap();
    }

    #[divan::bench]
    fn crossbeam_bounded_1(bencher: Bencher) {
        let (to_echo, echo_rx) = crossbeam_channel::bounded::<u64>(1);
        let (echo_tx, from_echo) = crossbeam_channel::bounded(1);
        let echo = thread::spawn(move || echo_rx.iter().try_for_each(|n| echo_tx.send(n)));
        bencher.bench_local(|| {
            to_echo.send(black_box(1)).unwrap();
            from_echo.recv().unwrap()
        });
        drop(to_echo);
        echo.join().unwrap().unwrap();
    }
}

/// Lock, increment a counter, unlock: the notes' fix for the `counter += 1`
/// race, and what it costs. At `t=1` the lock is never contended; at `t=2`
/// both threads increment the same counter and fight for its lock.
#[divan::bench_group(threads = [1, 2], sample_size = 500_000, sample_count = 20)]
mod mutex_increment {
    use super::*;

    #[divan::bench]
    fn std_mutex(bencher: Bencher) {
        let counter = std::sync::Mutex::new(0u64);
        bencher.bench(|| *counter.lock().unwrap() += 1);
        black_box(counter.into_inner().unwrap());
    }

    #[divan::bench]
    fn parking_lot_mutex(bencher: Bencher) {
        let counter = parking_lot::Mutex::new(0u64);
        bencher.bench(|| *counter.lock() += 1);
        black_box(counter.into_inner());
    }
}

/// Acquire + release of a one-permit semaphore (the notes: a semaphore limits
/// concurrency, `with semaphore:`): the hand-built `Mutex` + `Condvar` one
/// against the libraries the examples-sync docs recommend instead. At `t=2`
/// two threads compete for the single permit.
#[divan::bench_group(threads = [1, 2], sample_size = 500_000, sample_count = 20)]
mod semaphore_acquire_release {
    use super::*;

    #[divan::bench]
    fn examples_sync(bencher: Bencher) {
        let sem = examples_sync::Semaphore::new(1);
        bencher.bench(|| drop(black_box(sem.acquire())));
    }

    #[divan::bench]
    fn async_lock_blocking(bencher: Bencher) {
        let sem = async_lock::Semaphore::new(1);
        bencher.bench(|| drop(black_box(sem.acquire_blocking())));
    }

    /// A `bounded(1)` channel holding one token: `recv` takes it, `send` gives it back.
    #[divan::bench]
    fn crossbeam_token(bencher: Bencher) {
        let (give, take) = crossbeam_channel::bounded(1);
        give.send(()).unwrap();
        bencher.bench(|| {
            take.recv().unwrap();
            give.send(()).unwrap();
        });
    }
}
