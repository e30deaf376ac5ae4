//! Model checks of the hand-built primitives with loom: every interleaving of
//! 2-3 threads (loom also explores spurious and lost wake-ups' effects, since
//! it decides which waiter a `notify_one` wakes). Run with:
//!
//! ```text
//! cargo test -p examples-sync --features loom --test loom
//! ```
//!
//! Without the `loom` feature this file compiles to nothing. loom does not model
//! time, so the barrier's timeout is checked through `abort()`, the same
//! break path a timed-out wait takes (the timeout itself is covered by the
//! doctest on `Barrier` and the `barrier` bin's tests).
#![cfg(feature = "loom")]

use examples_sync::{Barrier, Queue, Semaphore};
use loom::sync::Arc;
use loom::sync::atomic::{AtomicUsize, Ordering};
use loom::thread;

/// Runs `f` under loom with a preemption bound of 3: every interleaving with
/// at most 3 forced thread switches, the bound loom's docs suggest (bugs
/// almost always need fewer), which keeps the 3-thread models to seconds.
fn model(f: impl Fn() + Sync + Send + 'static) {
    let mut builder = loom::model::Builder::new();
    builder.preemption_bound = Some(3);
    builder.check(f);
}

/// Permits never exceed the count: three threads (main and two spawned)
/// share two permits, and each checks the number inside the critical section.
#[test]
fn semaphore_never_exceeds_its_permits() {
    model(|| {
        let sem = Arc::new(Semaphore::new(2));
        let inside = Arc::new(AtomicUsize::new(0));
        let enter = |sem: &Semaphore, inside: &AtomicUsize| {
            let _permit = sem.acquire();
            let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
            assert!(now <= 2, "{now} threads inside a 2-permit semaphore");
            inside.fetch_sub(1, Ordering::SeqCst);
        };
        let handles: Vec<_> = (0..2)
            .map(|_| {
                let (sem, inside) = (sem.clone(), inside.clone());
                thread::spawn(move || enter(&sem, &inside))
            })
            .collect();
        enter(&sem, &inside);
        for h in handles {
            h.join().unwrap();
        }
        assert_eq!(sem.available(), 2, "every permit came back");
    });
}

/// And never fewer: two threads that each hold one of two permits while
/// they wait for each other (a rendezvous under loom's own Mutex and
/// Condvar). A semaphore that admits only one at a time leaves one thread
/// blocked in `acquire` and the other waiting for it: loom reports the
/// deadlock.
#[test]
fn semaphore_admits_all_its_permits_at_once() {
    use loom::sync::{Condvar, Mutex};
    model(|| {
        let sem = Arc::new(Semaphore::new(2));
        let met = Arc::new((Mutex::new(0), Condvar::new()));
        let enter = |sem: &Semaphore, met: &(Mutex<u32>, Condvar)| {
            let _permit = sem.acquire();
            let mut here = met.0.lock().unwrap();
            *here += 1;
            met.1.notify_all();
            while *here < 2 {
                here = met.1.wait(here).unwrap(); // until the other holds a permit too
            }
        };
        let (s, m) = (sem.clone(), met.clone());
        let other = thread::spawn(move || enter(&s, &m));
        enter(&sem, &met);
        other.join().unwrap();
        assert_eq!(sem.available(), 2);
    });
}

/// The stolen wake-up: one permit, and a thread that takes it twice, so it
/// can take the permit back between waking a waiter and that waiter running.
/// `acquire` must re-check in a loop (`while`, not `if`); with an `if` this
/// model finds the interleaving where two threads hold the one permit.
#[test]
fn semaphore_waiter_rechecks_after_waking() {
    model(|| {
        let sem = Arc::new(Semaphore::new(1));
        let inside = Arc::new(AtomicUsize::new(0));
        let enter = |sem: &Semaphore, inside: &AtomicUsize| {
            let _permit = sem.acquire();
            assert_eq!(inside.fetch_add(1, Ordering::SeqCst), 0, "two holders of one permit");
            inside.fetch_sub(1, Ordering::SeqCst);
        };
        let (s, i) = (sem.clone(), inside.clone());
        let twice = thread::spawn(move || {
            enter(&s, &i);
            enter(&s, &i);
        });
        enter(&sem, &inside);
        twice.join().unwrap();
        assert_eq!(sem.available(), 1);
    });
}

/// A permit handed over with `forget` + `release` still wakes a blocked acquirer.
#[test]
fn semaphore_release_wakes_a_waiter() {
    model(|| {
        let sem = Arc::new(Semaphore::new(0));
        let s = sem.clone();
        let t = thread::spawn(move || s.acquire().forget());
        sem.release();
        t.join().unwrap();
        assert_eq!(sem.available(), 0);
    });
}

/// All parties leave together with distinct arrival indices.
#[test]
fn barrier_releases_every_party_together() {
    model(|| {
        let b = Arc::new(Barrier::new(3));
        let arrived = Arc::new(AtomicUsize::new(0));
        let handles: Vec<_> = (0..2)
            .map(|_| {
                let (b, arrived) = (b.clone(), arrived.clone());
                thread::spawn(move || {
                    arrived.fetch_add(1, Ordering::SeqCst);
                    let i = b.wait().expect("nobody breaks it");
                    assert_eq!(arrived.load(Ordering::SeqCst), 3, "left before everyone arrived");
                    i
                })
            })
            .collect();
        arrived.fetch_add(1, Ordering::SeqCst);
        let mut idx = vec![b.wait().expect("nobody breaks it")];
        idx.extend(handles.into_iter().map(|h| h.join().unwrap()));
        idx.sort_unstable();
        assert_eq!(idx, [0, 1, 2]);
    });
}

/// A break racing the last arrival: either both parties leave together (the
/// trip came first) or both see the barrier broken; never one of each.
#[test]
fn barrier_parties_leave_together_or_all_see_it_broken() {
    model(|| {
        let b = Arc::new(Barrier::new(2));
        let b1 = b.clone();
        let waiter = thread::spawn(move || b1.wait().is_ok());
        let b2 = b.clone();
        let breaker = thread::spawn(move || b2.abort());
        let mine = b.wait().is_ok();
        let theirs = waiter.join().unwrap();
        breaker.join().unwrap();
        assert_eq!(mine, theirs, "one party released, the other told it broke");
        assert!(b.is_broken(), "abort leaves it broken either way");
    });
}

/// No item is lost or delivered twice through a bounded queue of one slot,
/// with two producers and one consumer blocking on both conditions.
#[test]
fn queue_delivers_every_item_exactly_once() {
    model(|| {
        let q = Arc::new(Queue::new(1));
        let producers: Vec<_> = [1u32, 2]
            .into_iter()
            .map(|item| {
                let q = q.clone();
                thread::spawn(move || q.put(item))
            })
            .collect();
        let mut got = vec![q.get(), q.get()];
        for p in producers {
            p.join().unwrap();
        }
        got.sort_unstable();
        assert_eq!(got, [1, 2]);
        assert!(q.is_empty());
    });
}

/// The stolen wake-up on `put`: a full one-slot queue, two producers, and a
/// `get` that frees the slot. One producer may take the slot between the
/// other's wake-up and its running; `put` must check again (`while`, not
/// `if`), or the queue holds two items (the `debug_assert!` in `push`).
#[test]
fn queue_put_rechecks_after_waking() {
    model(|| {
        let q = Arc::new(Queue::new(1));
        q.put(0u32);
        let producers: Vec<_> = [1u32, 2]
            .into_iter()
            .map(|item| {
                let q = q.clone();
                thread::spawn(move || q.put(item))
            })
            .collect();
        let mut got = vec![q.get(), q.get(), q.get()];
        for p in producers {
            p.join().unwrap();
        }
        got.sort_unstable();
        assert_eq!(got, [0, 1, 2]);
    });
}

/// `join` returns only after every item put was marked done.
#[test]
fn queue_join_waits_for_task_done() {
    model(|| {
        let q = Arc::new(Queue::new(0));
        let done = Arc::new(AtomicUsize::new(0));
        q.put(7u32);
        let (q2, done2) = (q.clone(), done.clone());
        let worker = thread::spawn(move || {
            assert_eq!(q2.get(), 7);
            done2.store(1, Ordering::SeqCst);
            q2.task_done().unwrap();
        });
        q.join();
        assert_eq!(done.load(Ordering::SeqCst), 1, "join returned before task_done");
        worker.join().unwrap();
    });
}
