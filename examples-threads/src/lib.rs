//! Threads: the threading notes mirrored with std::thread, crossbeam-channel and rayon. Each lesson is a bin under `src/bin/`.
//!
//! The library holds only what is not a lesson: the flags the three crawler
//! bins (`crawler`, `crawler_pipeline`, `thread_pool`) share, and the
//! chained turns that make `thread_pool --demo-orders` finish its tasks in a
//! chosen order ([`turns`]).

#![warn(missing_docs)]

use std::time::Duration;

use shared::crawl::Retry;

/// The most attempts per page `--attempts` accepts.
pub const MAX_ATTEMPTS: u32 = 20;

/// The longest `--timeout` accepted, in seconds.
pub const MAX_TIMEOUT_SECS: f64 = 600.0;

/// The longest `--latency-ms` of the in-process site accepted, in ms.
pub const MAX_LATENCY_MS: u64 = 10_000;

/// The crawlers' retry flags, `--attempts N` and `--timeout SECS`; add them
/// to a clap `Parser` with `#[command(flatten)]` and turn them into a
/// [`Retry`] with [`RetryArgs::retry`]. Defaults are [`Retry::default`]'s:
/// 4 attempts, 1 s per request (the 50 ms backoff, doubling, is not a flag).
#[derive(clap::Args, Debug, Clone)]
pub struct RetryArgs {
    /// Attempts per page, the first included (1 = no retries).
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_ATTEMPTS)))]
    pub attempts: u32,
    /// Seconds one request may take, connect to last byte, before it counts as timed out.
    #[arg(long, default_value = "1", value_parser = timeout_secs)]
    pub timeout: Duration,
}

impl RetryArgs {
    /// The [`Retry`] these flags ask for (backoff: the default 50 ms, doubling).
    pub fn retry(&self) -> Retry {
        Retry {
            attempts: self.attempts,
            timeout: self.timeout,
            ..Retry::default()
        }
    }
}

/// Parses a `--timeout` value: seconds, greater than 0 and at most
/// [`MAX_TIMEOUT_SECS`]. NaN, infinities, negatives, 0 and words are
/// rejected with a message clap prints as the flag's error.
pub fn timeout_secs(s: &str) -> Result<Duration, String> {
    let secs: f64 = s.parse().map_err(|_| format!("`{s}` is not a number"))?;
    if !(secs > 0.0 && secs <= MAX_TIMEOUT_SECS) {
        return Err(format!(
            "{s} is not a timeout in seconds (more than 0, at most {MAX_TIMEOUT_SECS})"
        ));
    }
    shared::workload::seconds(secs).map_err(|e| e.to_string())
}

/// Tasks that finish in a chosen order, released through channels instead of
/// racing sleeps: `thread_pool --demo-orders`. Task `order[k]` waits on its
/// own channel for its turn `k`, and whoever holds the next sender (the task
/// itself, or main) passes `k + 1` on to task `order[k + 1]`.
pub mod turns {
    use anyhow::{Result, ensure};
    use crossbeam_channel::{Receiver, Sender, bounded};

    /// The most tasks a chain takes (each needs a thread while it waits).
    pub const MAX_TASKS: usize = 64;

    /// One task of a chain: `(index, turn, next)`; `turn` brings its rank,
    /// `next` is the turn of the task that finishes after it (`None` for the last).
    pub type Turn = (usize, Receiver<u32>, Option<Sender<u32>>);

    /// The chain for `order`, a permutation of `0..n` (1 <= n <= [`MAX_TASKS`]):
    /// the sender that starts it (send `0`) and one [`Turn`] per task, by index.
    ///
    /// # Errors
    /// If `order` is empty, too long, or not a permutation.
    pub fn turns(order: &[usize]) -> Result<(Sender<u32>, Vec<Turn>)> {
        let n = order.len();
        let mut rank = vec![usize::MAX; n]; // rank[i]: when task i finishes
        for (k, &i) in order.iter().enumerate() {
            ensure!(
                i < n && rank[i] == usize::MAX,
                "{order:?} is not a permutation of 0..{n}"
            );
            rank[i] = k;
        }
        ensure!(
            (1..=MAX_TASKS).contains(&n),
            "1 to {MAX_TASKS} tasks, not {n}"
        );
        let chans: Vec<(Sender<u32>, Receiver<u32>)> = (0..n).map(|_| bounded(1)).collect();
        let tasks = (0..n).map(|i| {
            let next = chans.get(rank[i] + 1).map(|(tx, _)| tx.clone());
            (i, chans[rank[i]].1.clone(), next)
        });
        Ok((chans[0].0.clone(), tasks.collect()))
    }

    /// A task that does nothing but wait for its turn, then pass it on to
    /// `next` (if given); returns its turn, i.e. its finishing rank.
    ///
    /// # Panics
    /// If the sender of its turn is dropped unsent, which happens only when
    /// the task before it panicked: that panic is re-raised here.
    pub fn task(i: usize, turn: Receiver<u32>, next: Option<Sender<u32>>) -> u32 {
        shared::event!("task {i}: waiting for its turn");
        let rank = turn.recv().expect("the task before this one panicked");
        shared::event!("task {i}: done (turn {rank})");
        if let Some(next) = next {
            let _ = next.send(rank + 1); // bounded(1), sent once: never blocks
        }
        rank
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts_are_validated() {
        assert_eq!(timeout_secs("0.5"), Ok(Duration::from_millis(500)));
        assert_eq!(timeout_secs("600"), Ok(Duration::from_secs(600)));
        for bad in [
            "0", "-1", "nan", "NaN", "inf", "-inf", "600.5", "1e300", "x", "",
        ] {
            assert!(timeout_secs(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn turns_need_a_permutation() {
        let long: Vec<usize> = (0..65).collect();
        for bad in [&[][..], &[0, 0], &[1, 2], &long] {
            assert!(turns::turns(bad).is_err(), "{bad:?}");
        }
        let (first, tasks) = turns::turns(&[1, 0]).unwrap();
        first.send(0).unwrap();
        let mut tasks = tasks.into_iter();
        let (i0, t0, n0) = tasks.next().unwrap();
        let (i1, t1, n1) = tasks.next().unwrap();
        assert_eq!(turns::task(i1, t1, n1), 0, "task 1 finishes first");
        assert_eq!(turns::task(i0, t0, n0), 1);
    }
}
