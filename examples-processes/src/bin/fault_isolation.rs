//! Why processes still matter in Rust: a worker process can die without
//! taking the program with it. One worker is killed in the middle of a job;
//! the pool notices, starts a new worker, retries the job, and every result
//! arrives. A job that kills its worker every time is given up on after a
//! bounded number of attempts, and the others still finish.
//!
//! No note has this (Rust only). A thread that crashes (a segfault in native
//! code, an abort, the OOM killer) takes the process with it; a process is a
//! wall around its memory. Python's `ProcessPoolExecutor` raises
//! `BrokenProcessPool` for every pending future when a worker dies;
//! `multiprocessing.Pool` replaces the worker, but its job never completes.
//! The pool here (`examples_processes::pool`) does what a supervisor does: it
//! sees the death at the end of the worker's pipe, reaps it, starts a new
//! worker in its slot and retries the job, at most `--attempts` times.
//!
//! ```text
//! cargo run -p examples-processes --bin fault_isolation
//! cargo run -p examples-processes --bin fault_isolation -- --poison 7 --attempts 3
//! ```
//!
//! You should see `killed worker-W (pid P) in the middle of job 5`, `worker-W
//! (pid P) died (signal: 9 (SIGKILL)) during job 5`, a restart with a new PID,
//! job 5 again (`attempt 2`) and its digest, then `check: 12 of 12 results
//! arrived, all correct`. With `--poison 7`, job 7 dies 3 times (`exit
//! status: 3`) and fails; the check ends `job 7 failed after 3 attempts`.
//! Which worker runs which job, and the order of the results, vary.

use std::collections::BTreeMap;

use anyhow::{Result, ensure};
use clap::Parser;
use examples_processes::pool::{self, Event, Pool};
use serde::{Deserialize, Serialize};
use shared::event; // `event!` = println with the elapsed time and the thread's name (shared/src/timing.rs)
use shared::workload::{SHA_JOBS, SHA_SIZE, sha_job};

/// A pool that survives a worker being killed mid-job.
#[derive(Parser)]
#[command(allow_negative_numbers = true)] // `-1` is a value to refuse, not a flag
struct Args {
    /// Worker processes.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..=64))]
    workers: u32,
    /// How many jobs.
    #[arg(long, default_value_t = SHA_JOBS as u64, value_parser = clap::value_parser!(u64).range(1..=1000))]
    jobs: u64,
    /// Bytes hashed by each job.
    #[arg(long, default_value_t = SHA_SIZE as u64, value_parser = clap::value_parser!(u64).range(0..=1 << 28))]
    size: u64,
    /// The job whose worker is killed in the middle of it.
    #[arg(long, default_value_t = 5)]
    kill: u64,
    /// A job that ends its worker on every attempt (none by default).
    #[arg(long)]
    poison: Option<u64>,
    /// Attempts per job, the first included.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=10))]
    attempts: u32,
    /// Set only by the pool for its workers.
    #[arg(long, hide = true)]
    role: Option<String>,
}

/// A job as it crosses the pipe: hash `size` bytes of seed `seed`.
#[derive(Serialize, Deserialize)]
struct Job {
    size: usize,
    seed: u64,
    poison: bool, // end the worker, every attempt
    victim: bool, // wait, mid-job, for the parent's kill (first attempt only)
}

fn work(job: Job, attempt: u32) -> String {
    if job.poison {
        std::process::exit(3); // dies mid-job, as a crash in native code would: no reply
    }
    if job.victim && attempt == 1 {
        // The kill comes on our "started" line, so it lands mid-job whatever
        // the load. Should the parent go away instead, stdin ends and we go on.
        let _ = std::io::stdin().read_line(&mut String::new());
    }
    sha_job(job.size, job.seed)
}

fn main() -> Result<()> {
    let _run = shared::init()?; // quiet errors, one clock for parent and workers (shared/src/lib.rs)
    let args = Args::parse();
    if args.role.is_some() {
        return pool::serve(work); // a worker: serve jobs until stdin closes
    }
    let (jobs, size, kill) = (args.jobs, args.size as usize, args.kill);
    ensure!(kill < jobs, "--kill {kill}: not a job in 0..{jobs}");
    let poison_ok = args.poison.is_none_or(|p| p < jobs && p != kill);
    ensure!(poison_ok, "--poison: not a job in 0..{jobs} but --kill");

    // The pool: this binary again as `--role worker`, jobs and replies as JSON lines (src/pool.rs).
    let mut pool = Pool::<Job, String>::start(args.workers as usize, args.attempts)?;
    event!("started {} workers, pids {:?}", args.workers, pool.pids());
    for seed in 0..jobs {
        let (poison, victim) = (args.poison == Some(seed), seed == kill);
        pool.submit(&Job { size, seed, poison, victim })?;
    }
    let (mut digests, mut failed) = (BTreeMap::new(), Vec::new());
    while let Some(event) = pool.next_event()? {
        event!("{event}"); // one line per start, result, death, restart, failure
        match event {
            Event::Started { job, attempt: 1, worker, pid } if job as u64 == kill => {
                pool.kill(worker)?; // Child::kill: SIGKILL on Unix, TerminateProcess on Windows
                event!("killed worker-{worker} (pid {pid}) in the middle of job {job}");
            }
            Event::Done { job, result, .. } => {
                digests.insert(job as u64, result);
            }
            Event::Failed { job, .. } => failed.push(job as u64),
            _ => {} // Died, Restarted: the pool has replaced the worker and requeued its job
        }
    }
    drop(pool); // kills and reaps the workers (also done on any `?` above)

    // Self-check: every job but the poisoned one arrived, with the right digest.
    let expected: BTreeMap<u64, String> = (0..jobs)
        .filter(|&seed| Some(seed) != args.poison)
        .map(|seed| (seed, sha_job(size, seed)))
        .collect();
    ensure!(digests == expected, "results are missing or wrong");
    ensure!(failed == Vec::from_iter(args.poison), "failed: {failed:?}");
    let mut check = format!("check: {} of {jobs} results arrived, all correct", digests.len());
    if let Some(p) = failed.first() {
        check += &format!("; job {p} failed after {} attempts", args.attempts);
    }
    println!("{check}");
    Ok(())
}
