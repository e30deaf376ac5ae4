//! Who competes: the notes' granularity table, one row per (job,
//! granularity), each a Rust example bin beside its Python twin, with the
//! flags that make every contender of a job do the same work.
//!
//! The notes (`001_02a52d28409d88e4.txt`): "程序运行的5种并发粒度" (the five
//! granularities a program runs at): 单线程 (single thread), 单线程多协程
//! (one thread, many coroutines), 多线程 (threads), 多进程 (processes), 多机器
//! (machines). Added here: the thread pool beside one-thread-per-page, and
//! the three Rust async runtimes.

use std::path::{Path, PathBuf};

use serde::Serialize;

/// The machines granularity: both sides' default, 2 members on 127.0.0.1
/// (`multi_machine -n 2`, `multi_machine.py --workers 2`), talking over TCP.
pub const MACHINES: &str = "machines (2 processes, TCP)";

/// The three jobs, in the order they are run and shown.
pub const JOBS: [&str; 3] = [shared::report::CRAWL, shared::report::PRIMES, shared::report::SHA];

/// One job's kind, for the table: `I/O`(-bound) or `CPU`(-bound).
pub fn job_kind(job: &str) -> &'static str {
    if job == shared::report::CRAWL { "I/O" } else { "CPU" }
}

/// How big each job is.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Workloads {
    /// Crawl: list pages of the local blog site.
    pub pages: u32,
    /// Crawl: the site's latency per request, in milliseconds.
    pub latency_ms: u64,
    /// Primes: how many of the 100 PRIMES to check.
    pub count: u32,
    /// Sha: how many jobs (the notes' JOBS).
    pub jobs: u32,
    /// Sha: bytes hashed per job (the notes' SIZE).
    pub size: u64,
}

impl Workloads {
    /// The notes' own workloads: 50 pages at 100 ms, PRIMES (100 x
    /// is_prime(112272535095293)), 12 sha jobs of 2**20 bytes.
    pub const FULL: Workloads =
        Workloads { pages: 50, latency_ms: 100, count: 100, jobs: 12, size: 1 << 20 };
    /// `--quick`: a smoke test that finishes in well under a minute.
    pub const QUICK: Workloads =
        Workloads { pages: 10, latency_ms: 20, count: 2, jobs: 4, size: 1 << 16 };
}

/// The language of one side of a pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// A Rust example bin.
    Rust,
    /// A Python twin, run with `python3`.
    Python,
}

impl Lang {
    /// `"rust"` / `"python"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Lang::Rust => "rust",
            Lang::Python => "python",
        }
    }
}

/// One side of a pair: a program and its flags.
#[derive(Debug, Clone, Serialize)]
pub struct Side {
    /// Rust or Python.
    pub lang: Lang,
    /// The example crate, e.g. `examples-threads`.
    pub krate: &'static str,
    /// The bin, or the twin's file stem.
    pub program: &'static str,
    /// Its flags.
    pub args: Vec<String>,
}

impl Side {
    /// The command line as a user would type it (relative to the workspace).
    pub fn command_line(&self) -> String {
        self.command_line_with("python3")
    }

    /// The command line, a twin run by `python` (`python3.13t`, say).
    pub fn command_line_with(&self, python: &str) -> String {
        let mut line = match self.lang {
            Lang::Rust => format!("target/release/{}", self.program),
            Lang::Python => format!("{python} {}/python/{}.py", self.krate, self.program),
        };
        for a in &self.args {
            line.push(' ');
            line.push_str(a);
        }
        line
    }

    /// Where the program is: the bin in `bin_dir`, or the twin under `root`.
    pub fn path(&self, root: &Path, bin_dir: &Path) -> PathBuf {
        match self.lang {
            Lang::Rust => bin_dir.join(format!("{}{}", self.program, std::env::consts::EXE_SUFFIX)),
            Lang::Python => {
                root.join(self.krate).join("python").join(format!("{}.py", self.program))
            }
        }
    }
}

/// One row of the notes' table: a job at a granularity, Rust and Python.
#[derive(Debug, Clone, Serialize)]
pub struct Contender {
    /// `crawl`, `primes` or `sha`.
    pub job: &'static str,
    /// The granularity, as the table shows it.
    pub granularity: &'static str,
    /// The Rust side, if one exists.
    pub rust: Option<Side>,
    /// The Python side, if one exists (`None`: no twin, and why is in `note`).
    pub python: Option<Side>,
    /// Why a side is absent, or what the row pairs.
    pub note: &'static str,
    /// The Python side needs `concurrent.futures.InterpreterPoolExecutor`
    /// (Python 3.14+): under an older interpreter it is "not run".
    pub interpreter_pool: bool,
}

fn side(lang: Lang, krate: &'static str, program: &'static str, args: &[String]) -> Option<Side> {
    Some(Side { lang, krate, program, args: args.to_vec() })
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|s| s.to_string()).collect()
}

/// Every contender, for these workloads, crawling the site at `site`.
/// `workers` is the process and thread count of the pools (the CPU count,
/// as Python's ProcessPoolExecutor defaults to).
pub fn all(w: &Workloads, site: &str, workers: usize) -> Vec<Contender> {
    use Lang::{Python, Rust};
    let (t, p, a) = ("examples-threads", "examples-processes", "examples-async");
    let crawl = |extra: &[&str]| {
        let mut v = strings(&["--site", site, "--pages"]);
        v.push(w.pages.to_string());
        v.extend(strings(extra));
        v
    };
    let primes = |extra: &[&str]| {
        let mut v = vec!["--count".to_string(), w.count.to_string()];
        v.extend(strings(extra));
        v
    };
    let sha = |extra: &[&str]| {
        let mut v = strings(&["--jobs", &w.jobs.to_string(), "--size", &w.size.to_string()]);
        v.extend(strings(extra));
        v
    };
    let n = workers.to_string();
    let n = n.as_str();
    let asyncio = crawl(&["--only", "async"]);
    let row = |job, granularity, rust, python, note| Contender {
        job,
        granularity,
        rust,
        python,
        note,
        interpreter_pool: false,
    };
    // Python 3.14's InterpreterPoolExecutor: a Python-only row (Rust's threads need no such thing).
    let interpreters = |job, python, note| Contender {
        job,
        granularity: "interpreters (one per thread)",
        rust: None,
        python,
        note,
        interpreter_pool: true,
    };
    use shared::report::{CRAWL, PRIMES, SHA};
    vec![
        // The I/O job: every contender crawls the same site.
        row(
            CRAWL,
            "single thread",
            side(Rust, t, "crawler", &crawl(&["--only", "single"])),
            side(Python, t, "crawler", &crawl(&["--only", "single"])),
            "the notes' for-loop over the URLs",
        ),
        row(
            CRAWL,
            "threads (one per page)",
            side(Rust, t, "crawler", &crawl(&["--only", "multi"])),
            side(Python, t, "crawler", &crawl(&["--only", "multi"])),
            "one Thread per URL, then join each",
        ),
        row(
            CRAWL,
            "thread pool (20)",
            side(Rust, t, "thread_pool", &crawl(&["--only", "map", "--workers", "20"])),
            side(Python, t, "thread_pool", &crawl(&["--only", "map", "--workers", "20"])),
            "ThreadPoolExecutor(max_workers=20).map",
        ),
        row(
            CRAWL,
            "coroutines: tokio",
            side(Rust, a, "crawler_async", &asyncio),
            side(Python, a, "crawler_async", &asyncio),
            "one task per page; Python: asyncio",
        ),
        row(
            CRAWL,
            "coroutines: smol",
            side(Rust, a, "crawler_runtimes", &crawl(&["--only", "smol"])),
            side(Python, a, "crawler_async", &asyncio),
            "Python: asyncio (it has one event loop)",
        ),
        row(
            CRAWL,
            "coroutines: async-std",
            side(Rust, a, "crawler_runtimes", &crawl(&["--only", "async-std"])),
            side(Python, a, "crawler_async", &asyncio),
            "Python: asyncio; async-std is discontinued (use smol)",
        ),
        row(
            CRAWL,
            "processes",
            side(Rust, p, "crawler_proc", &crawl(&["--workers", n])),
            side(Python, p, "crawler_proc", &crawl(&["--workers", n])),
            "ProcessPoolExecutor().map, one worker per CPU",
        ),
        row(
            CRAWL,
            MACHINES,
            side(Rust, p, "multi_machine", &crawl(&["--job", "crawl"])),
            side(Python, p, "multi_machine", &crawl(&["--job", "crawl"])),
            "timely dataflow over loopback; Python: a BaseManager's job queue over TCP",
        ),
        // The CPU job: is_prime over PRIMES.
        row(
            PRIMES,
            "single thread",
            side(Rust, t, "cpu_bound", &primes(&["--only", "single"])),
            side(Python, t, "cpu_bound", &primes(&["--only", "single"])),
            "a for-loop",
        ),
        row(
            PRIMES,
            "coroutines",
            None,
            None,
            "not run: a CPU job never awaits, so coroutines take turns like one thread (see blocking_pitfall)",
        ),
        row(
            PRIMES,
            "threads (pool)",
            side(Rust, t, "cpu_bound", &primes(&["--only", "pool", "--threads", n])),
            side(Python, t, "cpu_bound", &primes(&["--only", "pool", "--threads", n])),
            "rayon / ThreadPoolExecutor, one thread per CPU",
        ),
        interpreters(
            PRIMES,
            side(Python, t, "cpu_bound", &primes(&["--only", "interpreters", "--threads", n])),
            "InterpreterPoolExecutor (Python 3.14+): threads of one process, each with its own interpreter and GIL",
        ),
        row(
            PRIMES,
            "processes",
            side(Rust, p, "cpu_bound_proc", &primes(&["--only", "processes", "--workers", n])),
            side(Python, p, "cpu_bound_proc", &primes(&["--only", "processes", "--workers", n])),
            "a worker process per CPU",
        ),
        row(
            PRIMES,
            MACHINES,
            side(Rust, p, "multi_machine", &primes(&["--job", "primes"])),
            side(Python, p, "multi_machine", &primes(&["--job", "primes"])),
            "as for the crawl: each member checks the numbers it is given",
        ),
        // The hashing job: sha(size) JOBS times.
        row(
            SHA,
            "single thread",
            side(Rust, p, "process_pool_hash", &sha(&["--threads", "--workers", "1"])),
            side(Python, p, "process_pool_hash", &sha(&["--threads", "--workers", "1"])),
            "a pool of one thread",
        ),
        row(SHA, "coroutines", None, None, "not run: as for primes, hashing never awaits"),
        row(
            SHA,
            "threads (pool)",
            side(Rust, p, "process_pool_hash", &sha(&["--threads", "--workers", n])),
            side(Python, p, "process_pool_hash", &sha(&["--threads", "--workers", n])),
            "rayon / ThreadPoolExecutor",
        ),
        interpreters(
            SHA,
            side(Python, p, "process_pool_hash", &sha(&["--interpreters", "--workers", n])),
            "InterpreterPoolExecutor (Python 3.14+), as for primes",
        ),
        row(
            SHA,
            "processes",
            side(Rust, p, "process_pool_hash", &sha(&["--workers", n])),
            side(Python, p, "process_pool_hash", &sha(&["--workers", n])),
            "the notes' ProcessPoolExecutor + as_completed",
        ),
        row(
            SHA,
            MACHINES,
            side(Rust, p, "multi_machine", &sha(&["--job", "sha"])),
            side(Python, p, "multi_machine", &sha(&["--job", "sha"])),
            "as for the crawl: each member hashes the jobs it is given",
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_job_has_every_granularity_and_pairs_differ_only_in_language() {
        let all = all(&Workloads::QUICK, "http://127.0.0.1:1", 2);
        for job in JOBS {
            let rows: Vec<_> = all.iter().filter(|c| c.job == job).collect();
            for g in ["single thread", "coroutines", "threads", "processes", "machines"] {
                assert!(rows.iter().any(|c| c.granularity.starts_with(g)), "{job}: no {g} row");
            }
            for c in rows {
                if let (Some(r), Some(p)) = (&c.rust, &c.python) {
                    // Same flags on both sides, but where the twin is another program.
                    if r.program == p.program {
                        assert_eq!(r.args, p.args, "{c:?}");
                    }
                }
                if c.rust.is_none() && c.python.is_none() {
                    assert!(c.note.starts_with("not run"), "{c:?}");
                }
            }
        }
    }
}
