//! The comparison harness: the notes' granularity table (single thread,
//! coroutines, threads, processes, machines) measured for real, each Rust
//! example bin beside its Python twin, run as child processes and measured
//! from the outside; and the timelines of who ran when.
//!
//! Not a lesson: plumbing around the lessons, so it leans on libraries
//! (comfy-table, csv, indicatif, plotters) and keeps them out of every
//! example's build.
//!
//! - [`contenders`]: who competes, with which flags;
//! - [`measure`]: one run of a child process tree (wall, CPU, peak RSS);
//! - [`runner`]: every pair, round after round, and the answer check;
//! - [`stats`]: medians, spreads and pair-by-pair ratios;
//! - [`output`]: the table, JSON and CSV; [`chart`]: the SVG bars;
//! - [`timeline`]: spans files drawn as SVG; [`site`]: the blog site process;
//! - [`python`]: the Pythons (`--python`), their versions and GIL; [`stop`]: Ctrl-C.

#![warn(missing_docs)]

pub mod chart;
pub mod contenders;
pub mod measure;
pub mod output;
pub mod python;
pub mod runner;
pub mod site;
pub mod stats;
pub mod stop;
pub mod timeline;
