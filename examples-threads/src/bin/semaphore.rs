//! A counting semaphore caps how many threads do a job at once.
//!
//! The note (notes/001_02a52d28409d88e4.txt, 信号量限制并发, "a semaphore
//! limits concurrency"), word for word: `from threading import Semaphore` /
//! `semaphre = Semaphore(10)` / `with semaphre:` / `# do something` (the
//! spelling `semaphre` is the note's). Added here: 20 spider threads of 2 s
//! under `Semaphore(3)`, so at most 3 crawl at any moment and the jobs go
//! through in about 7 rounds (20 / 3, rounded up).
//!
//! std has no semaphore: `examples_sync::Semaphore` is built by hand (a
//! `Mutex<usize>` of free permits and a `Condvar`, see examples-sync).
//!
//! Run: `cargo run -p examples-threads --bin semaphore -- --jobs 20 --permits 3 --job-secs 2`
//!
//! You should see 20 `waiting for a permit` lines, then `acquired, in flight
//! = N` and `releasing, in flight = N` lines in batches of 3 every 2 s, N
//! never above 3. Which spiders get the permits first changes between runs
//! (the semaphore does not queue its waiters in order; Python's does not
//! promise to). Then the cost line, `20 jobs x 2 s through 3 permits: about 7
//! rounds` and `check: at most 3 in flight (max seen 3)`.

use std::{sync::Mutex, thread, time::Duration};

use anyhow::ensure;
use clap::Parser;
use examples_sync::Semaphore;
use shared::{event, timing::timed, workload::secs_arg};

/// threading.Semaphore(3): at most 3 spiders crawl at once
#[derive(Parser)]
struct Args {
    /// Number of spider jobs, one thread each (1 to 1000).
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..=1000))]
    jobs: u32,
    /// Permits in the semaphore: how many jobs may run at once (1 to 1000).
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=1000))]
    permits: u32,
    /// Seconds each job takes, a blocking wait like a fetch (0 to 3600).
    #[arg(long, default_value = "2", value_parser = secs_arg)]
    job_secs: Duration,
}

/// `jobs` spider threads, each running `crawl(i)` while it holds one of
/// `permits`; returns the most that held one at once. (`pub`:
/// tests/coordination.rs runs it with a crawl that waits for the test.)
pub fn spiders(jobs: u32, permits: usize, crawl: impl Fn(u32) + Sync) -> anyhow::Result<usize> {
    let semaphre = Semaphore::new(permits); // semaphre = Semaphore(10)
    let in_flight = Mutex::new((0, 0)); // (holding a permit now, most seen)
    // unwrap on lock(): poisoned only if a spider panicked while counting.
    // The count changes and prints under the lock, so the printed counts read in order.
    let count = |into: bool, what: &str| {
        let mut c = in_flight.lock().unwrap();
        c.0 = if into { c.0 + 1 } else { c.0 - 1 };
        c.1 = c.1.max(c.0);
        event!("{what}, in flight = {}", c.0); // `event!`: println with time and thread (shared/src/timing.rs)
    };
    thread::scope(|s| {
        for i in 1..=jobs {
            let (semaphre, count, crawl) = (&semaphre, &count, &crawl);
            let spider = thread::Builder::new().name(format!("spider-{i}"));
            spider.spawn_scoped(s, move || {
                event!("waiting for a permit");
                let _permit = semaphre.acquire(); // `with semaphre:`, until the closure ends
                count(true, "acquired");
                crawl(i); // # do something
                count(false, "releasing"); // counted out before the permit goes back
            })?;
        }
        anyhow::Ok(()) // the scope joins every spider
    })?;
    Ok(in_flight.into_inner().unwrap().1)
}

fn main() -> anyhow::Result<()> {
    let _run = shared::init()?; // one-line errors and the clock of `event!` (shared/src/lib.rs)
    let args = Args::parse();
    let permits = args.permits as usize;
    let crawl = |_| thread::sleep(args.job_secs); // the crawl: a wait
    // timed(label, f) prints `label, cost = X seconds` (shared/src/timing.rs)
    let max = timed("semaphore", || spiders(args.jobs, permits, crawl))?;
    let (jobs, secs) = (args.jobs, args.job_secs.as_secs_f64());
    let rounds = jobs.div_ceil(args.permits);
    println!("{jobs} jobs x {secs} s through {permits} permits: about {rounds} rounds");
    ensure!(max <= permits, "{max} in flight at once, above {permits} permits");
    println!("check: at most {permits} in flight (max seen {max})");
    Ok(())
}
