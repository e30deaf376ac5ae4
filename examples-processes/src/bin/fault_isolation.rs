//! Why processes still matter in Rust: a worker process can die without
//! taking the program with it. One worker is killed in the middle of a job;
//! the pool notices, starts a new worker, retries the job, and every result
//! arrives. A job that kills its worker every time is given up on after a
//! bounded number of attempts, and the others still finish.
//!
//! No note has this example (Rust only): threads share one address space, so
//! a thread that crashes (a segfault in native code, an abort, the OOM killer)
//! takes the whole process with it, while a process is a wall around its
//! memory. Python's `ProcessPoolExecutor` shows the other side: when a worker
//! dies it raises `BrokenProcessPool` for every pending future and is unusable
//! afterwards; `multiprocessing.Pool` quietly replaces the worker but the job
//! it was running never completes. Here the pool (`examples_processes::pool`,
//! std only) does what a supervisor does:
//!
//! 1. it sees the death at the end of the worker's pipe (end-of-file on its
//!    stdout), reaps it (`Child::wait`: `signal: 9 (SIGKILL)`),
//! 2. starts a new worker in its slot (this binary again, `--role worker`,
//!    chosen first thing in `main` as Python's `if __name__ == "__main__":`),
//! 3. and retries the job, at most `--attempts` times in all.
//!
//! The kill is `Child::kill` (SIGKILL on Unix, `TerminateProcess` on
//! Windows), sent when the victim's worker reports `started job k`. So that it
//! always lands mid-job, whatever the machine's load, that first attempt waits
//! (on its stdin) before hashing, instead of racing the kill; the retry runs
//! normally. `--poison K` makes job K end its worker every time
//! (`std::process::exit(3)`, as a crash in native code would, without a reply).
//!
//! ```text
//! cargo run -p examples-processes --bin fault_isolation
//! cargo run -p examples-processes --bin fault_isolation -- --poison 7 --attempts 3
//! ```
//!
//! You should see the jobs start on 2 workers; `killed worker-W (pid P) in the
//! middle of job 5`; `worker-W (pid P) died (signal: 9 (SIGKILL)) during job 5`;
//! a restart with a new PID; job 5 started again (`attempt 2`) and finished;
//! and `check: 12 of 12 results arrived, all correct`. With `--poison 7`, job
//! 7 dies 3 times (`exit status: 3`), is reported failed, and the check says
//! `11 of 12 results arrived, all correct; job 7 failed after 3 attempts`.
//! The order of jobs and which worker runs which vary between runs.

use std::collections::BTreeMap;

use anyhow::{Result, ensure};
use clap::{Parser, ValueEnum};
use examples_processes::pool::{self, Event, Pool};
use serde::{Deserialize, Serialize};
use shared::event;
use shared::workload::{SHA_JOBS, SHA_SIZE, sha_job};

/// A pool that survives a worker being killed mid-job.
#[derive(Parser)]
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
    ensure!(
        args.kill < jobs,
        "--kill {} is not one of the jobs 0..{jobs}",
        args.kill
    );
    ensure!(
        args.poison != Some(args.kill),
        "--poison and --kill must be different jobs"
    );

    let mut pool = Pool::<Job, String>::start(args.workers as usize, args.attempts)?;
    event!("started {} workers, pids {:?}", args.workers, pool.pids());
    for seed in 0..jobs {
        let (poison, victim) = (args.poison == Some(seed), seed == args.kill);
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
        match event {
            Event::Started {
                job,
                attempt,
                worker,
                pid,
            } => {
                event!("worker-{worker} (pid {pid}) started job {job}, attempt {attempt}");
                if job as u64 == args.kill && attempt == 1 {
                    pool.kill(worker)?;
                    event!("killed worker-{worker} (pid {pid}) in the middle of job {job}");
                }
            }
            Event::Done {
                job,
                worker,
                pid,
                result,
            } => {
                event!("job {job:>2}: {result} (worker-{worker}, pid {pid})");
                digests.insert(job as u64, result);
            }
            Event::Died {
                worker,
                pid,
                status,
                job,
            } => {
                let during = job.map_or("while idle".into(), |j| format!("during job {j}"));
                event!("worker-{worker} (pid {pid}) died ({status}) {during}");
            }
            Event::Restarted { worker, pid } => event!("restarted worker-{worker} as pid {pid}"),
            Event::Failed { job, attempts } => {
                event!("job {job} failed: it ended its worker {attempts} times, no more retries");
                failed.push(job as u64);
            }
        }
    }
    drop(pool); // kills and reaps the workers (also done on any `?` above)

    // Self-check: every job but the poisoned one, with the right digest.
    for (&seed, digest) in &digests {
        ensure!(
            *digest == sha_job(size, seed),
            "job {seed}: wrong digest {digest}"
        );
    }
    let expected_failed: Vec<u64> = args.poison.filter(|&p| p < jobs).into_iter().collect();
    ensure!(
        failed == expected_failed,
        "failed jobs {failed:?}, expected {expected_failed:?}"
    );
    ensure!(
        digests.len() as u64 + failed.len() as u64 == jobs,
        "some results never arrived"
    );
    let mut check = format!(
        "check: {} of {jobs} results arrived, all correct",
        digests.len()
    );
    if let Some(p) = failed.first() {
        check += &format!("; job {p} failed after {} attempts", args.attempts);
    }
    println!("{check}");
    Ok(())
}
