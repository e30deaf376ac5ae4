//! A small pool of worker processes: the analogue of `concurrent.futures`'
//! `ProcessPoolExecutor`, plus what it lacks: a worker that dies is noticed,
//! restarted, and its job retried a bounded number of times.
//!
//! How it works, all of it below in plain `std`:
//!
//! - [`Pool::start`] runs this very binary `n` times as `--role worker`
//!   ([`crate::child::self_command`]); the child's `main` sees the role first
//!   thing and calls [`serve`] instead of the parent's code.
//! - [`Pool::submit`] queues a job; each idle worker gets one job at a time,
//!   a JSON line on its stdin (`{"job":3,"attempt":1,"payload":...}`).
//! - The worker answers on its stdout, one JSON line each:
//!   `{"Started":{"job":3,"pid":4242}}`, then `{"Done":{"job":3,"result":...}}`.
//!   A thread per worker reads those lines into one channel, so the parent
//!   sees results in the order they complete ([`Pool::as_completed`]), or
//!   every event, starts and deaths included ([`Pool::next_event`]).
//! - A worker that dies (killed, crashed, exited) closes its stdout: its
//!   reader sees end-of-file, the pool reaps it (`wait`), starts a new worker
//!   in its slot and puts the job back at the head of the queue, unless it has
//!   had `max_attempts` already: then the job is reported [`Event::Failed`].
//! - [`Pool::shutdown`] closes the workers' stdins and waits for them to
//!   exit by themselves (so each can write its spans); dropping the pool
//!   instead kills and reaps every worker, on error paths too.
//! - Ctrl-C: a worker ignores it (a terminal sends it to the whole process
//!   group, workers included): the parent decides. Its handler calls
//!   [`Stopper::stop`] ([`Pool::stopper`]); [`Pool::next_event`] then returns
//!   an error that [`interrupted`] recognises, at once, and the parent drops
//!   the pool (every worker killed and reaped), gives its partial account and
//!   exits 130. Were the workers to die of the SIGINT instead, the pool would
//!   replace them (or give up on their jobs) before the parent's handler ran.
//!
//! - [`PoolArgs`] gives a bin the pool's flags in one flattened field:
//!   `--workers N` (default: the CPU count) and the hidden `--role worker`.
//!
//! A worker must not print anything but replies to its stdout (use stderr).
//! Portable: pipes, `Child::kill` and `Child::wait` work the same on Linux,
//! macOS and Windows.

use std::collections::VecDeque;
use std::io::BufReader;
use std::marker::PhantomData;
use std::process::{ChildStdin, ExitStatus, Stdio};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail, ensure};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::child::{KillOnDrop, recv, self_command, send};

/// How long [`Pool::shutdown`] waits for the workers to exit by themselves.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// The role argument a pool's workers are started with: `--role worker`.
pub const WORKER_ROLE: &str = "worker";

/// The flags of a bin that runs a pool: `--workers N` and the hidden
/// `--role worker` the pool starts its workers with. In the bin's `Args`:
/// `#[command(flatten)] pool: PoolArgs`.
#[derive(Debug, Clone, clap::Args)]
pub struct PoolArgs {
    /// Worker processes (or threads); default: the CPU count, as `ProcessPoolExecutor()`.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=256))]
    pub workers: Option<u32>,
    /// Set only by the pool for its workers.
    #[arg(long, hide = true)]
    pub role: Option<String>,
}

impl PoolArgs {
    /// True in a worker process (`--role worker`): what a bin tests first
    /// thing in `main`, as Python's `if __name__ == "__main__":` guard.
    pub fn is_worker(&self) -> bool {
        self.role.as_deref() == Some(WORKER_ROLE)
    }

    /// `--workers`, or the CPU count ([`crate::cpu_count`]).
    pub fn workers(&self) -> usize {
        self.workers.map_or_else(crate::cpu_count, |n| n as usize)
    }
}

/// Parent to worker: run `payload` (attempt 1, 2, ... of job `job`).
#[derive(Serialize, Deserialize)]
struct Request<J> {
    job: usize,
    attempt: u32,
    payload: J,
}

/// Worker to parent: a job has started in process `pid`, or is done.
#[derive(Serialize, Deserialize)]
enum Reply<R> {
    Started { job: usize, pid: u32 },
    Done { job: usize, result: R },
}

/// The worker's side: reads jobs from stdin until the parent closes it,
/// runs `work(payload, attempt)` on each (attempt counts from 1), and
/// replies on stdout. Returns when stdin reaches end-of-file.
///
/// The jobs run on a thread named `worker`, so whatever `shared` records
/// there (a `sha seed N` or `page N` span, an `event!` mark) sits on this
/// worker's row of the timeline, `worker (pid P)` (`shared` adds the PID in a
/// child process), apart from the parent's `main`.
/// `work` must not write to stdout (the replies go there); stdin is free
/// while a job runs (the parent sends the next job only after `Done`).
///
/// # Errors
/// If a line is not a job or the parent's pipe breaks.
pub fn serve<J: DeserializeOwned, R: Serialize>(
    mut work: impl FnMut(J, u32) -> R + Send,
) -> Result<()> {
    let pid = std::process::id();
    // Ignore Ctrl-C: the parent ends the workers (see the module docs).
    ctrlc::set_handler(|| {}).context("cannot set the worker's Ctrl-C handler")?;
    let jobs = move || -> Result<()> {
        let stdin = std::io::stdin();
        // `Stdin` locks per call: `work` may read stdin too (see fault_isolation).
        while let Some(req) = recv::<Request<J>>(&mut stdin.lock())? {
            let started = Reply::<R>::Started { job: req.job, pid };
            send(&mut std::io::stdout(), &started)?;
            let result = work(req.payload, req.attempt);
            send(&mut std::io::stdout(), &Reply::Done { job: req.job, result })?;
        }
        Ok(())
    };
    thread::scope(|s| {
        let row = thread::Builder::new().name("worker".into());
        let serving = row.spawn_scoped(s, jobs).context("cannot start the worker thread")?;
        // join() is Err only if `work` panicked: pass the panic on.
        serving.join().unwrap_or_else(|p| std::panic::resume_unwind(p))
    })
}

/// What happened in the pool, as [`Pool::next_event`] reports it.
#[derive(Debug)]
pub enum Event<R> {
    /// A worker started a job.
    Started {
        /// The job's number (from [`Pool::submit`]).
        job: usize,
        /// 1 for the first try, 2 for the first retry, ...
        attempt: u32,
        /// The worker's slot, 0..n.
        worker: usize,
        /// The worker's OS process id.
        pid: u32,
    },
    /// A job finished.
    Done {
        /// The job's number.
        job: usize,
        /// The slot of the worker that ran it.
        worker: usize,
        /// That worker's OS process id.
        pid: u32,
        /// What the worker returned.
        result: R,
    },
    /// A worker died (its pipe reached end-of-file); it has been reaped.
    Died {
        /// Its slot.
        worker: usize,
        /// Its OS process id.
        pid: u32,
        /// How it ended (`signal: 9 (SIGKILL)`, `exit status: 3`, ...).
        status: ExitStatus,
        /// The job it was running, if any: retried or [`Event::Failed`].
        job: Option<usize>,
    },
    /// A new worker took a dead one's slot.
    Restarted {
        /// The slot.
        worker: usize,
        /// The new worker's OS process id.
        pid: u32,
    },
    /// A job killed its worker on every attempt and will not be retried.
    Failed {
        /// The job's number.
        job: usize,
        /// How many times it was tried (the pool's `max_attempts`).
        attempts: u32,
    },
}

/// One line per event, as `fault_isolation` prints them:
/// `worker-1 (pid 4242) started job 5, attempt 1`,
/// `job  5: <result> (worker-1, pid 4242)`,
/// `worker-1 (pid 4242) died (signal: 9 (SIGKILL)) during job 5`,
/// `restarted worker-1 as pid 4250`,
/// `job 7 failed: it ended its worker 3 times, no more retries`.
impl<R: std::fmt::Display> std::fmt::Display for Event<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Event::Started { job, attempt, worker, pid } => {
                write!(f, "worker-{worker} (pid {pid}) started job {job}, attempt {attempt}")
            }
            Event::Done { job, worker, pid, result } => {
                write!(f, "job {job:>2}: {result} (worker-{worker}, pid {pid})")
            }
            Event::Died { worker, pid, status, job } => {
                write!(f, "worker-{worker} (pid {pid}) died ({status}) ")?;
                match job {
                    Some(j) => write!(f, "during job {j}"),
                    None => write!(f, "while idle"),
                }
            }
            Event::Restarted { worker, pid } => write!(f, "restarted worker-{worker} as pid {pid}"),
            Event::Failed { job, attempts } => {
                write!(f, "job {job} failed: it ended its worker {attempts} times, no more retries")
            }
        }
    }
}

/// A job waiting for a worker, or running on one.
struct Job {
    id: usize,
    attempt: u32,
    payload: serde_json::Value,
}

/// One worker process and what the parent knows about it.
struct Worker {
    child: KillOnDrop,
    stdin: Option<ChildStdin>,
    pid: u32,
    /// Bumped at each restart, so a line from a dead worker's reader is ignored.
    generation: u64,
    job: Option<Job>,
    reader: Option<JoinHandle<()>>,
}

/// A reader's line: its slot, its worker's generation, a reply or `None` at
/// EOF; or, from a [`Stopper`], slot [`STOP`].
type Line<R> = (usize, u64, Option<Result<Reply<R>>>);

/// The slot of a [`Stopper`]'s line.
const STOP: usize = usize::MAX;

/// Stops a [`Pool`] from another thread, a Ctrl-C handler typically:
/// `ctrlc::set_handler(move || stopper.stop())`. Cheap to clone.
#[derive(Clone)]
pub struct Stopper(std::sync::Arc<dyn Fn() + Send + Sync>);

impl Stopper {
    /// [`Pool::next_event`] (so `as_completed` and `map` too) returns an
    /// [`Interrupted`] error at once, now and on every later call.
    pub fn stop(&self) {
        (self.0)()
    }
}

/// The error of a stopped pool ([`Stopper::stop`]).
#[derive(Debug)]
pub struct Interrupted;

impl std::fmt::Display for Interrupted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the pool was stopped (Ctrl-C)")
    }
}

impl std::error::Error for Interrupted {}

/// True if `e` says the pool was stopped: then drop the pool (which kills and
/// reaps every worker), give the partial account and exit 130.
pub fn interrupted(e: &anyhow::Error) -> bool {
    e.is::<Interrupted>()
}

/// A pool of worker processes taking jobs `J` and returning results `R`
/// (both cross the pipes as JSON).
pub struct Pool<J, R> {
    workers: Vec<Worker>,
    queue: VecDeque<Job>,
    lines: Receiver<Line<R>>,
    lines_tx: Sender<Line<R>>,
    events: VecDeque<Event<R>>,
    submitted: usize,
    /// Jobs neither done nor failed yet.
    outstanding: usize,
    /// A [`Stopper`] has stopped it.
    stopped: bool,
    max_attempts: u32,
    _jobs: PhantomData<fn(J)>,
}

impl<J: Serialize, R: DeserializeOwned + Send + 'static> Pool<J, R> {
    /// Starts `n` workers (this binary with `--role worker`). A job is tried
    /// at most `max_attempts` times (at least once).
    ///
    /// # Errors
    /// If a worker process cannot be started.
    pub fn start(n: usize, max_attempts: u32) -> Result<Self> {
        let (lines_tx, lines) = channel();
        let mut pool = Pool {
            workers: Vec::with_capacity(n),
            queue: VecDeque::new(),
            lines,
            lines_tx,
            events: VecDeque::new(),
            submitted: 0,
            outstanding: 0,
            stopped: false,
            max_attempts: max_attempts.max(1),
            _jobs: PhantomData,
        };
        for slot in 0..n.max(1) {
            let worker = pool.spawn(slot, 0)?;
            pool.workers.push(worker);
        }
        Ok(pool)
    }

    /// A handle that stops this pool from another thread (a Ctrl-C handler).
    pub fn stopper(&self) -> Stopper {
        let tx = self.lines_tx.clone();
        // The pool may be gone (dropped): then nobody listens.
        Stopper(std::sync::Arc::new(move || drop(tx.send((STOP, 0, None)))))
    }

    /// The worker processes' ids, by slot.
    pub fn pids(&self) -> Vec<u32> {
        self.workers.iter().map(|w| w.pid).collect()
    }

    /// Queues a job and returns its number (0, 1, 2, ... in submit order).
    /// Idle workers start on queued jobs at once.
    ///
    /// # Errors
    /// If the payload cannot be serialised.
    pub fn submit(&mut self, payload: &J) -> Result<usize> {
        let id = self.submitted;
        let payload = serde_json::to_value(payload).context("cannot serialise the job")?;
        self.queue.push_back(Job { id, attempt: 1, payload });
        self.submitted += 1;
        self.outstanding += 1;
        self.dispatch();
        Ok(id)
    }

    /// Queues every job of `jobs`, in order, as [`Pool::submit`] does one:
    /// `(executor.submit(f, job) for job in jobs)`.
    ///
    /// # Errors
    /// If a payload cannot be serialised.
    pub fn submit_all(&mut self, jobs: impl IntoIterator<Item = J>) -> Result<()> {
        for job in jobs {
            self.submit(&job)?;
        }
        Ok(())
    }

    /// Kills the worker in `slot` (`Child::kill`: SIGKILL on Unix,
    /// `TerminateProcess` on Windows). The pool is not told: it notices the
    /// death like any other, at the end of the worker's pipe.
    ///
    /// # Errors
    /// If there is no such slot or the kill fails.
    pub fn kill(&mut self, slot: usize) -> Result<()> {
        let worker = self.workers.get_mut(slot).ok_or_else(|| anyhow!("no worker {slot}"))?;
        worker.child.kill().with_context(|| format!("cannot kill worker {slot}"))
    }

    /// The next event; `Ok(None)` once every submitted job is done or failed.
    /// Blocks until something happens.
    ///
    /// # Errors
    /// If a worker sends a line that is not a reply, or a dead worker cannot
    /// be replaced; [`Interrupted`] once a [`Stopper`] has stopped the pool.
    pub fn next_event(&mut self) -> Result<Option<Event<R>>> {
        loop {
            if self.stopped {
                return Err(Interrupted.into());
            }
            if let Some(event) = self.events.pop_front() {
                return Ok(Some(event));
            }
            if self.outstanding == 0 {
                return Ok(None);
            }
            self.dispatch();
            // The pool holds a sender itself, so this never reports "disconnected".
            let (slot, generation, line) = self.lines.recv()?;
            if slot == STOP {
                self.stopped = true;
                continue;
            }
            if generation != self.workers[slot].generation {
                continue; // from a worker already replaced
            }
            let pid = self.workers[slot].pid;
            match line {
                Some(Ok(Reply::Started { job, .. })) => {
                    let attempt = self.workers[slot].job.as_ref().map_or(1, |j| j.attempt);
                    let event = Event::Started { job, attempt, worker: slot, pid };
                    self.events.push_back(event);
                }
                Some(Ok(Reply::Done { job, result })) => {
                    self.workers[slot].job = None;
                    self.outstanding -= 1;
                    let event = Event::Done { job, worker: slot, pid, result };
                    self.events.push_back(event);
                }
                Some(Err(e)) => return Err(e.context(format!("worker {slot} (pid {pid})"))),
                None => self.replace(slot)?,
            }
        }
    }

    /// The results in the order they complete, as `concurrent.futures.as_completed`
    /// yields futures: `(job, result)`. Other events are skipped; a job that
    /// failed is an `Err`.
    pub fn as_completed(&mut self) -> impl Iterator<Item = Result<(usize, R)>> + '_ {
        std::iter::from_fn(move || {
            loop {
                match self.next_event() {
                    Ok(Some(Event::Done { job, result, .. })) => return Some(Ok((job, result))),
                    Ok(Some(Event::Failed { job, attempts })) => {
                        return Some(Err(anyhow!("job {job} killed its worker {attempts} times")));
                    }
                    Ok(Some(_)) => continue,
                    Ok(None) => return None,
                    Err(e) => return Some(Err(e)),
                }
            }
        })
    }

    /// `executor.map(f, jobs)`: submits every job and returns the results in
    /// the order of `jobs`, whatever order they complete in.
    ///
    /// # Errors
    /// If a job cannot be sent or failed (see [`Pool::as_completed`]).
    pub fn map(&mut self, jobs: impl IntoIterator<Item = J>) -> Result<Vec<R>> {
        let first = self.submitted;
        self.submit_all(jobs)?;
        let mut results: Vec<Option<R>> = (first..self.submitted).map(|_| None).collect();
        for done in self.as_completed() {
            let (job, result) = done?;
            if let Some(slot) = job.checked_sub(first).and_then(|i| results.get_mut(i)) {
                *slot = Some(result); // (a job submitted before this map is dropped)
            }
        }
        Ok(results.into_iter().flatten().collect())
    }

    /// Ends the pool as `executor.shutdown(wait=True)` (the end of a `with
    /// ProcessPoolExecutor()` block) does: closes every worker's stdin, so
    /// each idle worker's [`serve`] returns and the worker exits by itself,
    /// finishing what it does at exit (writing its spans), and waits up to
    /// [`SHUTDOWN_GRACE`] for all of them; any still running then is killed. Dropping
    /// the pool instead kills the workers at once.
    ///
    /// # Errors
    /// If a worker cannot be waited for, or did not exit successfully
    /// within `grace`.
    pub fn shutdown(mut self) -> Result<()> {
        let grace = SHUTDOWN_GRACE;
        for worker in &mut self.workers {
            worker.stdin = None; // end-of-file: serve() returns
        }
        let deadline = Instant::now() + grace;
        for (slot, worker) in self.workers.iter_mut().enumerate() {
            // std has no wait-with-timeout: poll until it exits or time is up.
            let status = loop {
                if let Some(status) = worker.child.try_wait()? {
                    break status;
                }
                if Instant::now() >= deadline {
                    bail!(
                        "worker {slot} (pid {}) did not exit within {grace:?}; killed",
                        worker.pid
                    );
                }
                thread::sleep(Duration::from_millis(2));
            };
            ensure!(status.success(), "worker {slot} (pid {}) ended with {status}", worker.pid);
        }
        Ok(()) // dropping the workers now only joins their reader threads
    }

    /// The worker in `slot` closed its stdout: reap it, start another in its
    /// place, and retry its job or give up on it.
    fn replace(&mut self, slot: usize) -> Result<()> {
        let old = &mut self.workers[slot];
        // Closing stdout is not dying: make sure it is gone before reaping.
        let _ = old.child.kill();
        let status = old.child.wait().context("cannot reap a dead worker")?;
        let job = old.job.take();
        let (pid, generation) = (old.pid, old.generation);
        self.events.push_back(Event::Died {
            worker: slot,
            pid,
            status,
            job: job.as_ref().map(|j| j.id),
        });
        let new = self.spawn(slot, generation + 1)?;
        self.events.push_back(Event::Restarted { worker: slot, pid: new.pid });
        let old = std::mem::replace(&mut self.workers[slot], new);
        drop(old); // already reaped; joins its reader thread
        if let Some(mut job) = job {
            if job.attempt >= self.max_attempts {
                self.outstanding -= 1;
                self.events.push_back(Event::Failed { job: job.id, attempts: job.attempt });
            } else {
                job.attempt += 1;
                self.queue.push_front(job); // the retry goes first
            }
        }
        Ok(())
    }

    /// Gives queued jobs to idle workers.
    fn dispatch(&mut self) {
        for worker in self.workers.iter_mut().filter(|w| w.job.is_none()) {
            let Some(job) = self.queue.pop_front() else {
                return;
            };
            let req = Request { job: job.id, attempt: job.attempt, payload: &job.payload };
            if let Some(stdin) = worker.stdin.as_mut() {
                // A write fails only if the worker is dead; its reader reports
                // that as end-of-file, and the job, assigned below, is retried.
                let _ = send(stdin, &req);
            }
            worker.job = Some(job);
        }
    }

    /// Starts this binary as a worker for `slot`, with a reader thread that
    /// forwards its replies, tagged `(slot, generation)`, to the pool.
    fn spawn(&self, slot: usize, generation: u64) -> Result<Worker> {
        let mut cmd = self_command(WORKER_ROLE)?;
        cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::inherit());
        // Ctrl-C ignored from birth (SIG_IGN survives exec), not only once
        // serve() has set its handler: a worker that died of a Ctrl-C while
        // starting would be replaced, its job given up, before the parent stops.
        #[cfg(unix)]
        // Safety: signal(2) is async-signal-safe, as pre_exec requires.
        unsafe {
            std::os::unix::process::CommandExt::pre_exec(&mut cmd, || {
                libc::signal(libc::SIGINT, libc::SIG_IGN);
                Ok(())
            });
        }
        let mut child = KillOnDrop(cmd.spawn().context("cannot start a worker process")?);
        let pid = child.id();
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().ok_or_else(|| anyhow!("no pipe from the worker"))?;
        let tx = self.lines_tx.clone();
        let reader = thread::Builder::new()
            .name(format!("pool-reader-{slot}"))
            .spawn(move || {
                let mut stdout = BufReader::new(stdout);
                loop {
                    let line = recv::<Reply<R>>(&mut stdout).transpose();
                    let end = !matches!(line, Some(Ok(_)));
                    // The pool may be gone (dropped): then nobody listens.
                    if tx.send((slot, generation, line)).is_err() || end {
                        return;
                    }
                }
            })
            .context("cannot start a reader thread")?;
        Ok(Worker { child, stdin, pid, generation, job: None, reader: Some(reader) })
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.stdin = None; // a worker still alive sees end-of-file ...
        let _ = self.child.kill(); // ... but is not waited for: kill it
        let _ = self.child.wait(); // and reap it (KillOnDrop would too)
        if let Some(reader) = self.reader.take() {
            let _ = reader.join(); // its pipe is closed now, so it returns
        }
    }
}
