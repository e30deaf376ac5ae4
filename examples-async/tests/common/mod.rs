//! Helpers shared by the test files: each says `mod common;`. A file that
//! leaves one of them unused would warn about it, hence the allow.
#![allow(dead_code, unused_imports)]

pub use shared::run::RunOutput;
/// The assertions every crate's tests use (`ok`, `pos`, `count`, `line`, ...).
pub use shared::run::checks::*;

/// The crate's directory, where `run_twin` finds `python/<bin>.py`.
pub const DIR: &str = env!("CARGO_MANIFEST_DIR");

use shared::spans::Span;

/// The spans on row `name`, in start order.
pub fn row<'a>(spans: &'a [Span], name: &str) -> Vec<&'a Span> {
    let mut row: Vec<&Span> = spans.iter().filter(|s| s.name == name).collect();
    row.sort_by(|a, b| a.start.total_cmp(&b.start));
    row
}
