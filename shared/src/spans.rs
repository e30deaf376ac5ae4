//! Who ran when: spans of work (a row name, what was done, start, end),
//! recorded cheaply while an example runs and written as JSON lines for
//! `compare timeline` to draw, one row per thread, task or process.
//!
//! A bin records nothing itself. [`crate::init`] starts recording when the
//! environment variable [`SPANS_ENV`] (`CONCURRENCY_PAIRS_SPANS=FILE`) is set
//! (compare and the tests set it), and `shared` records by itself:
//!
//! - `crawl::fetch_with_retry` / `fetch_with_retry_async`: `page N`;
//! - `timing::timed` / `Stopwatch::report(label)`: a span named `label`;
//! - `workload::is_prime(n)` (n above [`crate::workload::SPAN_MIN_PRIME`]):
//!   `is_prime N`; `workload::sha_job`: `sha seed N`;
//! - every `event!` line: a mark (start == end, what = the message).
//!
//! The row is [`crate::timing::thread_name`]: the thread's name, or the
//! task's inside [`crate::timing::named`]. A crate's own library code may
//! open a span itself with [`span`] (ends when the guard drops).
//!
//! One line per span, times in seconds since the program's clock started
//! ([`crate::timing::epoch`], the clock of the event lines):
//!
//! ```text
//! {"name":"craw-3","what":"page 3","start":0.1012,"end":0.2034}
//! ```
//!
//! Cheap: while not recording, a span costs one relaxed atomic load and
//! formats nothing; while recording, two `Instant::now()` calls, the label
//! and one push onto a mutex-guarded vector, written out only at the end
//! (no I/O while the work runs): the [`crate::Run`] guard appends every span
//! in one write when it drops.
//!
//! Child processes inherit the environment variable (and the clock, which
//! `init` exports in [`crate::timing::EPOCH_ENV`]), so a child that calls
//! `shared::init()` appends its own spans to the same file on the same clock.
//! The Python twins get the same from `shared/python/blog_spider.py`.
//!
use std::fmt::Display;
use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use crate::timing::{epoch, thread_name};

/// The environment variable naming the spans file: set it on a child
/// (`cmd.env(SPANS_ENV, path)`) and the child's `shared::init()` (or the
/// twin's `import blog_spider`) records and appends its spans there.
pub const SPANS_ENV: &str = "CONCURRENCY_PAIRS_SPANS";

/// One span of work: one JSON line of a spans file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Span {
    /// The row: the thread, task or process that did the work (`craw-3`).
    pub name: String,
    /// What it did (`page 3`).
    pub what: String,
    /// When it started, in seconds since the program's clock started.
    pub start: f64,
    /// When it ended, in seconds since the program's clock started.
    pub end: f64,
}

static RECORDING: AtomicBool = AtomicBool::new(false);
static SPANS: Mutex<Vec<Span>> = Mutex::new(Vec::new());
/// The file being recorded to, for [`share`].
static PATH: Mutex<Option<PathBuf>> = Mutex::new(None);
/// ` (pid P)` in a child process of the recording run (see [`ROOT_ENV`]).
static CHILD_TAG: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// The environment variable holding the pid of the process that started a
/// recording (set by [`crate::init`] in the first process that records).
/// A process that records under another process's pid is a child: its rows
/// are named `ROW (pid P)` (`main (pid 4242)`), so a pool's workers get rows
/// of their own beside the parent's `main`. The Python module does the same.
pub const ROOT_ENV: &str = "CONCURRENCY_PAIRS_SPANS_ROOT";

/// Marks this process as the root of a recording, or (if a parent already
/// is) tags its rows with its pid; called by [`crate::init`] while no other
/// thread exists (it may set [`ROOT_ENV`]).
pub(crate) fn claim_root() {
    let pid = std::process::id().to_string();
    match std::env::var(ROOT_ENV) {
        Ok(root) if root != pid => {
            let _ = CHILD_TAG.set(format!(" (pid {pid})"));
        }
        Ok(_) => {}
        // Safety: called first thing in `main` (by `init`), before any thread exists.
        Err(_) => unsafe { std::env::set_var(ROOT_ENV, pid) },
    }
}

/// True while spans are being recorded ([`SPANS_ENV`] was set at
/// [`crate::init`], or [`start`] was called): one relaxed atomic load.
pub fn enabled() -> bool {
    RECORDING.load(Ordering::Relaxed)
}

fn secs(t: Instant) -> f64 {
    t.saturating_duration_since(epoch()).as_secs_f64()
}

/// Starts recording into `path` (appending; the file is not emptied, so a
/// parent and its children can share it: the caller of a run makes it fresh).
/// The file is opened now, so a bad path fails before any work.
///
/// # Errors
/// `cannot create the spans file PATH: <why>` (a missing directory, no permission).
pub fn start(path: &Path) -> Result<()> {
    start_named(path, "")
}

fn start_named(path: &Path, origin: &str) -> Result<()> {
    epoch(); // the clock spans count from
    OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)
        .with_context(|| format!("cannot create the spans file {}{origin}", path.display()))?;
    // unwrap: see `share`.
    *PATH.lock().unwrap() = Some(path.to_path_buf());
    RECORDING.store(true, Ordering::Relaxed);
    Ok(())
}

/// Starts recording if [`SPANS_ENV`] names a file (see [`start`]); returns
/// whether it did. An empty value counts as unset.
///
/// # Errors
/// `cannot create the spans file PATH (named by CONCURRENCY_PAIRS_SPANS): <why>`.
pub fn start_from_env() -> Result<bool> {
    match std::env::var_os(SPANS_ENV).filter(|v| !v.is_empty()) {
        Some(p) => start_named(Path::new(&p), &format!(" (named by {SPANS_ENV})")).map(|()| true),
        None => Ok(false),
    }
}

/// Stops recording and appends every span recorded so far to the file given
/// to [`start`], one JSON line each, in one write (so the lines of processes
/// that share the file never interleave). Does nothing when not recording.
///
/// # Errors
/// `cannot write the spans file PATH` if it cannot be opened or written.
pub fn flush() -> Result<()> {
    RECORDING.store(false, Ordering::Relaxed);
    // unwrap: see `share`.
    let Some(path) = PATH.lock().unwrap().take() else {
        return Ok(());
    };
    write_out(&path)
}

fn write_out(path: &Path) -> Result<()> {
    // unwrap: the lock is poisoned only if a push panicked (out of memory).
    let spans = std::mem::take(&mut *SPANS.lock().unwrap());
    if spans.is_empty() {
        return Ok(());
    }
    let mut buf = String::new();
    for s in &spans {
        buf.push_str(&serde_json::to_string(s)?);
        buf.push('\n');
    }
    let write = || -> std::io::Result<()> {
        let mut f = OpenOptions::new().append(true).create(true).open(path)?;
        f.write_all(buf.as_bytes())
    };
    write().with_context(|| format!("cannot write the spans file {}", path.display()))
}

/// Records a mark on `who`'s row: a span with start == end == `at` seconds
/// (what an `event!` line records). Nothing while not [`enabled`].
pub fn mark_at(who: &str, what: &str, at: f64) {
    if !enabled() {
        return;
    }
    push(Span { name: who.to_string(), what: what.to_string(), start: at, end: at });
}

/// Records a finished span of the current row's work (thread or named task)
/// from `start` to `end`. Nothing while not [`enabled`].
pub fn record_here(what: impl Display, start: Instant, end: Instant) {
    if enabled() {
        record(&thread_name(), what, start, end);
    }
}

fn push(mut span: Span) {
    if let Some(tag) = CHILD_TAG.get()
        && !span.name.contains(" (pid ")
    {
        span.name.push_str(tag);
    }
    // unwrap: the lock is poisoned only if a push panicked (out of memory).
    SPANS.lock().unwrap().push(span);
}

/// Records a finished span of `name`'s work from `start` to `end` (nothing
/// while not [`enabled`]).
pub fn record(name: &str, what: impl Display, start: Instant, end: Instant) {
    if !enabled() {
        return;
    }
    push(Span {
        name: name.to_string(),
        what: what.to_string(),
        start: secs(start),
        end: secs(end),
    });
}

/// An open span; it is recorded, ending now, when dropped.
#[must_use = "a span ends when its guard is dropped: bind it with `let _span = ...`"]
pub struct SpanGuard {
    open: Option<(String, String, Instant)>,
}

impl Drop for SpanGuard {
    fn drop(&mut self) {
        if let Some((name, what, start)) = self.open.take() {
            record(&name, what, start, Instant::now());
        }
    }
}

/// Opens a span of the current row's work (the thread's name, or the task's
/// inside [`crate::timing::named`]; see [`crate::timing::thread_name`]),
/// ending when the guard drops. `what` is formatted only while recording, so
/// `span(format_args!("page {n}"))` costs one atomic load when off.
pub fn span(what: impl Display) -> SpanGuard {
    if !enabled() {
        return SpanGuard { open: None };
    }
    SpanGuard { open: Some((thread_name(), what.to_string(), Instant::now())) }
}

/// Reads a spans file: one [`Span`] per non-empty line.
///
/// # Errors
/// The file cannot be read, or a line is not a span (its number is given).
pub fn read(path: &Path) -> Result<Vec<Span>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the spans file {}", path.display()))?;
    (1..)
        .zip(text.lines())
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(n, l)| {
            serde_json::from_str(l)
                .with_context(|| format!("{} line {n} is not a span: {l:?}", path.display()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    // Recording itself is process-wide: it is tested in tests/spans.rs, one
    // process of its own.
    #[test]
    fn reading_names_the_bad_line() {
        let path = std::env::temp_dir().join(format!("spans-read-{}.jsonl", std::process::id()));
        std::fs::write(&path, "{\"name\":\"a\",\"what\":\"b\",\"start\":0.5,\"end\":1.0}\n\n")
            .unwrap();
        assert_eq!(read(&path).unwrap()[0].end, 1.0);
        std::fs::write(&path, "{\"name\":\"x\"}\n").unwrap();
        assert!(read(&path).unwrap_err().to_string().contains("line 1"));
        std::fs::remove_file(&path).unwrap();
        assert!(read(&path).unwrap_err().to_string().contains("cannot read the spans file"));
    }
}
