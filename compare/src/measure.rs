//! One run of one contender, measured from the outside as a whole process
//! (tree): wall time, user + system CPU time, CPU utilisation, peak memory.
//! The runner itself is the workspace's one process-group runner,
//! `shared::run::run_measured` (the tests use it too).
//!
//! - **Wall time**: from just before `spawn` to the child's exit, in seconds.
//! - **CPU time**: `wait4(2)`'s rusage of the child, which also counts every
//!   descendant it waited for (a pool's worker processes), in seconds.
//! - **Peak RSS**: on Linux, the sum over the process tree of each process's
//!   own high-water mark (`VmHWM`), sampled every 20 ms while the run lasts,
//!   and never less than `wait4`'s `ru_maxrss` (the largest single process).
//!   A pool of 2 workers beside its parent therefore counts 3 processes'
//!   memory, as `ps` would show it. Other Unix systems: `ru_maxrss` only.
//!   Not Unix: wall time only, CPU and memory read 0 ([`SUPPORTED`]).

use std::process::Command;
use std::time::Duration;

use anyhow::Result;
use serde::Serialize;

/// True where CPU time and peak memory are measured (Unix); elsewhere they
/// read as zero.
pub const SUPPORTED: bool = shared::run::USAGE_SUPPORTED;

/// What one run of a child process cost, and what it printed.
#[derive(Debug, Clone, Serialize)]
pub struct Run {
    /// Wall time, spawn to exit, in seconds.
    pub wall_secs: f64,
    /// User CPU time of the child and its waited-for descendants, in seconds.
    pub user_secs: f64,
    /// System CPU time of the same, in seconds.
    pub sys_secs: f64,
    /// Peak resident memory of the process tree, in bytes (see the module docs).
    pub peak_rss_bytes: u64,
    /// How many processes the tree held at one time or another (1 for a
    /// single process; 0 where not measured).
    pub processes: usize,
    /// The exit code, `None` if killed by a signal or by the time limit.
    pub code: Option<i32>,
    /// True if the time limit ran out and the tree was killed.
    pub timed_out: bool,
    /// Standard output, lossily decoded.
    #[serde(skip)]
    pub stdout: String,
    /// Standard error, lossily decoded.
    #[serde(skip)]
    pub stderr: String,
}

impl Run {
    /// User + system CPU time, in seconds.
    pub fn cpu_secs(&self) -> f64 {
        self.user_secs + self.sys_secs
    }

    /// CPU time / wall time: how many cores were kept busy on average.
    pub fn utilisation(&self) -> f64 {
        if self.wall_secs > 0.0 { self.cpu_secs() / self.wall_secs } else { 0.0 }
    }

    /// Exited by itself with code 0.
    pub fn success(&self) -> bool {
        self.code == Some(0) && !self.timed_out
    }

    /// The last lines of stderr (or stdout), for an error message.
    pub fn tail(&self) -> String {
        let lines: Vec<&str> = if self.stderr.trim().is_empty() {
            self.stdout.lines().collect()
        } else {
            self.stderr.lines().collect()
        };
        lines[lines.len().saturating_sub(5)..].join("\n")
    }
}

/// Runs `cmd` to completion (stdin closed, stdout and stderr captured) and
/// measures it. The child gets a process group of its own; if it has not
/// exited after `timeout`, the whole group is killed (`timed_out`).
///
/// # Errors
/// The program cannot be started, or waiting for it fails.
pub fn run(cmd: &mut Command, timeout: Duration) -> Result<Run> {
    let (out, usage) = shared::run::run_measured(cmd, timeout, true)?;
    Ok(Run {
        wall_secs: out.wall_secs,
        user_secs: usage.user_secs,
        sys_secs: usage.sys_secs,
        peak_rss_bytes: usage.peak_rss_bytes,
        processes: usage.processes,
        code: out.code,
        timed_out: out.timed_out,
        stdout: out.stdout,
        stderr: out.stderr,
    })
}
