//! Property tests of the hand-built `Queue` and `Semaphore` with real threads:
//! random numbers of producers, consumers, items, bounds and permits.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use examples_sync::{Queue, Semaphore};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Every item put by any producer is got exactly once by some consumer,
    /// and `join` returns once all are marked done.
    #[test]
    fn queue_delivers_every_item_exactly_once(
        producers in 1usize..4,
        consumers in 1usize..4,
        per_producer in 0usize..200,
        maxsize in 0usize..8,
    ) {
        let q = Arc::new(Queue::<Option<usize>>::new(maxsize));
        let got = thread::scope(|s| {
            let takers: Vec<_> = (0..consumers)
                .map(|_| {
                    let q = &q;
                    s.spawn(move || {
                        let mut mine = Vec::new();
                        // `None` is the sentinel, as in the notes' consumers.
                        while let Some(item) = q.get() {
                            mine.push(item);
                            q.task_done().unwrap();
                        }
                        q.task_done().unwrap();
                        mine
                    })
                })
                .collect();
            let makers: Vec<_> = (0..producers)
                .map(|p| {
                    let q = &q;
                    s.spawn(move || {
                        for i in 0..per_producer {
                            q.put(Some(p * 1_000 + i));
                        }
                    })
                })
                .collect();
            for m in makers {
                m.join().unwrap();
            }
            // FIFO: every item is ahead of these sentinels, one per consumer.
            for _ in 0..consumers {
                q.put(None);
            }
            q.join(); // returns once every item and sentinel is task_done
            takers.into_iter().flat_map(|t| t.join().unwrap()).collect::<Vec<_>>()
        });
        let unique: HashSet<_> = got.iter().copied().collect();
        prop_assert_eq!(got.len(), producers * per_producer, "items lost or duplicated");
        prop_assert_eq!(unique.len(), got.len(), "an item was delivered twice");
        prop_assert!(q.task_done().is_err(), "task_done balance is exact");
    }

    /// Checked both ways: at most `permits` threads hold a permit at once,
    /// AND `permits` of them do hold one at once when there are enough
    /// threads (a semaphore that admits one at a time passes the first
    /// check alone). Each thread holds its permit until the peak reaches
    /// what the semaphore should allow; a deadline only stops a broken
    /// semaphore from hanging the test (nothing about time is asserted).
    #[test]
    fn semaphore_admits_exactly_its_permits(
        permits in 1usize..5,
        threads in 1usize..8,
    ) {
        let sem = Semaphore::new(permits);
        let inside = AtomicUsize::new(0);
        let peak = AtomicUsize::new(0);
        let allowed = permits.min(threads);
        thread::scope(|s| {
            for _ in 0..threads {
                s.spawn(|| {
                    let _permit = sem.acquire();
                    let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
                    peak.fetch_max(now, Ordering::SeqCst);
                    let give_up = Instant::now() + Duration::from_secs(2);
                    while peak.load(Ordering::SeqCst) < allowed && Instant::now() < give_up {
                        thread::yield_now();
                    }
                    inside.fetch_sub(1, Ordering::SeqCst);
                });
            }
        });
        prop_assert_eq!(peak.load(Ordering::SeqCst), allowed, "permits held at once");
        prop_assert_eq!(sem.available(), permits);
    }

    /// Many rounds of acquire/release: never above the permits, all come back.
    #[test]
    fn semaphore_in_flight_never_exceeds_permits(
        permits in 1usize..4,
        threads in 1usize..8,
        rounds in 1usize..20,
    ) {
        let sem = Semaphore::new(permits);
        let inside = AtomicUsize::new(0);
        let peak = AtomicUsize::new(0);
        thread::scope(|s| {
            for _ in 0..threads {
                s.spawn(|| {
                    for _ in 0..rounds {
                        let _permit = sem.acquire();
                        let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
                        peak.fetch_max(now, Ordering::SeqCst);
                        thread::yield_now();
                        inside.fetch_sub(1, Ordering::SeqCst);
                    }
                });
            }
        });
        prop_assert!(peak.load(Ordering::SeqCst) <= permits);
        prop_assert_eq!(sem.available(), permits);
    }
}
