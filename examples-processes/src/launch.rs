//! The plumbing of `multi_machine`, kept out of the bin because it is not the
//! lesson (timely's dataflow over TCP is):
//!
//! - [`ClusterArgs`]: timely's own flags (`-w -n -p -h`) and the two
//!   deadlines, in one flattened field of the bin's `Args`;
//! - [`local_cluster`] picks free ports on 127.0.0.1, writes them to a
//!   temporary hostfile (one `host:port` line per process, process 0 first,
//!   the format timely's `-h` reads), runs this binary once per process with
//!   its own flags plus `-p P -h HOSTFILE` (on this process's clock, through the
//!   environment `shared::init()` set), and waits for all of them, with a
//!   deadline;
//! - [`read_hostfile`] reads such a file on a member's side;
//! - [`member`] sets up one member (its hostfile, its connect deadline,
//!   [`cluster_config`], timely's configuration);
//! - [`join`] disarms that deadline once `timely::execute` has returned
//!   and waits for the member's worker threads;
//! - [`connect_deadline`] ends a member that cannot reach its peers (timely
//!   retries a refused connection for ever) with a clear error.
//!
//! Portable: std only (`TcpListener`, `Child::try_wait`, `Child::kill`).

use std::ffi::OsString;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::mpsc::{RecvTimeoutError, Sender, channel};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail, ensure};
use shared::timing::Stopwatch;
use shared::{event, event_as};

use crate::TempFile;
use crate::child::KillOnDrop;

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
    pub timeout: u64,
    /// Print help.
    #[arg(long, action = clap::ArgAction::Help)]
    help: Option<bool>,
}

/// Runs `-n` processes of this binary, each with this process's own
/// arguments plus `-p P -h HOSTFILE`, and waits until all have exited
/// successfully, then prints `multi machine, cost = X seconds` (the time
/// from the start of this function to the last exit). Events name the hostfile,
/// each process's PID and how each ended.
///
/// A port is free when it is picked; another program could take it before
/// the child binds it (the child then fails, and so does this).
///
/// # Errors
/// If a process cannot be started, exits unsuccessfully (the others are
/// then killed and reaped), or is still running after `timeout` (all still
/// running are killed and reaped), `--timeout` seconds after the start.
/// The hostfile is removed in every case.
pub fn local_cluster(args: &ClusterArgs) -> Result<()> {
    let sw = Stopwatch::start();
    let (n, timeout) = (args.processes as usize, Duration::from_secs(args.timeout));
    // Bind every port before releasing any, so the n ports differ.
    let listeners = (0..n)
        .map(|_| TcpListener::bind("127.0.0.1:0"))
        .collect::<Result<Vec<_>, _>>()
        .context("cannot find a free port")?;
    let mut lines = String::new();
    for l in &listeners {
        lines += &format!("{}\n", l.local_addr()?);
    }
    drop(listeners);
    let exe = std::env::current_exe().context("cannot find this program's executable")?;
    let name = exe.file_stem().unwrap_or_default().to_string_lossy();
    let hostfile = TempFile::new(&name, ".hosts");
    std::fs::write(&hostfile.0, &lines).context("cannot write the hostfile")?;
    let addresses = lines.trim_end().replace('\n', ", ");
    event!("hostfile {}: {addresses}", hostfile.0.display());

    let mut children = Vec::new();
    for p in 0..n {
        let mut args: Vec<OsString> = std::env::args_os().skip(1).collect();
        args.extend(["-p".into(), p.to_string().into(), "-h".into(), hostfile.0.clone().into()]);
        let mut cmd = Command::new(&exe);
        cmd.args(&args);
        // Killed and reaped if we return early (an error, the timeout).
        let child = KillOnDrop(cmd.spawn().context("cannot start a process")?);
        let shown: Vec<_> = args.iter().map(|a| a.to_string_lossy()).collect();
        event!("started process {p} (pid {}): {name} {}", child.id(), shown.join(" "));
        children.push(Some(child));
    }
    // std has no wait-with-timeout: poll each child until all have exited.
    let deadline = Instant::now() + timeout;
    while children.iter().any(Option::is_some) {
        for (p, slot) in children.iter_mut().enumerate() {
            let Some(child) = slot else { continue };
            if let Some(status) = child.try_wait()? {
                event!("process {p} exited ({status})");
                *slot = None;
                if !status.success() {
                    bail!("process {p} failed ({status}); the others are killed");
                }
            }
        }
        if Instant::now() > deadline {
            let left: Vec<usize> = (0..n).filter(|&p| children[p].is_some()).collect();
            bail!("processes {left:?} did not finish within {timeout:?}; killed them");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    sw.report("multi machine"); // starting the processes and their connecting included
    Ok(())
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
/// ... (hostfile)` to stderr and exits the process with code 1. (timely's
/// `execute` retries a refused connection for ever and has no timeout.)
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

/// A member's setup, as timely's own `-w -n -p -h` flags would do it:
/// checks `process < n`, reads the hostfile, says who it is, and starts the
/// [`connect_deadline`]. Returns timely's configuration and the sender to
/// signal once every peer is connected.
///
/// # Errors
/// If `process` is not below `n`, there is no hostfile, or it lists fewer
/// than `n` addresses.
pub fn member(args: &ClusterArgs, process: usize) -> Result<(timely::Config, Sender<()>)> {
    let n = args.processes as usize;
    ensure!(process < n, "-p {process} is not in 0..{n} (-n {n})");
    let path = args.hostfile.as_deref().context("-p needs a hostfile (-h)")?;
    let addresses = read_hostfile(path, n)?;
    let me = format!("process-{process}");
    let pid = std::process::id();
    event_as!(&me, "pid {pid}, connecting to the {n} processes of {}", path.display());
    let limit = Duration::from_secs(args.connect_timeout);
    let connected = connect_deadline(process, n, limit, path);
    Ok((cluster_config(args.threads as usize, process, addresses), connected))
}

/// After `timely::execute(config, ..)` (`workers`) has returned, which it
/// does once every peer is connected: disarms the [`connect_deadline`]
/// (`connected`) and waits for the worker threads.
///
/// # Errors
/// If timely could not start (its message), or a worker failed.
pub fn join<T: Send + 'static>(
    workers: Result<timely::communication::WorkerGuards<T>, String>,
    connected: Sender<()>,
) -> Result<()> {
    let workers = workers.map_err(|e| anyhow!("cannot start timely: {e}"))?;
    let _ = connected.send(()); // the watchdog may be gone already: fine
    for result in workers.join() {
        result.map_err(|e| anyhow!("a worker failed: {e}"))?;
    }
    Ok(())
}

/// timely's configuration for member `process` of the cluster at
/// `addresses` (process 0's first), with `threads` worker threads per
/// process: what timely's own `-w -n -p -h` flags would build.
pub fn cluster_config(threads: usize, process: usize, addresses: Vec<String>) -> timely::Config {
    timely::Config {
        communication: timely::CommunicationConfig::Cluster {
            threads,
            process,
            addresses,
            report: false,
            zerocopy: false,
        },
        worker: timely::WorkerConfig::default(),
    }
}
