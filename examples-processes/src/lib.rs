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
//! - [`wire`]: a crawled page and a page job as they cross a pipe
//!   (`crawler_proc`'s; `shared::crawl`'s types have no serde derives);
//! - [`secs`] / [`positive_secs`]: the flag parsers for durations;
//! - [`TempFile`]: a file removed when dropped (a counter file, a hostfile).

#![warn(missing_docs)]

use std::path::PathBuf;

pub mod child;
pub mod launch;
pub mod pool;
pub mod wire;

/// The duration flags' parsers: 0 to 3600 s, and more than 0 (see `shared::workload`).
pub use shared::workload::{positive_secs_arg as positive_secs, secs_arg as secs};

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
