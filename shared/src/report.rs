//! The `--json` line: what one run of an example did, for the comparison
//! harness (`compare`), which runs the bins and their Python twins as child
//! processes and measures each run from the outside.
//!
//! A bin run with `--json` prints its usual lines and then, last, one JSON
//! object on a line of its own:
//!
//! ```text
//! {"program":"crawler","lang":"rust","workload":"crawl","params":{"only":"single","pages":50},"costs":[{"label":"single thread","seconds":5.031}],"answer":"727 post links on 50 pages"}
//! ```
//!
//! - `program`: the bin (or twin) name; `lang`: `"rust"` or `"python"`;
//! - `workload`: the job, one of [`CRAWL`], [`PRIMES`], [`SHA`] (or the bin's
//!   own name for a demo that is no comparison job);
//! - `params`: the flags that shape the work (pages, count, jobs, size,
//!   workers, the variant run);
//! - `costs`: every cost line the run printed (`<label>, cost = X seconds`),
//!   as `{label, seconds}`;
//! - `answer`: what the job computed, in a form that is the same for every
//!   granularity and both languages ([`crawl_answer`], [`primes_answer`],
//!   [`sha_answer`]), so the harness can check that all contenders did the
//!   same work.
//!
//! A Python twin prints the same object with
//! `print(json.dumps({"program": ..., "lang": "python", ...}))`.
//! `cargo run -p examples-threads --bin crawler -- --json | tail -n 1` shows one.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
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

/// The `--json` line of one run (see the module docs for its shape).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// The bin or twin, e.g. `"crawler"`.
    pub program: String,
    /// `"rust"` or `"python"`.
    pub lang: String,
    /// The job: [`CRAWL`], [`PRIMES`], [`SHA`], or the bin's name.
    pub workload: String,
    /// The flags that shape the work, by name (serialised in name order).
    pub params: Map<String, Value>,
    /// Every cost line printed, in order.
    pub costs: Vec<Cost>,
    /// What the job computed (the same string for every contender of a job).
    pub answer: Option<String>,
}

impl Report {
    /// An empty report for `program` running `workload` (`lang` = `"rust"`).
    pub fn new(program: &str, workload: &str) -> Report {
        Report {
            program: program.to_string(),
            lang: "rust".to_string(),
            workload: workload.to_string(),
            params: Map::new(),
            costs: Vec::new(),
            answer: None,
        }
    }

    /// Adds a parameter: `.param("pages", 50)`.
    pub fn param(mut self, name: &str, value: impl Serialize) -> Report {
        let value = serde_json::to_value(value).unwrap_or(Value::Null);
        self.params.insert(name.to_string(), value);
        self
    }

    /// Records a cost line (what [`crate::timing::Stopwatch::report`] returns):
    /// `report.cost("single thread", sw.report("single thread"))`.
    pub fn cost(&mut self, label: &str, elapsed: Duration) {
        self.costs.push(Cost { label: label.to_string(), seconds: elapsed.as_secs_f64() });
    }

    /// Sets the answer (see [`crawl_answer`], [`primes_answer`], [`sha_answer`]).
    pub fn answer(&mut self, answer: impl Into<String>) {
        self.answer = Some(answer.into());
    }

    /// The report as one line of JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Prints the report as the last line of stdout if `json` (the bin's
    /// `--json` flag) is set; does nothing otherwise. Like every event line, a
    /// closed stdout is ignored.
    pub fn print_if(&self, json: bool) {
        if json {
            crate::timing::print_line(&self.to_json());
        }
    }

    /// Finds and parses the `--json` line in a run's stdout: the last line
    /// that parses as a [`Report`].
    pub fn from_stdout(stdout: &str) -> Option<Report> {
        stdout
            .lines()
            .rev()
            .filter(|l| l.starts_with('{'))
            .find_map(|l| serde_json::from_str(l).ok())
    }
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

/// A crawler's report before its costs and answer: `program`, the [`CRAWL`]
/// workload, `pages`, and `latency_ms` when the bin starts its own site (a
/// `--site` has a latency of its own, which the bin does not know).
pub fn crawl_report(program: &str, crawl: &crate::crawl::CrawlArgs) -> Report {
    let report = Report::new(program, CRAWL).param("pages", crawl.pages);
    match crawl.site {
        Some(_) => report,
        None => report.param("latency_ms", crawl.latency_ms),
    }
}

/// The name clap gives a `ValueEnum` value on the command line
/// (`AsyncStd` is `async-std`), for a report's `only` parameter.
pub fn value_name(value: &impl clap::ValueEnum) -> String {
    value.to_possible_value().map(|v| v.get_name().to_string()).unwrap_or_default()
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
    fn round_trip() {
        let mut r = Report::new("crawler", CRAWL).param("pages", 50).param("only", "single");
        r.cost("single thread", Duration::from_millis(5031));
        r.answer(crawl_answer(727, 50));
        let line = r.to_json();
        assert!(line.starts_with(r#"{"program":"crawler","lang":"rust","workload":"crawl","params":{"only":"single","pages":50},"costs":[{"label":"single thread","seconds":5.031}]"#), "{line}");
        let out = format!("[  0.001s main] hello\n{line}\n");
        assert_eq!(Report::from_stdout(&out), Some(r));
        assert_eq!(Report::from_stdout("no json here\n{not json"), None);
    }

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
