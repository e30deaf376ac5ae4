//! A pool of worker processes hashing data: `ProcessPoolExecutor` +
//! `as_completed`, with real OS processes talking over pipes.
//!
//! Mirrors note 004 (多进程怎么用, "how to use processes"), the notes' code
//! word for word:
//!
//! ```text
//! def sha(size):
//!     # 计算型函数
//!     ...
//!
//! SIZE = 3 # sha函数的参数
//! JOBS = 12 # 任务数
//!
//! ...
//! with futures.ProcessPoolExecutor() as executor:
//!     to_do = (executor.submit(sha, SIZE) for i in range(JOBS))
//!     for future in futures.as_completed(to_do):
//!         res = future.result()
//!         print(res)
//! ```
//!
//! (The comments: "a compute-bound function", "sha's argument", "the number
//! of jobs".) The note leaves `sha`'s body out, and its `SIZE = 3` is a
//! placeholder; here `sha(size)` is the SHA-256 of 2**20 seeded pseudo-random
//! bytes (`shared::workload::sha_job`, seeded by the job's number, so every
//! run and the Python twin agree). The pool's size defaults to the CPU count,
//! as the note says (它会默认使用``os.cpu_count()``函数返回的CPU数量, "it uses
//! the number of CPUs os.cpu_count() returns by default").
//!
//! The pool (`examples_processes::pool`, std only) runs this binary again
//! with `--role worker`, read first thing in `main`, where a worker serves
//! jobs and never reaches the parent's code: the `if __name__ == "__main__":`
//! guard's analogue. Jobs and results cross the pipes as JSON lines (Python
//! pickles them). Added here: the PIDs, the throughput, a check of every
//! digest against a single-threaded run, and `--threads`, the same jobs on a
//! rayon pool: in Rust threads already use every core, so processes buy
//! isolation (see `fault_isolation`), not speed.
//!
//! ```text
//! cargo run --release -p examples-processes --bin process_pool_hash
//! cargo run --release -p examples-processes --bin process_pool_hash -- --workers 2 --size 67108864
//! cargo run --release -p examples-processes --bin process_pool_hash -- --threads
//! cargo run --release -p examples-processes --bin process_pool_hash -- --no-check --json
//! ```
//!
//! You should see the workers' PIDs, then `job  3: <64 hex digits> (pid 4242)`
//! for each of the 12 jobs in the order they complete (it varies between
//! runs), then `multi process, cost = X seconds` (`multi thread` with
//! `--threads`; the pool's start included, as the `with` block's),
//! `N workers, elapsed time: X.XXs`, the throughput in MB/s, and
//! `check: all 12 digests match a single-threaded sha_job`.
//!
//! For the comparison harness (added here): `--no-check` skips that check,
//! which hashes every job once more on one thread and so doubles the CPU work
//! a whole-process measurement sees (it prints `check skipped (--no-check)`;
//! the harness compares the answer with the other contenders' instead);
//! `--json` ends the output with one JSON line (`shared::report`: workload
//! `sha`, params `jobs`, `size`, `workers`, `threads`, the cost line, and the
//! answer `12 digests, sha256 of all: <hex>`, the digests taken in job order).

use std::sync::mpsc;
use std::time::Duration;

use anyhow::{Context, Result, ensure};
use clap::{Parser, ValueEnum};
use examples_processes::pool::{self, Pool};
use serde::{Deserialize, Serialize};
use shared::event;
use shared::report::{Report, SHA, sha_answer};
use shared::timing::Stopwatch;
use shared::workload::{SHA_JOBS, SHA_SIZE, sha_job};

/// SHA-256 jobs on a pool of worker processes (or threads).
#[derive(Parser)]
#[command(allow_negative_numbers = true)] // `-1` is a value to refuse, not a flag
struct Args {
    /// Worker processes (or threads); default: the CPU count.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=256))]
    workers: Option<u32>,
    /// How many jobs (the note's JOBS).
    #[arg(long, default_value_t = SHA_JOBS as u32, value_parser = clap::value_parser!(u32).range(1..=1000))]
    jobs: u32,
    /// Bytes hashed by each job (the note's SIZE; at most 2**28).
    #[arg(long, default_value_t = SHA_SIZE as u64, value_parser = clap::value_parser!(u64).range(0..=1 << 28))]
    size: u64,
    /// Run the jobs on a rayon thread pool instead of processes.
    #[arg(long)]
    threads: bool,
    /// Skip the final single-threaded re-hash of every job.
    #[arg(long)]
    no_check: bool,
    /// End with one JSON line: the report the comparison harness reads.
    #[arg(long)]
    json: bool,
    /// Which part this process plays; set only by the pool for its workers.
    #[arg(long, hide = true)]
    role: Option<Role>,
}

#[derive(Clone, Copy, PartialEq, ValueEnum)]
enum Role {
    Worker,
}

/// One job, as it crosses the pipe: `sha(size)` with this seed.
#[derive(Serialize, Deserialize)]
struct HashJob {
    size: usize,
    seed: u64,
}

fn main() -> Result<()> {
    shared::quiet_backtraces();
    shared::timing::epoch();
    let args = Args::parse();
    // The `if __name__ == "__main__":` guard: a worker serves jobs until its
    // stdin closes, replying (digest, its pid), and returns here.
    if args.role == Some(Role::Worker) {
        return pool::serve(|job: HashJob, _attempt| {
            (sha_job(job.size, job.seed), std::process::id())
        });
    }
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    let workers = args.workers.map_or(cpus, |n| n as usize);
    let (jobs, size) = (args.jobs as u64, args.size as usize);

    let sw = Stopwatch::start();
    let mut digests = vec![String::new(); jobs as usize];
    if args.threads {
        // The same jobs on threads: a rayon pool, results through a channel
        // in the order they complete.
        let threads = rayon::ThreadPoolBuilder::new()
            .num_threads(workers)
            .thread_name(|i| format!("rayon-{i}"))
            .build()
            .context("cannot build the thread pool")?;
        let (tx, rx) = mpsc::channel();
        for seed in 0..jobs {
            let tx = tx.clone();
            threads.spawn(move || {
                let who = shared::timing::thread_name();
                let _ = tx.send((seed, sha_job(size, seed), who)); // main is listening
            });
        }
        drop(tx); // the loop below ends when every job's sender is gone
        for (seed, digest, who) in rx {
            event!("job {seed:>2}: {digest} (thread {who})");
            digests[seed as usize] = digest;
        }
    } else {
        // with futures.ProcessPoolExecutor() as executor:
        let mut executor = Pool::<HashJob, (String, u32)>::start(workers, 1)?;
        event!(
            "started {workers} worker processes, pids {:?}",
            executor.pids()
        );
        // to_do = (executor.submit(sha, SIZE) for i in range(JOBS))
        for seed in 0..jobs {
            executor.submit(&HashJob { size, seed })?;
        }
        // for future in futures.as_completed(to_do): print(future.result())
        for done in executor.as_completed() {
            let (job, (digest, pid)) = done?;
            event!("job {job:>2}: {digest} (pid {pid})");
            digests[job] = digest;
        }
        // The with block's end: shutdown(wait=True), each worker exits by itself.
        executor.shutdown(Duration::from_secs(10))?;
    }
    let label = if args.threads {
        "multi thread"
    } else {
        "multi process"
    };
    let elapsed = sw.report(label);
    let secs = elapsed.as_secs_f64();
    println!("{workers} workers, elapsed time: {secs:.2}s");
    let mb = (jobs as f64 * size as f64) / 1e6;
    println!(
        "throughput: {:.1} MB/s ({jobs} jobs x {size} bytes)",
        mb / secs
    );

    // Self-check: the same jobs, one after another, on this thread.
    if args.no_check {
        println!("check skipped (--no-check)");
    } else {
        for (seed, digest) in digests.iter().enumerate() {
            ensure!(
                *digest == sha_job(size, seed as u64),
                "job {seed}: wrong digest {digest}"
            );
        }
        println!("check: all {jobs} digests match a single-threaded sha_job");
    }
    let mut report = Report::new("process_pool_hash", SHA)
        .param("jobs", jobs)
        .param("size", size)
        .param("workers", workers)
        .param("threads", args.threads);
    report.cost(label, elapsed);
    report.answer(sha_answer(&digests));
    report.print_if(args.json);
    Ok(())
}
