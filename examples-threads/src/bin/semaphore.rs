//! A counting semaphore caps how many threads do a job at once.
//!
//! The note (notes/001_02a52d28409d88e4.txt, 信号量限制并发, "a semaphore
//! limits concurrency"), word for word: `from threading import Semaphore` /
//! `semaphre = Semaphore(10)` / `with semaphre:` / `# do something` (the
//! spelling `semaphre` is the note's). Added here: 20 spider threads of 2 s
//! under `Semaphore(3)`, so at most 3 crawl at any moment and the jobs go
//! through in about 7 rounds (20 / 3, rounded up).
//!
//! std has no semaphore. `examples_sync::Semaphore` is built by hand (a
//! `Mutex<usize>` of free permits and a `Condvar`, see examples-sync):
//! `acquire()` blocks while no permit is free and returns a guard; dropping
//! the guard gives the permit back, as leaving the `with` block does. Each
//! spider counts itself in and out of a `Mutex<InFlight>` and prints the count
//! under that lock, so the printed counts read in order.
//!
//! `--stepped` takes the timing out (the tests use it): a spider keeps its
//! permit until main lets it go, and main lets the longest holder go only
//! once every permit is taken (or no spider is left to take one), so the
//! count must reach the permits, whatever the scheduler does.
//!
//! `--spans FILE` (added here, for `compare timeline`) writes one JSON line
//! per spider's job (`shared::spans`), on the spider's row (`spider-N`),
//! opened after its permit is acquired and closed before it is released: so
//! at no instant are more than `--permits` spans open, on any machine.
//!
//! Run: `cargo run -p examples-threads --bin semaphore -- --jobs 20 --permits 3 --job-secs 2`
//! (add `--spans /tmp/spans.jsonl` to draw it)
//!
//! You should see 20 `waiting for a permit` lines (the first 3 spiders
//! acquire among them), then `acquired, in flight = N` and `releasing, in
//! flight = N` lines in batches of 3 every 2 s, N never above 3. Which
//! spiders get the permits first changes between runs (the semaphore does
//! not queue its waiters in order; Python's does not promise to). Then the
//! cost line, `20 jobs x 2 s through 3 permits: about 7 rounds` and
//! `check: at most 3 in flight (max seen 3)`. With `--spans`, the file
//! holds one `job` span on each of `spider-1`..`spider-20`, never more than
//! 3 of them open at once.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread;
use std::time::Duration;

use anyhow::{Context, Result, ensure};
use clap::Parser;
use examples_sync::Semaphore;
use shared::event;
use shared::spans::{SpanFile, span};
use shared::timing::Stopwatch;
use shared::workload::{io_wait, secs_arg};

#[derive(Parser)]
#[command(allow_negative_numbers = true)] // `-1` is a value to refuse, not a flag
#[command(about = "threading.Semaphore(3): at most 3 spiders crawl at once")]
struct Args {
    /// Number of spider jobs (one thread each).
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..=1000))]
    jobs: u32,
    /// Permits in the semaphore: how many jobs may run at once.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=1000))]
    permits: u32,
    /// Seconds each job takes, a blocking wait like a fetch (0 to 3600).
    #[arg(long, default_value = "2", value_parser = secs_arg)]
    job_secs: Duration,
    /// Each spider holds its permit until main lets it go (no timing).
    #[arg(long)]
    stepped: bool,
    /// Write each spider's job, permit held, to FILE as JSON lines (`shared::spans`).
    #[arg(long, value_name = "FILE")]
    spans: Option<PathBuf>,
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

/// `--stepped`: lets the spiders go one at a time, longest holder first,
/// each time only once `permits` of them (or all that are left) hold one.
/// A spider that holds a permit sends its number and a `go` channel.
fn release_in_order(held: Receiver<(u32, Sender<()>)>, jobs: u32, permits: u32) -> Result<()> {
    let mut holding = VecDeque::new();
    for left in (1..=jobs).rev() {
        let want = permits.min(left) as usize;
        while holding.len() < want {
            // A semaphore that admits too few would leave us waiting here.
            let have = holding.len();
            let next = held.recv_timeout(Duration::from_secs(10));
            holding.push_back(next.context(format!("{have} spiders got a permit, not {want}"))?);
        }
        let (i, go) = holding.pop_front().expect("want >= 1");
        event!("{want} hold a permit: letting spider-{i} go");
        go.send(()).ok(); // Err: that spider is gone, nothing to let go
    }
    Ok(())
}

fn main() -> Result<()> {
    shared::quiet_backtraces();
    shared::timing::epoch();
    let args = Args::parse();
    let spans = SpanFile::create(args.spans.as_deref())?; // a bad path fails now
    let permits = args.permits as usize;
    let sem = Semaphore::new(permits);
    let in_flight = Mutex::new(InFlight::default());
    let (held_tx, held_rx) = mpsc::channel();

    let sw = Stopwatch::start();
    // A scope lets every spider borrow the semaphore and the counters (no Arc);
    // it joins them all before it returns.
    thread::scope(|s| -> Result<()> {
        for i in 1..=args.jobs {
            let held = args.stepped.then(|| held_tx.clone());
            let (sem, in_flight) = (&sem, &in_flight);
            let spider = move || {
                event!("waiting for a permit");
                let permit = sem.acquire();
                let job = span("job"); // opened with the permit held
                // Counted in after acquire and out before release: the count
                // is exactly the number of spiders holding a permit.
                count(in_flight, true);
                match held {
                    Some(held) => {
                        let (go, wait) = mpsc::channel();
                        held.send((i, go)).ok(); // Err: main gave up; so do we
                        wait.recv().ok(); // until main says go (or gives up)
                    }
                    None => io_wait(args.job_secs), // the crawl
                }
                count(in_flight, false);
                drop(job); // closed before the permit goes back
                drop(permit); // gives the permit back and wakes one waiter
            };
            thread::Builder::new()
                .name(format!("spider-{i}"))
                .spawn_scoped(s, spider)
                .context("cannot spawn a spider thread")?;
        }
        if args.stepped {
            release_in_order(held_rx, args.jobs, args.permits)?;
        }
        Ok(())
    })?;
    sw.report("semaphore");
    spans.finish()?;

    let rounds = args.jobs.div_ceil(args.permits);
    let job = args.job_secs.as_secs_f64();
    println!(
        "{} jobs x {job} s through {permits} permits: about {rounds} rounds",
        args.jobs
    );
    let max = in_flight.into_inner().unwrap().max;
    ensure!(
        max <= permits,
        "{max} jobs were in flight at once, above {permits} permits"
    );
    println!("check: at most {permits} in flight (max seen {max})");
    Ok(())
}
