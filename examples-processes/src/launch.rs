//! The plumbing of `multi_machine`, kept out of the bin because it is not the
//! lesson (timely's dataflow over TCP is):
//!
//! - [`ClusterArgs`]: timely's own flags (`-w -n -p -h`), the two deadlines
//!   and the launcher's hidden `--done FILE`, in one flattened field of the
//!   bin's `Args`;
//! - [`local_cluster`] (the launcher) picks free ports on 127.0.0.1, writes
//!   them to a temporary hostfile (one `host:port` line per process, process
//!   0 first, the format timely's `-h` reads), runs this binary once per
//!   process with its own flags plus `-p P -h HOSTFILE --done FILE`, and waits
//!   for all of them. timely is not fault tolerant (one dead process ends the
//!   computation), so when a member dies the launcher kills the others and
//!   starts a fresh cluster, at most [`CLUSTERS`] in all; process 0 of the
//!   fresh one skips the jobs already in the done file ([`Results`]). On
//!   Ctrl-C it kills its members, removes its files and exits with code 130;
//! - [`connect`]: one member's TCP connections to its peers, made here rather
//!   than by timely (whose `Config::Cluster` polls for peers once a second),
//!   handed to timely's `initialize_networking_from_sockets`;
//! - [`JobArgs`]: `--job crawl|primes|sha` and each job's flags: its job
//!   numbers, one job's work (a page's post links, prime or not, a digest)
//!   and the answer from all results, the single-thread runs' strings;
//! - [`Results`]: process 0's results, one line per job in the done file;
//! - [`join`]: waits for a member's worker threads;
//! - [`read_hostfile`] and [`connect_deadline`]: a member's hostfile, and
//!   its deadline to reach its peers (a refused connection is retried).
//!
//! Portable: std only (`TcpListener`, `Child::try_wait`, `Child::kill`),
//! timely, and the `ctrlc` crate.

use std::any::Any;
use std::collections::BTreeMap;
use std::ffi::OsString;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail, ensure};
use shared::crawl::{CrawlArgs, fetch_with_retry};
use shared::report::{crawl_answer, primes_answer, sha_answer};
use shared::site::{SiteGuard, page_url, parse_posts};
use shared::timing::Stopwatch;
use shared::workload::{PRIMES, is_prime, sha_job};
use shared::{event, event_as};
use timely::communication::allocator::zero_copy::initialize::initialize_networking_from_sockets;
use timely::communication::allocator::{AllocatorBuilder, ProcessBuilder};
use timely::communication::{Hooks, WorkerGuards};

use crate::child::KillOnDrop;
use crate::{ShaArgs, TempFile};

/// How many clusters the launcher starts at most: the first, and a fresh one
/// after each member that died, for the jobs process 0 had not reported.
pub const CLUSTERS: u32 = 3;

/// timely's flags, as its own `-w -n -p -h` parse them, and the deadlines.
/// In a bin's `Args`: `#[command(flatten)] cluster: ClusterArgs`, with
/// `#[command(disable_help_flag = true)]` on the command (`-h` is the
/// hostfile here; `--help` still prints the help).
#[derive(Debug, Clone, clap::Args)]
pub struct ClusterArgs {
    /// timely: worker threads per process.
    #[arg(short = 'w', long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=64))]
    pub threads: u32,
    /// timely: processes in all (the launcher starts this many on 127.0.0.1).
    #[arg(short = 'n', long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..=64))]
    pub processes: u32,
    /// timely: this process's number, 0..N; given, this process is a member of the cluster.
    #[arg(short = 'p', long)]
    pub process: Option<usize>,
    /// timely: a file of `host:port` lines, process 0 first.
    #[arg(short = 'h', long)]
    pub hostfile: Option<PathBuf>,
    /// Seconds a process waits to reach all its peers before giving up.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub connect_timeout: u64,
    /// Launcher: seconds before it kills the processes still running.
    #[arg(long, default_value_t = 120, value_parser = clap::value_parser!(u64).range(1..=36000))]
    pub run_timeout: u64,
    /// Member: process 0 records each result in this file and skips the jobs
    /// already there (the launcher's, for a rerun; a member with it leaves
    /// Ctrl-C to the launcher).
    #[arg(long, hide = true)]
    pub done: Option<PathBuf>,
    /// Print help.
    #[arg(long, action = clap::ArgAction::Help)]
    help: Option<bool>,
}

/// How one cluster's run ended, as the launcher saw it.
enum Ended {
    AllDone,
    Died(Vec<(usize, ExitStatus)>),
    Interrupted,
}

/// The launcher: runs `-n` processes of this binary, each with this process's
/// own arguments, `extra` (e.g. the `--site` it started) and `-p P -h HOSTFILE
/// --done FILE`, and waits until all have exited successfully, then prints
/// `multi machine, cost = X seconds` (the time from the start of this
/// function to the last exit). Events name the hostfile, each process's PID
/// and how each ended.
///
/// When a member dies, the others are killed and a fresh cluster (new ports)
/// runs the jobs that process 0 had not recorded in the done file, at most
/// [`CLUSTERS`] clusters in all.
///
/// On Ctrl-C (SIGINT, which a terminal sends to the whole process group; the
/// members leave it to this function): kills and reaps every member, removes
/// the hostfile and the done file, says how many results had come in, and
/// exits with code 130.
///
/// A port is free when it is picked; another program could take it before
/// the child binds it (that cluster then fails and the next gets new ports).
///
/// # Errors
/// If a process cannot be started, the last cluster also lost a member, or
/// processes are still running `--run-timeout` seconds after the start (they
/// are killed and reaped). The hostfile and the done file are removed in
/// every case.
pub fn local_cluster(args: &ClusterArgs, extra: &[String]) -> Result<()> {
    let sw = Stopwatch::start();
    let (stop_tx, stop) = channel();
    ctrlc::set_handler(move || {
        let _ = stop_tx.send(());
    })
    .context("cannot set the Ctrl-C handler")?;
    let exe = std::env::current_exe().context("cannot find this program's executable")?;
    let name = exe.file_stem().unwrap_or_default().to_string_lossy().into_owned();
    let (hostfile, done) = (TempFile::new(&name, ".hosts"), TempFile::new(&name, ".done"));
    let deadline = Instant::now() + Duration::from_secs(args.run_timeout);
    for cluster in 1..=CLUSTERS {
        write_hostfile(&hostfile.0, args.processes as usize)?;
        let mut children = Vec::new();
        for p in 0..args.processes {
            let mut args: Vec<OsString> = std::env::args_os().skip(1).collect();
            args.extend(extra.iter().map(OsString::from));
            args.extend([
                "-p".into(),
                p.to_string().into(),
                "-h".into(),
                hostfile.0.clone().into(),
            ]);
            args.extend(["--done".into(), done.0.clone().into()]);
            // Killed and reaped if we return early (an error, the timeout).
            let child = KillOnDrop(
                Command::new(&exe).args(&args).spawn().context("cannot start a process")?,
            );
            let shown: Vec<_> = args.iter().map(|a| a.to_string_lossy()).collect();
            event!("started process {p} (pid {}): {name} {}", child.id(), shown.join(" "));
            children.push(Some(child));
        }
        match wait_all(&mut children, deadline, &stop)? {
            Ended::AllDone => {
                sw.report("multi machine"); // starting the processes and their connecting included
                return Ok(());
            }
            Ended::Died(dead) if cluster < CLUSTERS => event!(
                "lost {}: killed the others; a fresh cluster runs the jobs process 0 has not \
                 reported ({} reported)",
                died(&dead),
                Results::read(&done.0).len()
            ),
            Ended::Died(dead) => bail!("lost {} in the last of {CLUSTERS} clusters", died(&dead)),
            Ended::Interrupted => {
                // Kill every member before reaping any, so none sees a peer go first.
                children.iter_mut().flatten().for_each(|c| drop(c.kill()));
                drop(children); // reaped
                let reported = Results::read(&done.0).len();
                drop((hostfile, done)); // removed: std::process::exit runs no destructors
                println!(
                    "interrupted: {reported} results had come in; no member left, hostfile removed"
                );
                std::process::exit(130);
            }
        }
    }
    unreachable!("the last cluster returns or fails")
}

/// Binds `n` free ports on 127.0.0.1 (all at once, so they differ), releases
/// them and writes them to `path` as a hostfile, process 0's first.
fn write_hostfile(path: &Path, n: usize) -> Result<()> {
    let listeners = (0..n)
        .map(|_| TcpListener::bind("127.0.0.1:0"))
        .collect::<Result<Vec<_>, _>>()
        .context("cannot find a free port")?;
    let mut lines = String::new();
    for l in &listeners {
        lines += &format!("{}\n", l.local_addr()?);
    }
    std::fs::write(path, &lines).context("cannot write the hostfile")?;
    event!("hostfile {}: {}", path.display(), lines.trim_end().replace('\n', ", "));
    Ok(())
}

/// Polls the members until all have exited successfully, one has failed
/// (the others are then killed, when `children` drops), Ctrl-C came, or the
/// deadline passed. std has no wait-with-timeout: a 10 ms poll.
fn wait_all(
    children: &mut [Option<KillOnDrop>],
    deadline: Instant,
    stop: &Receiver<()>,
) -> Result<Ended> {
    while children.iter().any(Option::is_some) {
        if stop.try_recv().is_ok() {
            return Ok(Ended::Interrupted);
        }
        let mut dead = Vec::new(); // every failure of this pass: the first seen may be a victim
        for (p, slot) in children.iter_mut().enumerate() {
            let Some(child) = slot else { continue };
            if let Some(status) = child.try_wait()? {
                event!("process {p} exited ({status})");
                *slot = None;
                if !status.success() {
                    dead.push((p, status));
                }
            }
        }
        if !dead.is_empty() {
            return Ok(Ended::Died(dead));
        }
        if Instant::now() > deadline {
            let left: Vec<usize> = (0..children.len()).filter(|&p| children[p].is_some()).collect();
            bail!("processes {left:?} did not finish within the --run-timeout; killed them");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    Ok(Ended::AllDone)
}

/// `process 1 (signal: 9 (SIGKILL))`, or `processes 0 (exit status: 1), 1 (...)`.
fn died(dead: &[(usize, ExitStatus)]) -> String {
    let each: Vec<String> = dead.iter().map(|(p, status)| format!("{p} ({status})")).collect();
    format!("process{} {}", if dead.len() > 1 { "es" } else { "" }, each.join(", "))
}

/// The first `n` addresses (`host:port` lines, blank lines skipped) of a
/// hostfile, process 0's first: timely's `CommunicationConfig::Cluster`
/// `addresses`.
///
/// # Errors
/// If the file cannot be read or lists fewer than `n` addresses.
pub fn read_hostfile(path: &Path, n: usize) -> Result<Vec<String>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let addresses: Vec<String> =
        text.lines().map(str::trim).filter(|l| !l.is_empty()).take(n).map(String::from).collect();
    ensure!(
        addresses.len() == n,
        "{} lists {} addresses, -n needs {n}",
        path.display(),
        addresses.len()
    );
    Ok(addresses)
}

/// Starts a watchdog thread for cluster member `process` of `n`: unless the
/// returned sender is used (`send(())`, once every peer is connected) within
/// `limit`, it prints `Error: process P could not reach its peers within S s:
/// ... (hostfile)` to stderr and exits the process with code 1.
pub fn connect_deadline(process: usize, n: usize, limit: Duration, hostfile: &Path) -> Sender<()> {
    let (connected, is_connected) = channel::<()>();
    let hosts = hostfile.display().to_string();
    std::thread::spawn(move || {
        if is_connected.recv_timeout(limit) == Err(RecvTimeoutError::Timeout) {
            eprintln!(
                "Error: process {process} could not reach its peers within {} s: are all {n} \
                 processes running, with the same hostfile ({hosts})?",
                limit.as_secs()
            );
            std::process::exit(1);
        }
    });
    connected
}

/// timely's communication for one member, built from sockets made here:
/// what `timely::execute::execute_from(builders, comms, ..)` takes.
pub type Comms = (Vec<AllocatorBuilder>, Box<dyn Any + Send>);

/// Connects cluster member `process` to its peers, as timely's own
/// `-w -n -p -h` would, but without its once-a-second polls: it listens on
/// its own address first, connects to every lower-numbered process (retrying
/// a refused connection every 5 ms: that peer has not started listening yet)
/// and sends its number, then accepts every higher-numbered one (blocking;
/// a peer that connected early waits in the listen backlog). The
/// [`connect_deadline`] ends a member that cannot reach its peers.
///
/// Also: a member the launcher started (`--done`) ignores Ctrl-C (the
/// launcher kills it); a panic (timely's, when a peer's connection drops:
/// timely cannot go on without it) prints one `Error:` line and exits 1.
///
/// # Errors
/// If `process` is not below `n`, there is no hostfile, it lists fewer than
/// `n` addresses, the address cannot be bound, or timely cannot start its
/// network threads.
pub fn connect(args: &ClusterArgs, process: usize) -> Result<Comms> {
    let n = args.processes as usize;
    ensure!(process < n, "-p {process} is not in 0..{n} (-n {n})");
    let path = args.hostfile.as_deref().context("-p needs a hostfile (-h)")?;
    let addresses = read_hostfile(path, n)?;
    // Launched: Ctrl-C is the launcher's, which kills every member; a peer
    // killed first is then no error worth a line.
    static INTERRUPTED: AtomicBool = AtomicBool::new(false);
    if args.done.is_some() {
        let seen = || INTERRUPTED.store(true, Ordering::Relaxed);
        ctrlc::set_handler(seen).context("cannot set the Ctrl-C handler")?;
    }
    std::panic::set_hook(Box::new(move |info| {
        if !INTERRUPTED.load(Ordering::Relaxed) {
            let why = info.payload().downcast_ref::<String>().map_or("a worker failed", |s| s);
            eprintln!("Error: process {process}: {why}");
        }
        std::process::exit(1);
    }));
    event_as!(
        &format!("process-{process}"),
        "pid {}, connecting to {n} processes",
        std::process::id()
    );
    let connected = connect_deadline(process, n, Duration::from_secs(args.connect_timeout), path);
    let listener = TcpListener::bind(&addresses[process])
        .with_context(|| format!("process {process} cannot listen on {}", addresses[process]))?;
    let mut sockets: Vec<Option<TcpStream>> = Vec::new();
    for address in &addresses[..process] {
        let mut stream = loop {
            match TcpStream::connect(address) {
                Ok(stream) => break stream,
                Err(_) => std::thread::sleep(Duration::from_millis(5)),
            }
        };
        stream.write_all(&(process as u64).to_be_bytes())?; // timely's greeting: our number
        sockets.push(Some(stream));
    }
    sockets.push(None); // no socket to ourselves
    sockets.resize_with(n, || None);
    for _ in process + 1..n {
        let (mut stream, _) = listener.accept()?;
        let mut number = [0; 8];
        stream.read_exact(&mut number)?;
        let peer = u64::from_be_bytes(number) as usize;
        ensure!(peer > process && peer < n, "process {process}: a greeting from process {peer}");
        sockets[peer] = Some(stream);
    }
    let _ = connected.send(()); // every peer is there: the deadline is off
    for s in sockets.iter().flatten() {
        s.set_nodelay(true)?; // as timely's: small messages go at once
    }
    let threads = args.threads as usize;
    let hooks = Hooks::default();
    let local =
        ProcessBuilder::new_typed_vector(threads, hooks.refill.clone(), hooks.spill.clone());
    let (builders, comms) =
        initialize_networking_from_sockets(local, sockets, process, threads, hooks)?;
    Ok((builders.into_iter().map(AllocatorBuilder::Tcp).collect(), Box::new(comms)))
}

/// Waits for a member's worker threads (`timely::execute::execute_from`'s
/// guards), as timely's own examples do.
///
/// # Errors
/// If timely could not start (its message), or a worker failed.
pub fn join<T: Send + 'static>(workers: Result<WorkerGuards<T>, String>) -> Result<()> {
    let workers = workers.map_err(|e| anyhow!("cannot start timely: {e}"))?;
    for result in workers.join() {
        result.map_err(|e| anyhow!("a worker failed: {e}"))?;
    }
    Ok(())
}

/// Process 0's results: job number -> result text, kept in memory and, with
/// a done file (the launcher's `--done`), appended there one line per job
/// (`3 <result>`) as each comes in, so that a fresh cluster after a member
/// died skips them. Only whole lines count: a process killed mid-write
/// leaves at most a partial last line, which is ignored.
#[derive(Debug, Default)]
pub struct Results {
    file: Option<PathBuf>,
    seen: Mutex<BTreeMap<u64, String>>,
}

impl Results {
    /// The results already in `file` (none if it does not exist), and the
    /// file to append new ones to.
    pub fn open(file: Option<&Path>) -> Arc<Results> {
        let seen = file.map(Results::read).unwrap_or_default();
        Arc::new(Results { file: file.map(Path::to_path_buf), seen: Mutex::new(seen) })
    }

    /// The whole `job result` lines of a done file (none if it cannot be read).
    pub fn read(file: &Path) -> BTreeMap<u64, String> {
        let text = std::fs::read_to_string(file).unwrap_or_default();
        let whole = text.split_inclusive('\n').filter_map(|l| l.strip_suffix('\n'));
        let parse =
            |l: &str| l.split_once(' ').and_then(|(j, r)| Some((j.parse().ok()?, r.into())));
        whole.filter_map(parse).collect()
    }

    /// True if job `job`'s result is in.
    pub fn has(&self, job: u64) -> bool {
        self.seen.lock().unwrap().contains_key(&job) // unwrap: only a panic poisons it
    }

    /// Records job `job`'s result (and appends it to the done file; if that
    /// fails, a rerun repeats the job, nothing worse).
    pub fn record(&self, job: u64, result: &str) {
        self.seen.lock().unwrap().insert(job, result.to_string());
        if let Some(file) = &self.file {
            let line = format!("{job} {result}\n"); // one write: a whole line or a partial last one
            let file = std::fs::OpenOptions::new().create(true).append(true).open(file);
            let _ = file.and_then(|mut f| f.write_all(line.as_bytes()));
        }
    }

    /// Every result in, in job order.
    pub fn all(&self) -> BTreeMap<u64, String> {
        self.seen.lock().unwrap().clone()
    }
}

/// The three jobs `multi_machine` spreads (compare's jobs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Job {
    /// The blog crawl (I/O-bound): one job per list page.
    Crawl,
    /// `is_prime` over the course's PRIMES (CPU-bound): one job per number.
    Primes,
    /// The notes' sha jobs (CPU-bound): one job per seed.
    Sha,
}

/// `--job` and each job's flags, in one flattened field of a bin's `Args`.
#[derive(Debug, Clone, clap::Args)]
pub struct JobArgs {
    /// The job: the blog crawl, is_prime over PRIMES, or the sha jobs.
    #[arg(long, value_enum, default_value_t = Job::Sha)]
    pub job: Job,
    /// crawl: --pages --site --latency-ms --attempts --timeout.
    #[command(flatten)]
    pub crawl: CrawlArgs,
    /// primes: how many of the 100 PRIMES to check.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u64).range(1..=100))]
    pub count: u64,
    /// sha: --jobs --size.
    #[command(flatten)]
    pub sha: ShaArgs,
}

impl JobArgs {
    /// The crawl's site: the one at `--site`, or one started in this process
    /// (`--pages`, `--latency-ms`); `None` for the other jobs.
    ///
    /// # Errors
    /// If nothing listens at `--site`, or the local site cannot start.
    pub fn open_site(&self) -> Result<Option<SiteGuard>> {
        (self.job == Job::Crawl).then(|| self.crawl.open_site()).transpose()
    }

    /// The flags that send the members to the launcher's own site:
    /// `--site URL` when it started one (no `--site` was given), else none.
    pub fn site_flag(&self, site: Option<&SiteGuard>) -> Vec<String> {
        match site {
            Some(site) if self.crawl.site.is_none() => vec!["--site".into(), site.url().into()],
            _ => Vec::new(),
        }
    }

    /// The job numbers: page numbers `1..=pages`, indexes into PRIMES, or seeds.
    pub fn numbers(&self) -> Range<u64> {
        match self.job {
            Job::Crawl => 1..u64::from(self.crawl.pages) + 1,
            Job::Primes => 0..self.count,
            Job::Sha => 0..self.sha.jobs,
        }
    }

    /// One job's work, `n` to its result: `14 posts` (or `failed: <cause>`
    /// after the retries), `prime` / `not prime`, or the hex digest.
    pub fn work(
        &self,
        site: Option<&SiteGuard>,
    ) -> impl Fn(u64) -> String + Clone + Send + Sync + 'static {
        let (job, size, retry) = (self.job, self.sha.size, self.crawl.retry());
        let url = site.map(|s| s.url().to_string()).unwrap_or_default();
        move |n| match job {
            Job::Crawl => match fetch_with_retry(&page_url(&url, n as u32), &retry).body {
                Ok(html) => format!("{} posts", parse_posts(&html).len()),
                Err(e) => format!("failed: {e}"),
            },
            Job::Primes => {
                (if is_prime(PRIMES[n as usize]) { "prime" } else { "not prime" }).into()
            }
            Job::Sha => sha_job(size, n),
        }
    }

    /// The answer from every job's result: `crawl_answer` / `primes_answer` /
    /// `sha_answer`, the strings the single-thread runs print.
    ///
    /// # Errors
    /// If a job's result is missing or a page failed.
    pub fn answer(&self, results: BTreeMap<u64, String>) -> Result<String> {
        let missing: Vec<u64> = self.numbers().filter(|n| !results.contains_key(n)).collect();
        ensure!(missing.is_empty(), "no results for jobs {missing:?}");
        let results: Vec<String> = results.into_values().collect();
        Ok(match self.job {
            Job::Crawl => {
                let posts = results.iter().map(|r| r.strip_suffix(" posts")?.parse::<usize>().ok());
                let posts =
                    posts.sum::<Option<usize>>().context("a page failed after its retries")?;
                crawl_answer(posts, self.crawl.pages)
            }
            Job::Primes => primes_answer(&results.iter().map(|r| r == "prime").collect::<Vec<_>>()),
            Job::Sha => sha_answer(&results),
        })
    }
}
