//! Why processes still matter in Rust: a worker process can die without
//! taking the program with it. One worker is killed in the middle of a job;
//! the pool notices, starts a new worker, retries the job, and every result
//! arrives. A job that kills its worker every time is given up on after a
//! bounded number of attempts, and the others still finish.
//!
//! No note has this (Rust only). Threads share one address space: a thread
//! that crashes (a segfault in native code, an abort, the OOM killer) takes
//! the process with it; a process is a wall around its memory. Python's
//! `ProcessPoolExecutor` raises `BrokenProcessPool` for every pending future
//! when a worker dies; `multiprocessing.Pool` replaces the worker, but its
//! job never completes. The pool here (`examples_processes::pool`, std only,
//! workers are this binary with `--role worker`, chosen first thing in `main`
//! as Python's `if __name__ == "__main__":` guard) does what a supervisor
//! does: it sees the death at the end of the worker's pipe, reaps it
//! (`Child::wait`), starts a new worker in its slot, and retries the job, at
//! most `--attempts` times in all. All of that shows up below as `Event`s.
//!
//! The kill is `Child::kill` (SIGKILL on Unix, `TerminateProcess` on
//! Windows), sent when the victim reports `started job k`; so that it lands
//! mid-job whatever the load, that first attempt waits on its stdin instead
//! of racing the kill. `--poison K` makes job K end its worker every time
//! (`std::process::exit(3)`, no reply, as a crash in native code would).
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
use clap::{Parser, ValueEnum};
use examples_processes::pool::{self, Event, Pool};
use serde::{Deserialize, Serialize};
use shared::event;
use shared::workload::{SHA_JOBS, SHA_SIZE, sha_job};

/// A pool that survives a worker being killed mid-job.
#[derive(Parser)]
#[command(allow_negative_numbers = true)] // `-1` is a value to refuse, not a flag
struct Args {
    /// Worker processes.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..=64))]
    workers: u32,
    /// How many jobs.
    #[arg(long, default_value_t = SHA_JOBS as u32, value_parser = clap::value_parser!(u32).range(1..=1000))]
    jobs: u32,
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
    /// Which part this process plays; set only by the pool for its workers.
    #[arg(long, hide = true)]
    role: Option<Role>,
}

#[derive(Clone, Copy, PartialEq, ValueEnum)]
enum Role {
    Worker,
}

/// A job as it crosses the pipe: hash `size` bytes of seed `seed`.
#[derive(Serialize, Deserialize)]
struct Job {
    size: usize,
    seed: u64,
    /// End the worker (every attempt).
    poison: bool,
    /// Wait, mid-job, for the parent's kill (first attempt only).
    victim: bool,
}

fn work(job: Job, attempt: u32) -> String {
    if job.poison {
        std::process::exit(3); // dies mid-job: no reply, just the end of the pipe
    }
    if job.victim && attempt == 1 {
        // Mid-job: the parent kills us on our "started" line. Should it go
        // away instead, stdin ends, the read returns, and we finish normally.
        let _ = std::io::stdin().read_line(&mut String::new());
    }
    sha_job(job.size, job.seed)
}

fn main() -> Result<()> {
    shared::quiet_backtraces();
    let args = Args::parse();
    if args.role == Some(Role::Worker) {
        return pool::serve(work); // a worker: serve jobs until stdin closes
    }
    shared::timing::epoch();
    let (jobs, size) = (args.jobs as u64, args.size as usize);
    let kill = args.kill;
    ensure!(
        kill < jobs,
        "--kill {kill} is not one of the jobs 0..{jobs}"
    );
    if let Some(p) = args.poison {
        let msg = format!("--poison {p} must be a job in 0..{jobs} other than --kill {kill}");
        ensure!(p < jobs && p != kill, msg);
    }

    let mut pool = Pool::<Job, String>::start(args.workers as usize, args.attempts)?;
    event!("started {} workers, pids {:?}", args.workers, pool.pids());
    for seed in 0..jobs {
        let (poison, victim) = (args.poison == Some(seed), seed == kill);
        pool.submit(&Job {
            size,
            seed,
            poison,
            victim,
        })?;
    }

    let mut digests = BTreeMap::new();
    let mut failed = Vec::new();
    while let Some(event) = pool.next_event()? {
        event!("{event}"); // `Event`'s Display: one line per start, result, death, ...
        match event {
            // The victim has started its first attempt: kill it mid-job.
            Event::Started {
                job,
                attempt: 1,
                worker,
                pid,
            } if job as u64 == kill => {
                pool.kill(worker)?;
                event!("killed worker-{worker} (pid {pid}) in the middle of job {job}");
            }
            Event::Done { job, result, .. } => {
                digests.insert(job as u64, result);
            }
            Event::Failed { job, .. } => failed.push(job as u64),
            // Died and Restarted: the pool has already started a new worker
            // and put the job back at the head of the queue (or failed it).
            _ => {}
        }
    }
    drop(pool); // kills and reaps the workers (also done on any `?` above)

    // Self-check: every job but the poisoned one, with the right digest.
    for (&seed, digest) in &digests {
        ensure!(*digest == sha_job(size, seed), "job {seed}: wrong digest");
    }
    ensure!(
        failed == Vec::from_iter(args.poison),
        "failed jobs: {failed:?}"
    );
    let arrived = digests.len();
    ensure!(
        arrived + failed.len() == jobs as usize,
        "results are missing"
    );
    let mut check = format!("check: {arrived} of {jobs} results arrived, all correct");
    if let Some(p) = failed.first() {
        check += &format!("; job {p} failed after {} attempts", args.attempts);
    }
    println!("{check}");
    Ok(())
}
