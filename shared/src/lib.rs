//! Workloads, timing, the local blog site and measurement for the
//! concurrency-pairs examples.
//!
//! This crate holds what the examples *use*, never what they *teach*: the CPU
//! and hashing jobs of the notes ([`workload`]), the `cost = X seconds` line and
//! the timestamped event log every example prints ([`timing`]), a real HTTP
//! blog site on loopback for the crawlers ([`site`]), and whole-process figures
//! from `getrusage` ([`measure`]), and running an
//! example as a child with a time limit, for the tests ([`run`]). Each lesson stays whole inside its own bin.

#![warn(missing_docs)]

pub mod measure;
pub mod run;
pub mod site;
pub mod timing;
pub mod workload;
