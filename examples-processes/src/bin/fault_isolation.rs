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
//! Which worker runs which job, and the order of the results, vary. Ctrl-C:
//! the workers ignore it; the parent kills and reaps them and exits 130.

use std::collections::BTreeMap;

use anyhow::{Result, ensure};
use clap::Parser;
use examples_processes::ShaArgs;
use examples_processes::pool::{self, Event, Pool, PoolArgs};
use serde::{Deserialize, Serialize};
use shared::event; // `event!` = println with the elapsed time and the thread's name (shared/src/timing.rs)
use shared::workload::sha_job;

/// A pool that survives a worker being killed mid-job.
#[derive(Parser)]
#[command(allow_negative_numbers = true)] // `-1` is a value to refuse, not a flag
struct Args {
    #[command(flatten)]
    sha: ShaArgs, // --jobs, --size (src/lib.rs)
    /// The job whose worker is killed in the middle of it.
    #[arg(long, default_value_t = 5)]
    kill: u64,
    /// A job that ends its worker on every attempt (none by default).
    #[arg(long)]
    poison: Option<u64>,
    /// Attempts per job, the first included.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=10))]
    attempts: u32,
    #[command(flatten)]
    pool: PoolArgs, // --workers N (default: the CPU count), the hidden --role (src/pool.rs)
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
    if args.pool.is_worker() {
        return pool::serve(work); // a worker: serve jobs until stdin closes
    }
    let (ShaArgs { jobs, size }, kill, poison) = (args.sha, args.kill, args.poison);
    ensure!(kill < jobs, "--kill {kill}: not a job in 0..{jobs}");
    ensure!(poison.is_none_or(|p| p < jobs && p != kill), "--poison: not --kill, nor in 0..{jobs}");

    // The pool: this binary again as `--role worker`, jobs and replies as JSON lines (src/pool.rs).
    let mut pool = Pool::<Job, String>::start(args.pool.workers(), args.attempts)?;
    event!("started {} workers, pids {:?}", args.pool.workers(), pool.pids());
    let stopper = pool.stopper(); // Ctrl-C: the workers ignore it; the pool stops waiting (src/pool.rs)
    ctrlc::set_handler(move || stopper.stop())?;
    for seed in 0..jobs {
        pool.submit(&Job { size, seed, poison: poison == Some(seed), victim: seed == kill })?;
    }
    let mut digests = BTreeMap::new();
    loop {
        let event = match pool.next_event() {
            Ok(Some(event)) => event,
            Ok(None) => break,
            Err(e) if pool::interrupted(&e) => {
                drop(pool); // Ctrl-C: every worker killed and reaped, then exit 130
                std::process::exit(130);
            }
            Err(e) => return Err(e),
        };
        event!("{event}"); // one line per start, result, death, restart, failure
        match event {
            Event::Started { job, attempt: 1, worker, pid } if job as u64 == kill => {
                pool.kill(worker)?; // Child::kill: SIGKILL on Unix, TerminateProcess on Windows
                event!("killed worker-{worker} (pid {pid}) in the middle of job {job}");
            }
            Event::Done { job, result, .. } => {
                digests.insert(job as u64, result);
            }
            Event::Failed { job, .. } => ensure!(poison == Some(job as u64), "job {job} failed"),
            _ => {} // Died, Restarted: the pool has replaced the worker and requeued its job
        }
    }
    drop(pool); // kills and reaps the workers (also done on any `?` above)

    // Self-check: every job but the poisoned one arrived, with the right digest.
    let expected: BTreeMap<u64, String> = (0..jobs)
        .filter(|&seed| Some(seed) != poison)
        .map(|seed| (seed, sha_job(size, seed)))
        .collect();
    ensure!(digests == expected, "results are missing or wrong");
    let failed = poison.map(|p| format!("; job {p} failed after {} attempts", args.attempts));
    let failed = failed.unwrap_or_default();
    println!("check: {} of {jobs} results arrived, all correct{failed}", digests.len());
    Ok(())
}
