//! Starting several members of a cluster on this machine: what
//! `multi_machine` does by default, kept out of the bin because it is not the
//! lesson (timely's dataflow over TCP is).
//!
//! [`local_cluster`] picks free ports on 127.0.0.1, writes them to a
//! temporary hostfile (one `host:port` line per process, process 0 first, the
//! format timely's `-h` reads), runs this binary once per process with the
//! flags the caller builds, and waits for all of them, with a deadline.
//! Portable: std only (`TcpListener`, `Child::try_wait`, `Child::kill`).

use std::ffi::OsString;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, id as pid};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use shared::event;

use crate::child::KillOnDrop;

/// Runs `n` processes of this binary, process `p` with the arguments
/// `flags(p, hostfile)`, and waits until all have exited successfully.
/// Events name the hostfile, each process's PID and how each ended.
///
/// A port is free when it is picked; another program could take it before
/// the child binds it (the child then fails, and so does this).
///
/// # Errors
/// If a process cannot be started, exits unsuccessfully (the others are
/// then killed and reaped), or is still running after `timeout` (all still
/// running are killed and reaped). The hostfile is removed in every case.
pub fn local_cluster(
    n: usize,
    flags: impl Fn(usize, &Path) -> Vec<OsString>,
    timeout: Duration,
) -> Result<()> {
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
    let hostfile = TempFile(std::env::temp_dir().join(format!("{name}-{}.hosts", pid())));
    std::fs::write(&hostfile.0, &lines).context("cannot write the hostfile")?;
    let addresses = lines.trim_end().replace('\n', ", ");
    event!("hostfile {}: {addresses}", hostfile.0.display());

    let mut children = Vec::new();
    for p in 0..n {
        let args = flags(p, &hostfile.0);
        let mut cmd = Command::new(&exe);
        cmd.args(&args);
        // Killed and reaped if we return early (an error, the timeout).
        let child = KillOnDrop(cmd.spawn().context("cannot start a process")?);
        let shown: Vec<_> = args.iter().map(|a| a.to_string_lossy()).collect();
        event!(
            "started process {p} (pid {}): {name} {}",
            child.id(),
            shown.join(" ")
        );
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

/// A file removed when dropped (the temporary hostfile).
struct TempFile(PathBuf);

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}
