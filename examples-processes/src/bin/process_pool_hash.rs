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

use std::process::id as pid;

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
    // The `if __name__ == "__main__":` guard: a worker hashes each job it is
    // sent and replies with the digest and its own PID, until its stdin closes.
    if args.pool.is_worker() {
        return pool::serve(|(size, seed): (usize, u64), _attempt| (sha_job(size, seed), pid()));
    }
    let (workers, ShaArgs { jobs, size }) = (args.pool.workers(), args.sha);

    let sw = Stopwatch::start(); // its report(label) prints `label, cost = X seconds` (shared/src/timing.rs)
    let mut digests = vec![String::new(); jobs as usize];
    if args.threads {
        // Rust's answer: threads run Rust code on every core at once (no GIL).
        digests = rayon_pool(workers)?.install(|| {
            let hash = |seed| {
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
        // to_do = (executor.submit(sha, SIZE) for i in range(JOBS))
        executor.submit_all((0..jobs).map(|seed| (size, seed)))?;
        // for future in futures.as_completed(to_do): print(future.result())
        for done in executor.as_completed() {
            let (job, (digest, pid)) = done?; // pid: the worker's own, sent with its digest
            event!("job {job:>2}: {digest} (pid {pid})");
            digests[job] = digest;
        }
        // The with block's end: shutdown(wait=True), each worker exits by itself.
        executor.shutdown()?;
    }
    let label = if args.threads { "multi thread" } else { "multi process" };
    let secs = sw.report(label).as_secs_f64(); // `label, cost = X seconds`
    println!("{workers} workers, elapsed time: {secs:.2}s"); // the catalogue's line
    println!("answer: {}", sha_answer(&digests)); // the line compare checks
    Ok(())
}
