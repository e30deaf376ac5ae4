//! Workloads, timing, the local blog site and measurement for the
//! concurrency-pairs examples.
//!
//! This crate holds what the examples *use*, never what they *teach*: the CPU
//! and hashing jobs of the notes ([`workload`]), the `cost = X seconds` line and
//! the timestamped event log every example prints ([`timing`]), a real HTTP
//! blog site on loopback for the crawlers ([`site`]), the retries, timeouts
//! and account of every URL a crawler needs on a faulty site ([`crawl`]), and whole-process figures
//! from `getrusage` ([`measure`]), the answers the comparison harness
//! checks ([`report`]) and the spans of who ran when that `compare timeline`
//! draws ([`spans`], recorded by `shared` itself), and running an example as
//! a child with a time limit (`run`, with the `testkit` feature: the tests
//! and `compare`). Each lesson stays whole inside its own bin, which reaches
//! all this through one line: `let _run = shared::init()?;`.

#![warn(missing_docs)]

pub mod crawl;
pub mod measure;
pub mod report;
#[cfg(feature = "testkit")]
pub mod run;
pub mod site;
pub mod spans;
pub mod timing;
pub mod workload;

/// Sets up a bin, first thing in `main`: `let _run = shared::init()?;`.
///
/// 1. [`quiet_backtraces`]: an error returned from `main` prints one
///    `Error: ...` message (exit code 1), no backtrace;
/// 2. starts the clock of the event lines ([`timing::epoch`]) and exports it
///    ([`timing::EPOCH_ENV`]) so child processes count from the same start;
/// 3. if `CONCURRENCY_PAIRS_SPANS=FILE` is set ([`spans::SPANS_ENV`], as
///    compare and the tests set it), starts recording spans, which `shared`
///    records by itself (see [`spans`]); the file is opened now, so a bad path
///    fails before any work. In a child process of a recording run, rows
///    are named `ROW (pid P)` ([`spans::ROOT_ENV`]).
///
/// The returned [`Run`] appends every recorded span to the file, in one
/// write, when it drops at the end of `main` (a child process that calls
/// `init` appends its own). Without the variable it does nothing.
///
/// Call it before any thread is spawned: it sets environment variables.
///
/// # Errors
/// `cannot create the spans file FILE: ...` when the variable names a file
/// that cannot be written.
pub fn init() -> anyhow::Result<Run> {
    quiet_backtraces();
    timing::epoch();
    if std::env::var_os(timing::EPOCH_ENV).is_none()
        && let Some(t0) = timing::epoch_ns()
    {
        // Safety: as in `quiet_backtraces`, no other thread exists yet.
        unsafe { std::env::set_var(timing::EPOCH_ENV, t0) };
    }
    let recording = spans::start_from_env()?;
    if recording {
        spans::claim_root();
    }
    Ok(Run { recording })
}

/// The guard [`init`] returns: keep it alive for the whole of `main`
/// (`let _run = ...`, not `let _ = ...`). When it drops it appends the spans
/// recorded to the spans file (when recording; a failure to write is printed
/// to stderr, as a drop cannot return it).
#[must_use = "bind it for the whole of main: `let _run = shared::init()?;` (its drop writes the spans)"]
#[derive(Debug)]
pub struct Run {
    recording: bool,
}

impl Run {
    /// True if this run records spans (`CONCURRENCY_PAIRS_SPANS` was set).
    pub fn recording(&self) -> bool {
        self.recording
    }
}

impl Drop for Run {
    fn drop(&mut self) {
        if self.recording
            && let Err(e) = spans::flush()
        {
            eprintln!("Error: {e:#}");
        }
    }
}

/// Turns off anyhow's backtrace capture (sets `RUST_LIB_BACKTRACE=0` unless it
/// is already set), so an expected error returned from `main` (a broken
/// barrier, a port in use, a site that fails) prints one message, `Error: ...`
/// with its causes, and exits with code 1, even where `RUST_BACKTRACE=1` is set
/// in the environment. Panics keep their backtraces.
///
/// Call it first thing in `main`, before any thread is spawned: that is what
/// makes changing the environment sound. Without it (say, in code you copy
/// out) nothing breaks; errors just carry a backtrace when `RUST_BACKTRACE=1`.
pub fn quiet_backtraces() {
    if std::env::var_os("RUST_LIB_BACKTRACE").is_none() {
        // Safety: `set_var` is sound while no other thread reads or writes the
        // environment; this runs first thing in `main`, before any thread exists.
        unsafe { std::env::set_var("RUST_LIB_BACKTRACE", "0") };
    }
}
