//! Ctrl-C on `compare`. Every run is measured in a process group of its own
//! (so that a timeout can kill its whole tree: a twin's pool workers too),
//! which also means a terminal's Ctrl-C, sent to the foreground group, does
//! not reach it. So compare's handler ends what compare started: each child's
//! group (the run in progress, its workers) and each child (the blog site),
//! then exits 130, as a shell reports a Ctrl-C. No table is written: a run
//! cut short measures nothing.
//!
//! Windows has no process groups: there a Ctrl-C reaches every process of
//! the console, the runs included, and this handler only exits.

use std::time::Duration;

use anyhow::{Context, Result};

/// Installs the handler (once, at the start).
///
/// # Errors
/// A handler is already installed.
pub fn on_ctrl_c() -> Result<()> {
    ctrlc::set_handler(|| {
        // A run started while we look is caught on a later pass: the pid of a
        // forked child is in /proc before `spawn` returns to the runner.
        for _ in 0..3 {
            for pid in children() {
                kill_group_and(pid);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        eprintln!(
            "compare: interrupted (Ctrl-C): the run in progress was stopped; nothing written"
        );
        std::process::exit(130);
    })
    .context("cannot install the Ctrl-C handler")
}

/// SIGKILL to `pid`'s process group (if it leads one: a measured run) and to `pid`.
#[cfg(unix)]
fn kill_group_and(pid: u32) {
    let pid = pid as libc::pid_t;
    // Safety: kill(2) on our own child (not reaped yet, so its pid, and a
    // group it leads, cannot belong to anyone else); an error (no such
    // group: the blog site leads none) changes nothing.
    unsafe {
        libc::kill(-pid, libc::SIGKILL);
        libc::kill(pid, libc::SIGKILL);
    }
}

#[cfg(not(unix))]
fn kill_group_and(_pid: u32) {}

/// compare's own child processes: from `/proc/*/stat` on Linux (field 4,
/// after the `(comm)`, is the parent's pid), from `pgrep -P` on other Unix.
fn children() -> Vec<u32> {
    let me = std::process::id();
    if cfg!(target_os = "linux") {
        let procs = std::fs::read_dir("/proc").into_iter().flatten().flatten();
        procs
            .filter_map(|entry| {
                let pid: u32 = entry.file_name().to_str()?.parse().ok()?;
                let stat = std::fs::read_to_string(entry.path().join("stat")).ok()?;
                let ppid: u32 = stat.rsplit(')').next()?.split_whitespace().nth(1)?.parse().ok()?;
                (ppid == me).then_some(pid)
            })
            .collect()
    } else if cfg!(unix) {
        let out = std::process::Command::new("pgrep").args(["-P", &me.to_string()]).output();
        let text = out.map(|o| String::from_utf8_lossy(&o.stdout).into_owned()).unwrap_or_default();
        text.lines().filter_map(|l| l.trim().parse().ok()).collect()
    } else {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn children_are_found() {
        let mut child = std::process::Command::new("sleep").arg("5").spawn().unwrap();
        let found = super::children().contains(&child.id());
        child.kill().unwrap();
        child.wait().unwrap();
        assert!(found || !cfg!(unix), "sleep (pid {}) is not among our children", child.id());
    }
}
