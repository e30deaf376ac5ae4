//! Who ran when: spans of work (a row name, what was done, start, end),
//! recorded cheaply while an example runs and written as JSON lines for
//! `compare timeline` to draw, one row per thread, task or process.
//!
//! A bin that takes `--spans FILE` does three things:
//!
//! ```no_run
//! # fn main() -> anyhow::Result<()> {
//! # let path: Option<std::path::PathBuf> = None;
//! // 1. first thing: create the file (a bad path fails now, not after the work)
//! let spans = shared::spans::SpanFile::create(path.as_deref())?;
//! // 2. around each piece of work: a guard, named after the current thread
//! {
//!     let _span = shared::spans::span("page 3"); // ends when dropped
//!     // ... fetch page 3 ...
//! }
//! // an async task has no thread of its own: name its row
//! let _span = shared::spans::span_as("task-2", "page 7");
//! # drop(_span);
//! // 3. last: write every span recorded
//! spans.finish()?;
//! # Ok(()) }
//! ```
//!
//! One line per span, times in seconds since the program's clock started
//! ([`crate::timing::epoch`], the clock of the event lines):
//!
//! ```text
//! {"name":"craw-3","what":"page 3","start":0.1012,"end":0.2034}
//! ```
//!
//! Cheap: while no file was asked for, a span costs one relaxed atomic load
//! and formats nothing; while recording, two `Instant::now()` calls, the
//! label and one push onto a mutex-guarded vector, written out only at the
//! end (no I/O while the work runs).
//!
//! Child processes: [`share`] passes the file to a child (an environment
//! variable, beside [`crate::timing::share_epoch`]'s clock), and the child's
//! own `SpanFile::create(None)` then appends its spans, in one write, when it
//! finishes; so a parent's and its children's spans land in one file on one
//! clock.
//!
//! A Python twin writes the same lines with
//! `json.dumps({"name": ..., "what": ..., "start": ..., "end": ...})`, times
//! from `time.perf_counter() - START`.

use std::fmt::Display;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use crate::timing::{epoch, thread_name};

/// The environment variable through which a child process learns the spans
/// file of its parent (set by [`share`]).
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

/// True while spans are being recorded (a `--spans FILE` was given, or this
/// process is a child of one that records).
pub fn enabled() -> bool {
    RECORDING.load(Ordering::Relaxed)
}

fn secs(t: Instant) -> f64 {
    t.saturating_duration_since(epoch()).as_secs_f64()
}

/// Records a finished span of `name`'s work from `start` to `end` (nothing
/// while not [`enabled`]).
pub fn record(name: &str, what: impl Display, start: Instant, end: Instant) {
    if !enabled() {
        return;
    }
    let span = Span {
        name: name.to_string(),
        what: what.to_string(),
        start: secs(start),
        end: secs(end),
    };
    // unwrap: the lock is poisoned only if a push panicked (out of memory).
    SPANS.lock().unwrap().push(span);
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

/// Opens a span of the current thread's work (its row is the thread's
/// name, see [`crate::timing::thread_name`]), ending when the guard drops.
pub fn span(what: impl Display) -> SpanGuard {
    if !enabled() {
        return SpanGuard { open: None };
    }
    SpanGuard {
        open: Some((thread_name(), what.to_string(), Instant::now())),
    }
}

/// Opens a span on the row `name` (an async task, a process role), ending
/// when the guard drops; the guard is `Send`, so it may be held across an
/// `.await`.
pub fn span_as(name: &str, what: impl Display) -> SpanGuard {
    if !enabled() {
        return SpanGuard { open: None };
    }
    SpanGuard {
        open: Some((name.to_string(), what.to_string(), Instant::now())),
    }
}

/// Lets a child process started from `cmd` record into this process's spans
/// file (its spans are appended when it calls [`SpanFile::finish`]). Does
/// nothing while not recording. Share the clock too
/// ([`crate::timing::share_epoch`]), or the child's times start from its own
/// start.
pub fn share(cmd: &mut std::process::Command) -> &mut std::process::Command {
    // unwrap: poisoned only if a panic happened while the path was set.
    if let Some(path) = PATH.lock().unwrap().as_ref() {
        cmd.env(SPANS_ENV, path);
    }
    cmd
}

/// The spans file of this run: where [`SpanFile::finish`] writes the spans.
#[must_use = "call `finish()` to write the spans"]
pub struct SpanFile {
    path: Option<PathBuf>,
}

impl SpanFile {
    /// Starts recording if `path` is given (the `--spans FILE` flag): the file
    /// is created (or emptied) now, so a bad path fails before the work
    /// starts. With no path, a child process whose parent [`share`]d its file
    /// records and will append to that file; otherwise nothing is recorded.
    ///
    /// # Errors
    /// The file cannot be created (a missing directory, no permission).
    pub fn create(path: Option<&Path>) -> Result<SpanFile> {
        epoch(); // the clock spans count from
        let path = match path {
            Some(p) => {
                File::create(p)
                    .with_context(|| format!("cannot create the spans file {}", p.display()))?;
                Some(p.to_path_buf())
            }
            None => std::env::var_os(SPANS_ENV).map(PathBuf::from),
        };
        if let Some(p) = &path {
            // unwrap: see `share`.
            *PATH.lock().unwrap() = Some(p.clone());
            RECORDING.store(true, Ordering::Relaxed);
        }
        Ok(SpanFile { path })
    }

    /// Stops recording and appends every span recorded so far to the file,
    /// one JSON line each, in one write (so the lines of processes that share
    /// the file never interleave). Does nothing when not recording.
    ///
    /// # Errors
    /// The file cannot be opened or written.
    pub fn finish(self) -> Result<()> {
        let Some(path) = self.path else {
            return Ok(());
        };
        RECORDING.store(false, Ordering::Relaxed);
        let spans = std::mem::take(&mut *SPANS.lock().unwrap());
        let mut buf = String::new();
        for s in &spans {
            buf.push_str(&serde_json::to_string(s)?);
            buf.push('\n');
        }
        let write = || -> std::io::Result<()> {
            let mut f = OpenOptions::new().append(true).create(true).open(&path)?;
            f.write_all(buf.as_bytes())
        };
        write().with_context(|| format!("cannot write the spans file {}", path.display()))
    }
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

    #[test]
    fn records_and_writes() {
        let dir = std::env::temp_dir().join(format!("spans-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("spans.jsonl");
        drop(span("before recording")); // not recorded
        let file = SpanFile::create(Some(&path)).unwrap();
        assert!(enabled());
        {
            let _a = span_as("task-1", "page 1");
            std::thread::Builder::new()
                .name("craw-2".into())
                .spawn(|| drop(span("page 2")))
                .unwrap()
                .join()
                .unwrap();
        }
        file.finish().unwrap();
        assert!(!enabled());
        let mut spans = read(&path).unwrap();
        spans.sort_by(|a, b| a.name.cmp(&b.name));
        assert_eq!(spans.len(), 2, "{spans:?}");
        assert_eq!(
            (spans[0].name.as_str(), spans[0].what.as_str()),
            ("craw-2", "page 2")
        );
        assert_eq!(
            (spans[1].name.as_str(), spans[1].what.as_str()),
            ("task-1", "page 1")
        );
        assert!(spans.iter().all(|s| 0.0 <= s.start && s.start <= s.end));
        // task-1's span encloses craw-2's
        assert!(spans[1].start <= spans[0].start && spans[0].end <= spans[1].end);
        std::fs::write(&path, "{\"name\":\"x\"}\n").unwrap();
        assert!(read(&path).unwrap_err().to_string().contains("line 1"));
        assert!(SpanFile::create(Some(&dir.join("no/such/dir/s.jsonl"))).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
