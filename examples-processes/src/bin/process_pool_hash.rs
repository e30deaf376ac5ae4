//! A pool of worker processes hashing data: `ProcessPoolExecutor` +
//! `as_completed`, with real OS processes talking over pipes.
//!
//! Note 004 (多进程怎么用, "how to use processes"), word for word:
//!
//! ```text
//! with futures.ProcessPoolExecutor() as executor:
//!     to_do = (executor.submit(sha, SIZE) for i in range(JOBS))
//!     for future in futures.as_completed(to_do):
//!         res = future.result()
//!         print(res)
//! ```
//!
//! The note leaves `sha`'s body out (and its `SIZE = 3` is a placeholder):
//! here it is the SHA-256 of 2**20 pseudo-random bytes seeded by the job's
//! number (`shared::workload::sha_job`), so every run and the twin agree.
//! Added here: each worker sends its own PID back with its digest, and
//! `--threads` runs the same jobs on a rayon pool: in Rust threads already
//! use every core, so processes buy isolation (`fault_isolation`), not speed.
//!
//! ```text
//! cargo run --release -p examples-processes --bin process_pool_hash
//! cargo run --release -p examples-processes --bin process_pool_hash -- --workers 2 --size 67108864
//! cargo run --release -p examples-processes --bin process_pool_hash -- --threads
//! ```
//!
//! You should see the workers' PIDs, then `job  3: <64 hex digits> (pid 4242)`
//! for each of the 12 jobs in the order they complete (it varies), a PID from
//! that list on each, `multi process, cost = X seconds` (`multi thread` with
//! `--threads`), `N workers, elapsed time: X.XXs` and `answer: 12 digests,
//! sha256 of all: <hex>` (the digests in job order, as compare checks them).
//! Ctrl-C mid-run: `interrupted: N of 12 jobs done`, no worker left, exit 130
//! (a job cannot be cancelled while it runs: its worker is killed, or, with
//! `--threads`, the jobs in hand finish and the rest are skipped).

use std::process::id as pid;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};

use anyhow::Result;
use clap::Parser;
use examples_processes::pool::{self, Pool, PoolArgs};
use examples_processes::{ShaArgs, rayon_pool};
use rayon::prelude::*;
use shared::event; // `event!` = println with the elapsed time and the thread's name (shared/src/timing.rs)
use shared::report::sha_answer;
use shared::timing::{Stopwatch, thread_name};
use shared::workload::sha_job;

/// SHA-256 jobs on a pool of worker processes (or, with --threads, threads).
#[derive(Parser)]
#[command(allow_negative_numbers = true)] // `-1` is a value to refuse, not a flag
struct Args {
    #[command(flatten)]
    sha: ShaArgs, // --jobs (the note's JOBS), --size (its SIZE) (src/lib.rs)
    /// Run the jobs on a rayon thread pool instead of processes.
    #[arg(long)]
    threads: bool,
    #[command(flatten)]
    pool: PoolArgs, // --workers N (default: the CPU count), the hidden --role (src/pool.rs)
}

fn main() -> Result<()> {
    let _run = shared::init()?; // quiet errors, one clock for parent and workers, spans if asked (shared/src/lib.rs)
    let args = Args::parse();
    // ANCHOR: job the job in a worker: sha(size) there, its digest and PID back (the __main__ guard)
    // The `if __name__ == "__main__":` guard: a worker hashes each job it is
    // sent and replies with the digest and its own PID, until its stdin closes.
    if args.pool.is_worker() {
        return pool::serve(|(size, seed): (usize, u64), _attempt| (sha_job(size, seed), pid()));
    }
    // ANCHOR_END: job
    let (workers, ShaArgs { jobs, size }) = (args.pool.workers(), args.sha);

    let sw = Stopwatch::start(); // its report(label) prints `label, cost = X seconds` (shared/src/timing.rs)
    let mut digests = vec![String::new(); jobs as usize];
    if args.threads {
        let stop = Arc::new(AtomicBool::new(false)); // Ctrl-C: start no more jobs
        let stopping = Arc::clone(&stop);
        ctrlc::set_handler(move || stopping.store(true, Relaxed))?;
        // Rust's answer: threads run Rust code on every core at once (no GIL).
        digests = rayon_pool(workers)?.install(|| {
            let hash = |seed| {
                if stop.load(Relaxed) {
                    return String::new(); // not done
                }
                let digest = sha_job(size, seed);
                event!("job {seed:>2}: {digest} (thread {})", thread_name()); // as it completes
                digest
            };
            (0..jobs).into_par_iter().map(hash).collect() // collected in job order
        });
    } else {
        // with futures.ProcessPoolExecutor() as executor:
        // The pool: this binary again as `--role worker`, jobs and replies as JSON lines (src/pool.rs).
        let mut executor = Pool::<(usize, u64), (String, u32)>::start(workers, 1)?;
        event!("started {workers} worker processes, pids {:?}", executor.pids());
        // Ctrl-C: the workers ignore it; the pool stops waiting at once (src/pool.rs).
        let stopper = executor.stopper();
        ctrlc::set_handler(move || stopper.stop())?;
        // ANCHOR: pool submit every job, take the results as they complete (as_completed)
        // to_do = (executor.submit(sha, SIZE) for i in range(JOBS))
        executor.submit_all((0..jobs).map(|seed| (size, seed)))?;
        // for future in futures.as_completed(to_do): print(future.result())
        for done in executor.as_completed() {
            let (job, (digest, pid)) = match done {
                Err(e) if pool::interrupted(&e) => break, // Ctrl-C
                done => done?, // pid: the worker's own, sent with its digest
            };
            event!("job {job:>2}: {digest} (pid {pid})");
            digests[job] = digest;
        }
        // ANCHOR_END: pool
        if digests.iter().all(|d| !d.is_empty()) {
            // The with block's end: shutdown(wait=True), each worker exits by itself.
            executor.shutdown()?;
        } // else (Ctrl-C) dropped here: every worker is killed and reaped
    }
    let done = digests.iter().filter(|d| !d.is_empty()).count();
    if done < digests.len() {
        println!("interrupted: {done} of {jobs} jobs done"); // only a Ctrl-C leaves one undone
        std::process::exit(130); // as a shell reports a Ctrl-C
    }
    // ANCHOR: answer the cost line and the answer
    let label = if args.threads { "multi thread" } else { "multi process" };
    let secs = sw.report(label).as_secs_f64(); // `label, cost = X seconds`
    println!("{workers} workers, elapsed time: {secs:.2}s"); // the catalogue's line
    println!("answer: {}", sha_answer(&digests)); // the line compare checks
    // ANCHOR_END: answer
    Ok(())
}
