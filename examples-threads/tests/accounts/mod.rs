//! Helpers for the crawler tests (tests/crawlers.rs, tests/pool.rs): a
//! faulty blog site, and the account of every URL read back from a run.
#![allow(dead_code)]

use std::time::Duration;

use shared::crawl::parse_summary;
use shared::run::RunOutput;
use shared::site::{Faults, Site, SiteConfig};

/// Pages of every site the crawler tests start.
pub const PAGES: u32 = 10;

/// The `--timeout` the fault tests pass: well under the slow fault's extra
/// delay, well over a loaded machine's answer to a request on loopback.
pub const TIMEOUT: &str = "0.5";

/// The causes a failed attempt may name, with [`TIMEOUT`].
pub const CAUSES: [&str; 5] =
    ["HTTP 500", "HTTP 404", "timed out after 0.5 s", "connection dropped", "connection refused"];

/// A fresh site with no latency and these fault rates, drawn from `seed`
/// (fresh, so its per-URL request counters start at zero: replayable).
pub fn faulty_site(error: f64, slow: f64, drop: f64, seed: u64) -> Site {
    Site::start(SiteConfig {
        pages: PAGES,
        latency: Duration::ZERO,
        faults: Faults {
            error_rate: error,
            slow_rate: slow,
            slow_extra: Duration::from_millis(1500),
            drop_rate: drop,
            seed,
        },
        ..SiteConfig::default()
    })
    .expect("the blog site starts")
}

/// The usual mix: 30% errors, 20% slow, 20% dropped.
pub fn mixed_faults(seed: u64) -> Site {
    faulty_site(0.3, 0.2, 0.2, seed)
}

/// One crawl's account as printed: the summary's four numbers and its
/// `retried:` / `failed:` lines, with the site's base URL replaced by `BASE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Printed {
    pub pages: usize,
    pub ok: usize,
    pub retried: usize,
    pub failed: usize,
    pub lines: Vec<String>,
}

/// Every account a run printed, in order (a summary line starts each).
pub fn accounts(out: &RunOutput, base: &str) -> Vec<Printed> {
    let mut found: Vec<Printed> = Vec::new();
    for line in out.stdout.lines() {
        if let Some((pages, ok, retried, failed)) = parse_summary(line) {
            let lines = Vec::new();
            found.push(Printed { pages, ok, retried, failed, lines });
        } else if line.starts_with("retried: ") || line.starts_with("failed: ") {
            let last = found
                .last_mut()
                .unwrap_or_else(|| panic!("{line} before a summary\n{}", out.dump()));
            last.lines.push(line.replace(base, "BASE"));
        }
    }
    found
}

/// Checks one account: it adds up to every page, lists each retried and
/// failed URL once with one cause per failed attempt, each cause a known one.
pub fn check_account(a: &Printed, out: &RunOutput) {
    let dump = || format!("{a:?}\n{}", out.dump());
    assert_eq!(a.pages, PAGES as usize, "every page is accounted for: {}", dump());
    assert_eq!(a.ok + a.retried + a.failed, a.pages, "{}", dump());
    let count = |kind: &str| a.lines.iter().filter(|l| l.starts_with(kind)).count();
    assert_eq!(count("retried: "), a.retried, "{}", dump());
    assert_eq!(count("failed: "), a.failed, "{}", dump());
    for line in &a.lines {
        // `failed: BASE/sitehome/p/3 after 4 attempts (HTTP 500, ...)`
        let (head, causes) = line.split_once(" (").unwrap_or_else(|| panic!("{line}: {}", dump()));
        let attempts: usize = head
            .rsplit(' ')
            .nth(1)
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("{line}: {}", dump()));
        assert!(head.contains(" BASE/sitehome/p/"), "{line}: {}", dump());
        let causes: Vec<&str> = causes.trim_end_matches(')').split(", ").collect();
        let failed_attempts = if line.starts_with("failed: ") { attempts } else { attempts - 1 };
        assert_eq!(causes.len(), failed_attempts, "a cause per failed attempt: {line}");
        for c in causes {
            assert!(CAUSES.contains(&c), "unknown cause {c:?} in {line}: {}", dump());
        }
    }
}

/// The run's exit code says whether any of its crawls left a page failed:
/// 1 if so (with the error on stderr), 0 if not.
pub fn check_exit(accounts: &[Printed], out: &RunOutput) {
    assert!(!out.timed_out, "{}", out.dump());
    let failed = accounts.iter().any(|a| a.failed > 0);
    let want = if failed { 1 } else { 0 };
    assert_eq!(out.code, Some(want), "exit code vs failed pages: {}", out.dump());
    if failed {
        assert!(out.stderr.contains("failed after their retries"), "{}", out.dump());
    }
    for bad in ["panicked", "Traceback", "is blog-site running", "running there"] {
        assert!(!out.stderr.contains(bad), "{bad}: {}", out.dump());
    }
}
