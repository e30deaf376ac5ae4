//! The plumbing of `multi_machine`, kept out of the bin because it is not the
//! lesson (timely's dataflow over TCP is):
//!
//! - [`local_cluster`] picks free ports on 127.0.0.1, writes them to a
//!   temporary hostfile (one `host:port` line per process, process 0 first,
//!   the format timely's `-h` reads), runs this binary once per process with
//!   its own flags plus `-p P -h HOSTFILE` (on this process's clock, through the
//!   environment `shared::init()` set), and waits for all of them, with a
//!   deadline;
//! - [`read_hostfile`] reads such a file on a member's side;
//! - [`member`] sets up one member (its hostfile, its connect deadline,
//!   [`cluster_config`], timely's configuration);
//! - [`connect_deadline`] ends a member that cannot reach its peers (timely
//!   retries a refused connection for ever) with a clear error.
//!
//! Portable: std only (`TcpListener`, `Child::try_wait`, `Child::kill`).

use std::ffi::OsString;
use std::net::TcpListener;
use std::path::Path;
use std::process::Command;
use std::sync::mpsc::{RecvTimeoutError, Sender, channel};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use shared::{event, event_as};

use crate::TempFile;
use crate::child::KillOnDrop;

/// Runs `n` processes of this binary, each with this process's own
/// arguments plus `-p P -h HOSTFILE`, and waits until all have exited
/// successfully. Events name the hostfile, each process's PID and how each
/// ended.
///
/// A port is free when it is picked; another program could take it before
/// the child binds it (the child then fails, and so does this).
///
/// # Errors
/// If a process cannot be started, exits unsuccessfully (the others are
/// then killed and reaped), or is still running after `timeout` (all still
/// running are killed and reaped). The hostfile is removed in every case.
pub fn local_cluster(n: usize, timeout: Duration) -> Result<()> {
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
pub fn member(
    threads: u32,
    process: usize,
    n: u32,
    hostfile: Option<&Path>,
    connect_timeout: u64,
) -> Result<(timely::Config, Sender<()>)> {
    let n = n as usize;
    ensure!(process < n, "-p {process} is not in 0..{n} (-n {n})");
    let path = hostfile.context("-p needs a hostfile (-h)")?;
    let addresses = read_hostfile(path, n)?;
    let me = format!("process-{process}");
    let pid = std::process::id();
    event_as!(&me, "pid {pid}, connecting to the {n} processes of {}", path.display());
    let limit = Duration::from_secs(connect_timeout);
    let connected = connect_deadline(process, n, limit, path);
    Ok((cluster_config(threads as usize, process, addresses), connected))
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
