//! A counting semaphore caps how many threads do a job at once.
//!
//! Mirrors the threading notes' spiders under `threading.Semaphore(3)`: 20
//! spider threads start together, but each crawls inside `with semaphore:`,
//! so at most 3 crawl at any moment and the 20 jobs of 2 s go through in
//! about 7 rounds (20 / 3, rounded up), ~14 s instead of 2 s or 40 s.
//!
//! std has no semaphore. `examples_sync::Semaphore` is built by hand (a
//! `Mutex<usize>` of free permits and a `Condvar`, see examples-sync):
//! `acquire()` blocks while no permit is free and returns a permit guard, and
//! dropping the guard gives the permit back, as leaving the `with` block does.
//! A `Mutex<InFlight>` counts the spiders holding a permit; each one updates
//! and prints the count under that lock, so the printed counts read in order
//! and can be checked.
//!
//! Run: `cargo run -p examples-threads --bin semaphore -- --jobs 20 --permits 3 --job-secs 2`
//!
//! You should see 20 `waiting for a permit` lines at once, then
//! `acquired, in flight = N` and `releasing, in flight = N` lines in batches
//! of 3 every 2 s, N never above 3. Which spiders get the permits first (and
//! next) changes between runs: the semaphore does not queue its waiters in
//! order, as Python's does not promise to. Then the cost line and
//! `check: at most 3 in flight (max seen 3)`.

use std::sync::Mutex;
use std::thread;

use anyhow::{Context, ensure};
use clap::Parser;
use examples_sync::Semaphore;
use shared::event;
use shared::timing::Stopwatch;
use shared::workload::{io_wait, seconds};

#[derive(Parser)]
#[command(about = "threading.Semaphore(3): at most 3 spiders crawl at once")]
struct Args {
    /// Number of spider jobs (one thread each).
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..=1000))]
    jobs: u32,
    /// Permits in the semaphore: how many jobs may run at once.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=1000))]
    permits: u32,
    /// Seconds each job takes (a blocking wait, like a fetch).
    #[arg(long, default_value_t = 2.0)]
    job_secs: f64,
}

/// Spiders holding a permit now, and the most seen at once.
#[derive(Default)]
struct InFlight {
    now: usize,
    max: usize,
}

/// Counts a spider in (`+1`, after acquire) or out (`-1`, before release) and
/// prints the new count while still holding the lock.
fn count(in_flight: &Mutex<InFlight>, into: bool) {
    // unwrap on lock(): poisoned only if a spider panicked while counting.
    let mut c = in_flight.lock().unwrap();
    if into {
        c.now += 1;
        c.max = c.max.max(c.now);
        event!("acquired, in flight = {}", c.now);
    } else {
        c.now -= 1;
        event!("releasing, in flight = {}", c.now);
    }
}

fn main() -> anyhow::Result<()> {
    shared::timing::epoch();
    let args = Args::parse();
    let job = seconds(args.job_secs).context("bad --job-secs")?;
    let permits = args.permits as usize;
    let sem = Semaphore::new(permits);
    let in_flight = Mutex::new(InFlight::default());

    let sw = Stopwatch::start();
    // A scope lets every spider borrow the semaphore and the counters (no Arc);
    // it joins them all before it returns.
    thread::scope(|s| -> anyhow::Result<()> {
        for i in 1..=args.jobs {
            let spider = || {
                event!("waiting for a permit");
                let permit = sem.acquire();
                // Counted in after acquire and out before release: the count
                // is exactly the number of spiders holding a permit.
                count(&in_flight, true);
                io_wait(job); // the crawl
                count(&in_flight, false);
                drop(permit); // gives the permit back and wakes one waiter
            };
            thread::Builder::new()
                .name(format!("spider-{i}"))
                .spawn_scoped(s, spider)
                .context("cannot spawn a spider thread")?;
        }
        Ok(())
    })?;
    sw.report("semaphore");

    let rounds = args.jobs.div_ceil(args.permits);
    println!(
        "{} jobs x {} s through {permits} permits: about {rounds} rounds",
        args.jobs, args.job_secs
    );
    let max = in_flight.into_inner().unwrap().max;
    ensure!(
        max <= permits,
        "{max} jobs were in flight at once, above {permits} permits"
    );
    println!("check: at most {permits} in flight (max seen {max})");
    Ok(())
}
