//! Workloads, timing, the local blog site and measurement for the
//! concurrency-pairs examples.
//!
//! This crate holds what the examples *use*, never what they *teach*: the CPU
//! and hashing jobs of the notes ([`workload`]), the `cost = X seconds` line and
//! the timestamped event log every example prints ([`timing`]), a real HTTP
//! blog site on loopback for the crawlers ([`site`]), the retries, timeouts
//! and account of every URL a crawler needs on a faulty site ([`crawl`]), and whole-process figures
//! from `getrusage` ([`measure`]), the `--json` line the comparison harness
//! reads ([`report`]) and the spans of who ran when that `compare timeline`
//! draws ([`spans`]), and (with the `testkit` feature, for the tests only)
//! running an example as a child with a time limit (`run`).
//! Each lesson stays whole inside its own bin.

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
