//! Processes: the multiprocessing notes mirrored with `std::process`.
//!
//! The bins re-execute themselves in a role (`--role ...`, chosen first thing
//! in `main`: the analogue of Python's `if __name__ == "__main__"` guard) and
//! talk to their children in JSON lines over pipes. What they share lives
//! here, and none of it is a lesson of its own:
//!
//! - [`child`]: re-executing this binary in a role (on the parent's clock), a
//!   child killed on drop, one JSON message per line;
//! - [`pool`]: a small pool of worker processes (the `ProcessPoolExecutor`
//!   analogue) that restarts a worker that dies and retries its job;
//! - [`launch`]: several members of a timely cluster started on 127.0.0.1
//!   with a temporary hostfile, and a member's hostfile and connect deadline
//!   (`multi_machine`'s plumbing);
//! - [`secs`] / [`positive_secs`]: the flag parsers for durations;
//! - [`TempFile`]: a file removed when dropped (a counter file, a hostfile).

#![warn(missing_docs)]

use std::path::PathBuf;
use std::time::Duration;

pub mod child;
pub mod launch;
pub mod pool;

/// The longest duration a flag takes, in seconds (an hour).
pub const MAX_SECS: u64 = 3600;

/// A clap `value_parser` for a duration flag in seconds, 0 to [`MAX_SECS`]:
/// `--interval 0.5`. NaN, infinities, negatives and anything longer are
/// refused with one line (clap exits with code 2), where
/// `Duration::from_secs_f64` would panic. The Python twins' `secs` refuses
/// the same values.
///
/// # Errors
/// A message naming the value and the range.
pub fn secs(s: &str) -> Result<Duration, String> {
    match s.parse::<f64>().map(Duration::try_from_secs_f64) {
        Ok(Ok(d)) if d <= Duration::from_secs(MAX_SECS) => Ok(d),
        _ => Err(format!(
            "{s} is not a number of seconds from 0 to {MAX_SECS}"
        )),
    }
}

/// As [`secs`], but 0 is refused too (a tick, a timeout that must elapse).
///
/// # Errors
/// A message naming the value and the range.
pub fn positive_secs(s: &str) -> Result<Duration, String> {
    match secs(s) {
        Ok(d) if !d.is_zero() => Ok(d),
        _ => Err(format!(
            "{s} is not a number of seconds more than 0, at most {MAX_SECS}"
        )),
    }
}

/// A path whose file is removed when this is dropped, on error paths too
/// (errors removing it are ignored: it may never have been created).
#[derive(Debug)]
pub struct TempFile(pub PathBuf);

impl TempFile {
    /// `<temp dir>/<name>-<this process's id><suffix>`: unique per run.
    pub fn new(name: &str, suffix: &str) -> Self {
        let file = format!("{name}-{}{suffix}", std::process::id());
        TempFile(std::env::temp_dir().join(file))
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}
