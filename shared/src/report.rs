//! What the comparison harness (`compare`) reads from a run: the lines a
//! bin prints for a person. Every cost line (`<label>, cost = X seconds`,
//! [`parse_costs`]) and, for a comparison job, one answer line:
//!
//! ```text
//! answer: 727 post links on 50 pages
//! ```
//!
//! printed with `println!("answer: {}", shared::report::crawl_answer(found, pages))`
//! (or [`primes_answer`], [`sha_answer`]); the answer is the same string for
//! every granularity and both languages (the Python twins print it with
//! `blog_spider.answer(blog_spider.crawl_answer(...))`), so the harness can
//! check that all contenders of a job ([`CRAWL`], [`PRIMES`], [`SHA`]) did
//! the same work ([`parse_answer`]).

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The I/O-bound job: crawling the local blog site.
pub const CRAWL: &str = "crawl";
/// The CPU-bound job: `is_prime` over [`crate::workload::PRIMES`].
pub const PRIMES: &str = "primes";
/// The CPU-bound hashing job: `sha_job(size, seed)` for seeds `0..jobs`.
pub const SHA: &str = "sha";

/// One cost line: `<label>, cost = <seconds> seconds`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cost {
    /// The cost line's label, e.g. `"single thread"`.
    pub label: String,
    /// Wall time, in seconds, as the bin measured it inside the process.
    pub seconds: f64,
}

/// The start of the one line a comparison job prints for the harness:
/// `answer: 727 post links on 50 pages` (`println!("answer: {}", crawl_answer(..))`;
/// Python: `blog_spider.answer(text)`).
pub const ANSWER_PREFIX: &str = "answer: ";

/// What the harness reads from a run's stdout, the lines a bin prints for a
/// person: every cost line ([`crate::timing::parse_cost_line`]), in order.
pub fn parse_costs(stdout: &str) -> Vec<Cost> {
    stdout
        .lines()
        .filter_map(crate::timing::parse_cost_line)
        .map(|(label, seconds)| Cost { label: label.to_string(), seconds })
        .collect()
}

/// The run's answer: the text of its last `answer: ...` line, if any.
pub fn parse_answer(stdout: &str) -> Option<String> {
    stdout
        .lines()
        .rev()
        .find_map(|l| l.strip_prefix(ANSWER_PREFIX))
        .map(|a| a.trim_end().to_string())
}

/// The crawl's answer: `"{posts} post links on {pages} pages"`.
/// Python: `f"{posts} post links on {pages} pages"`.
pub fn crawl_answer(posts: usize, pages: u32) -> String {
    format!("{posts} post links on {pages} pages")
}

/// The CPU job's answer: `"{primes} of {checked} prime"`.
/// Python: `f"{sum(answers)} of {len(answers)} prime"`.
pub fn primes_answer(answers: &[bool]) -> String {
    let primes = answers.iter().filter(|&&p| p).count();
    format!("{primes} of {} prime", answers.len())
}

/// The sha jobs' answer: `"{jobs} digests, sha256 of all: <hex>"`, the
/// SHA-256 of the hex digests concatenated in job (seed) order, so any
/// completion order gives the same answer.
/// Python: `f"{len(d)} digests, sha256 of all: {hashlib.sha256(''.join(d).encode()).hexdigest()}"`.
pub fn sha_answer(digests_in_seed_order: &[String]) -> String {
    let mut h = Sha256::new();
    for d in digests_in_seed_order {
        h.update(d.as_bytes());
    }
    let hex: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
    format!("{} digests, sha256 of all: {hex}", digests_in_seed_order.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn costs_and_answer_are_read_from_what_a_person_reads() {
        let out = "[  0.001s main] hello\nsingle thread, cost = 1.500 seconds\n\
                   multi thread, cost = 0.250 seconds\nanswer: 2 of 3 prime\n";
        let costs = parse_costs(out);
        assert_eq!(costs.len(), 2);
        assert_eq!((costs[1].label.as_str(), costs[1].seconds), ("multi thread", 0.25));
        assert_eq!(parse_answer(out).as_deref(), Some("2 of 3 prime"));
        assert_eq!(parse_answer("no answer here\n"), None);
    }

    #[test]
    fn answers() {
        assert_eq!(primes_answer(&[true, true, false]), "2 of 3 prime");
        // hashlib.sha256("".join(["ab", "cd"]).encode()).hexdigest()
        assert_eq!(
            sha_answer(&["ab".to_string(), "cd".to_string()]),
            "2 digests, sha256 of all: 88d4266fd4e6338d13b845fcf289579d209c897823b9217da3e161936f031589"
        );
    }
}
