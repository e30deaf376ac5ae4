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
//!   with a temporary hostfile (a fresh cluster for the jobs a dead member
//!   left), a member's connections to its peers, its jobs and results
//!   (`multi_machine`'s plumbing);
//! - [`wire`]: a crawled page and a page job as they cross a pipe
//!   (`crawler_proc`'s; `shared::crawl`'s types have no serde derives);
//! - [`secs`] / [`positive_secs`]: the flag parsers for durations;
//! - [`ShaArgs`]: the sha jobs' `--jobs` and `--size` flags, in one flattened
//!   field of a bin's `Args` (the bins that hash share them);
//! - [`TempFile`]: a file removed when dropped (a counter file, a hostfile);
//! - [`http_get`]: a three-line HTTP/1.1 GET, its reply printed (`web_is_prime` asks itself);
//! - [`parse_numbers`]: `web_is_prime`'s input, `2,17,91`, or why not;
//! - [`cpu_count`]: `os.cpu_count()`, the default size of a pool;
//! - [`rayon_pool`]: a rayon pool whose threads are named `rayon-N`.

#![warn(missing_docs)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::builder::TypedValueParser;
use shared::workload::{SHA_JOBS, SHA_SIZE};

pub mod child;
pub mod launch;
pub mod pool;
pub mod wire;

/// The duration flags' parsers: 0 to 3600 s, and more than 0 (see `shared::workload`).
pub use shared::workload::{positive_secs_arg as positive_secs, secs_arg as secs};

/// The sha jobs' flags (note 004's `JOBS` and `SIZE`), shared by
/// `process_pool_hash`, `fault_isolation` and `multi_machine`. In a bin's
/// `Args`: `#[command(flatten)] sha: ShaArgs`; job `seed` hashes
/// `shared::workload::sha_job(size, seed)`.
#[derive(Debug, Clone, Copy, clap::Args)]
pub struct ShaArgs {
    /// How many jobs (the note's JOBS).
    #[arg(long, default_value_t = SHA_JOBS as u64, value_parser = clap::value_parser!(u64).range(1..=1000))]
    pub jobs: u64,
    /// Bytes hashed by each job (the note's SIZE; at most 2**28).
    #[arg(long, default_value_t = SHA_SIZE, value_parser = clap::value_parser!(u64).range(0..=1 << 28).map(|n| n as usize))]
    pub size: usize,
}

/// The number of CPUs, as `os.cpu_count()`: the default size of a pool
/// (`ProcessPoolExecutor()`'s too); 1 if it cannot be told.
pub fn cpu_count() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// A rayon thread pool of `n` threads named `rayon-0`, `rayon-1`, ... (the
/// names event lines and timeline rows show): the thread pool of the bins
/// that set one beside a process pool.
///
/// # Errors
/// If the threads cannot be started.
pub fn rayon_pool(n: usize) -> Result<rayon::ThreadPool> {
    let pool = rayon::ThreadPoolBuilder::new().num_threads(n);
    Ok(pool.thread_name(|i| format!("rayon-{i}")).build()?)
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

/// The largest number `web_is_prime` checks: its check takes well under a second.
pub const MAX_NUMBER: u64 = 1_000_000_000_000_000;

/// `web_is_prime`'s `numbers`: comma-separated whole numbers up to
/// [`MAX_NUMBER`]; or the message for a 400 reply, as
/// `bad number "abc": invalid digit found in string` or
/// `bad number "1000000000000001": more than 1000000000000000`.
///
/// # Errors
/// The message, if a number is not a whole number or is too big.
pub fn parse_numbers(numbers: &str) -> Result<Vec<u64>, String> {
    let parse = |s: &str| match s.parse::<u64>() {
        Ok(n) if n <= MAX_NUMBER => Ok(n),
        Ok(_) => Err(format!("bad number {s:?}: more than {MAX_NUMBER}")),
        Err(e) => Err(format!("bad number {s:?}: {e}")),
    };
    numbers.split(',').map(parse).collect()
}

/// A blocking HTTP/1.1 `GET path` to `addr` (no client library: the request
/// is three lines): the status code and the body, also printed as an event
/// line, `GET path -> 200 body`.
///
/// # Errors
/// If it cannot connect, the reply takes over 30 s, or is not HTTP.
pub fn http_get(addr: SocketAddr, path: &str) -> Result<(u16, String)> {
    let mut stream = TcpStream::connect(addr).context("cannot connect")?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n")?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?; // the server closes: Connection: close
    let (head, body) = response.split_once("\r\n\r\n").context("no end of headers")?;
    let status: u16 = head.split(' ').nth(1).and_then(|c| c.parse().ok()).context("no status")?;
    shared::event!("GET {path} -> {status} {}", body.trim_end());
    Ok((status, body.to_string()))
}
