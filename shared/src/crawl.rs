//! Crawling a site that fails: a timeout per request, bounded retries with
//! backoff, and an account of every URL.
//!
//! Not a lesson, but what any crawler you would copy needs around its fetch:
//! the threads crawlers call the blocking [`fetch_with_retry`], the async ones
//! [`fetch_with_retry_async`] with their runtime's own fetch and sleep. Each
//! URL's attempts end up in an [`Account`], printed at the end of a crawl:
//!
//! ```text
//! 50 pages: 44 ok, 5 retried, 1 failed
//! retried: http://127.0.0.1:8000/sitehome/p/12 after 2 attempts (HTTP 500)
//! failed: http://127.0.0.1:8000/sitehome/p/31 after 4 attempts (HTTP 500, timed out after 1.0 s, connection dropped, HTTP 500)
//! ```
//!
//! `ok` pages succeeded at the first attempt, `retried` ones after more,
//! `failed` ones never; the three add up to every page. The Python twins
//! print the same lines.
//!
//! Ctrl-C (issue 17): a crawler's handler sets [`STOP`]
//! (`ctrlc::set_handler(|| STOP.store(true, Relaxed))`); then
//! [`fetch_with_retry`] makes no further attempt, the crawler starts no new
//! page, and [`Account::exit_if_stopped`] / [`exit_if_stopped`] print the
//! account of every URL, the pages not fetched included, and exit 130:
//!
//! ```text
//! stopped by Ctrl-C: 50 pages: 12 ok, 0 retried, 0 failed, 38 not fetched
//! not fetched: pages 13-50
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::future::Future;
use std::io;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::time::Duration;

use crate::site::{MAX_PAGES, SiteConfig, SiteGuard, posts_on_page};

/// Why one fetch failed: what happened, never a guess.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchError {
    /// The server answered with a non-2xx status, e.g. `500`.
    Status(u16),
    /// No complete answer within the request's timeout.
    Timeout(Duration),
    /// The connection closed (or was reset) before the response was complete.
    Dropped,
    /// Nothing accepted the connection.
    Refused,
    /// Anything else (bad URL, body not UTF-8, ...), with its message.
    Other(String),
}

impl fmt::Display for FetchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FetchError::Status(code) => write!(f, "HTTP {code}"),
            FetchError::Timeout(t) => write!(f, "timed out after {:.1} s", t.as_secs_f64()),
            FetchError::Dropped => f.write_str("connection dropped"),
            FetchError::Refused => f.write_str("connection refused"),
            FetchError::Other(msg) => f.write_str(msg),
        }
    }
}

impl std::error::Error for FetchError {}

impl FetchError {
    /// Classifies an I/O error from a request that had `timeout` to finish.
    pub fn from_io(e: &io::Error, timeout: Duration) -> FetchError {
        use io::ErrorKind::*;
        match e.kind() {
            ConnectionRefused => FetchError::Refused,
            TimedOut | WouldBlock => FetchError::Timeout(timeout),
            ConnectionReset | ConnectionAborted | BrokenPipe | UnexpectedEof | NotConnected => {
                FetchError::Dropped
            }
            _ => FetchError::Other(e.to_string()),
        }
    }

    /// Worth another attempt: a 5xx, a timeout, a dropped or refused
    /// connection. A 4xx (the page does not exist) or a malformed request is not.
    pub fn is_retryable(&self) -> bool {
        match self {
            FetchError::Status(code) => *code >= 500,
            FetchError::Timeout(_) | FetchError::Dropped | FetchError::Refused => true,
            FetchError::Other(_) => false,
        }
    }
}

/// Bounded retries with exponential backoff, and a timeout per request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retry {
    /// Attempts per URL, the first included (default 4).
    pub attempts: u32,
    /// Wait after the first failure; doubled after each further one (default 50 ms).
    pub backoff: Duration,
    /// Time limit of one whole request, connect to last byte (default 1 s).
    pub timeout: Duration,
}

impl Default for Retry {
    fn default() -> Self {
        Retry { attempts: 4, backoff: Duration::from_millis(50), timeout: Duration::from_secs(1) }
    }
}

impl Retry {
    /// The wait after `failed_attempts` failures: `backoff * 2^(failed_attempts - 1)`
    /// (50, 100, 200 ms with the defaults), capped at 32x `backoff`.
    pub fn delay(&self, failed_attempts: u32) -> Duration {
        self.backoff * (1u32 << failed_attempts.saturating_sub(1).min(5))
    }
}

/// One URL's crawl: the error of every failed attempt, and the final result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    /// The URL fetched.
    pub url: String,
    /// Every failed attempt's error, in order (the last one again in `body`
    /// when the URL failed for good).
    pub errors: Vec<FetchError>,
    /// The body of the successful attempt, or the last error.
    pub body: Result<String, FetchError>,
}

impl Fetched {
    /// Attempts made: the failed ones, plus one if the last succeeded.
    pub fn attempts(&self) -> u32 {
        self.errors.len() as u32 + u32::from(self.body.is_ok())
    }
}

fn agent() -> &'static ureq::Agent {
    static AGENT: std::sync::OnceLock<ureq::Agent> = std::sync::OnceLock::new();
    AGENT.get_or_init(|| ureq::Agent::config_builder().http_status_as_error(true).build().into())
}

/// A blocking HTTP GET of `url` (the course's `requests.get(url).text`) that
/// must finish, body included, within `timeout`. One shared `ureq` agent, safe
/// to use from many threads, keeps connections alive between calls.
///
/// # Errors
/// A [`FetchError`] saying what happened.
pub fn fetch(url: &str, timeout: Duration) -> Result<String, FetchError> {
    let classify = |e: ureq::Error| match e {
        ureq::Error::StatusCode(code) => FetchError::Status(code),
        ureq::Error::Timeout(_) => FetchError::Timeout(timeout),
        ureq::Error::Io(io) => FetchError::from_io(&io, timeout),
        ureq::Error::ConnectionFailed => FetchError::Refused,
        ureq::Error::Protocol(_) => FetchError::Dropped,
        other => FetchError::Other(other.to_string()),
    };
    let mut resp =
        agent().get(url).config().timeout_global(Some(timeout)).build().call().map_err(classify)?;
    resp.body_mut().read_to_string().map_err(classify)
}

/// Up to `retry.attempts` tries of [`fetch`], sleeping [`Retry::delay`]
/// between them, stopping early on an error that is not
/// [retryable](FetchError::is_retryable). Blocks the calling thread. While
/// spans are recorded, the whole of it is a span `page N` (N from the URL).
pub fn fetch_with_retry(url: &str, retry: &Retry) -> Fetched {
    let _span = crate::spans::span(format_args!("page {}", page_of(url)));
    let mut errors = Vec::new();
    loop {
        let result = fetch(url, retry.timeout);
        if let Some(done) = settle(url, result, &mut errors, retry) {
            return done;
        }
        if STOP.load(Relaxed) {
            // Stopped (Ctrl-C): no further attempt; the last error is the result.
            let body = Err(errors.last().cloned().unwrap_or(FetchError::Other("stopped".into())));
            return Fetched { url: url.to_string(), errors, body };
        }
        std::thread::sleep(retry.delay(errors.len() as u32));
    }
}

/// The crawl's stop flag: a crawler's Ctrl-C handler sets it; then
/// [`fetch_with_retry`] makes no further attempt (the one in flight ends as
/// it ends) and the crawler starts no new page (it checks the flag).
pub static STOP: AtomicBool = AtomicBool::new(false);

/// If [`STOP`] is set, [`exit_stopped`].
pub fn exit_if_stopped<'a>(
    crawl: impl IntoIterator<Item = &'a (Fetched, Option<usize>)>,
    urls: &[String],
) {
    if STOP.load(Relaxed) {
        exit_stopped(crawl, urls);
    }
}

/// A crawl of `urls` stopped by Ctrl-C: prints [`Account::stopped_lines`] for
/// the pages of `crawl` (each `(fetched, post links)`, any order, the pages
/// not fetched absent) and exits with code 130.
pub fn exit_stopped<'a>(
    crawl: impl IntoIterator<Item = &'a (Fetched, Option<usize>)>,
    urls: &[String],
) -> ! {
    let mut account = Account::new();
    crawl.into_iter().for_each(|(fetched, _)| account.record(fetched));
    account.stopped_lines(urls).iter().for_each(|line| crate::timing::print_line(line));
    std::process::exit(130);
}

/// `[1, 2, 3, 7]` gives `["1-3", "7"]`.
fn ranges(mut pages: Vec<u64>) -> Vec<String> {
    pages.sort_unstable();
    let mut runs: Vec<(u64, u64)> = Vec::new();
    for n in pages {
        match runs.last_mut() {
            Some((_, end)) if *end + 1 == n => *end = n,
            _ => runs.push((n, n)),
        }
    }
    runs.iter().map(|&(a, b)| if a == b { a.to_string() } else { format!("{a}-{b}") }).collect()
}

/// The page number of a list page URL (`.../sitehome/p/7` gives `"7"`), or
/// the URL itself for any other URL: what a fetch's span is called.
pub fn page_of(url: &str) -> &str {
    match url.trim_end_matches('/').rsplit_once('/') {
        Some((_, n)) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => n,
        _ => url,
    }
}

/// One attempt's outcome: `Some` when the URL is settled (fetched, or failed
/// for the last time), `None` when it is worth another try. Failed attempts
/// are added to `errors`.
fn settle(
    url: &str,
    result: Result<String, FetchError>,
    errors: &mut Vec<FetchError>,
    retry: &Retry,
) -> Option<Fetched> {
    let body = match result {
        Ok(body) => Ok(body),
        Err(e) => {
            errors.push(e.clone());
            if errors.len() as u32 >= retry.attempts.max(1) || !e.is_retryable() {
                Err(e)
            } else {
                return None;
            }
        }
    };
    Some(Fetched { url: url.to_string(), errors: std::mem::take(errors), body })
}

/// [`fetch_with_retry`] for any async runtime: `fetch` is the runtime's GET
/// (it must apply `retry.timeout` itself, e.g. with `tokio::time::timeout`),
/// `sleep` the runtime's timer (`tokio::time::sleep`, `smol::Timer::after`,
/// `async_std::task::sleep`). Only the backoff waits are awaited here.
/// While spans are recorded, the whole of it is a span `page N` on the row
/// of the task that awaits it (see [`crate::timing::named`]).
pub async fn fetch_with_retry_async<F, Fut, S, SFut>(
    url: &str,
    retry: &Retry,
    mut fetch: F,
    mut sleep: S,
) -> Fetched
where
    F: FnMut(String) -> Fut,
    Fut: Future<Output = Result<String, FetchError>>,
    S: FnMut(Duration) -> SFut,
    SFut: Future<Output = ()>,
{
    let _span = crate::spans::span(format_args!("page {}", page_of(url)));
    let mut errors = Vec::new();
    loop {
        let result = fetch(url.to_string()).await;
        if let Some(done) = settle(url, result, &mut errors, retry) {
            return done;
        }
        sleep(retry.delay(errors.len() as u32)).await;
    }
}

/// The account of every URL of a crawl: how many attempts each took and why
/// the failed ones failed. Record each [`Fetched`], print it at the end.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Account {
    /// URL -> (attempts, errors, succeeded)
    urls: BTreeMap<String, (u32, Vec<FetchError>, bool)>,
}

impl Account {
    /// An empty account.
    pub fn new() -> Account {
        Account::default()
    }

    /// Records one URL's crawl (a URL recorded twice keeps the later record).
    pub fn record(&mut self, fetched: &Fetched) {
        self.urls.insert(
            fetched.url.clone(),
            (fetched.attempts(), fetched.errors.clone(), fetched.body.is_ok()),
        );
    }

    /// URLs recorded.
    pub fn pages(&self) -> usize {
        self.urls.len()
    }

    /// URLs fetched at the first attempt.
    pub fn ok(&self) -> usize {
        self.urls.values().filter(|(n, _, ok)| *ok && *n == 1).count()
    }

    /// URLs fetched after more than one attempt.
    pub fn retried(&self) -> usize {
        self.urls.values().filter(|(n, _, ok)| *ok && *n > 1).count()
    }

    /// URLs that still failed after their retries.
    pub fn failed(&self) -> usize {
        self.urls.values().filter(|(_, _, ok)| !ok).count()
    }

    /// `50 pages: 47 ok, 3 retried, 0 failed`.
    pub fn summary(&self) -> String {
        format!(
            "{} pages: {} ok, {} retried, {} failed",
            self.pages(),
            self.ok(),
            self.retried(),
            self.failed()
        )
    }

    /// The summary, then one line per retried or failed URL (sorted by URL):
    /// `retried: URL after 2 attempts (HTTP 500)`,
    /// `failed: URL after 4 attempts (HTTP 500, timed out after 1.0 s, ...)`.
    pub fn lines(&self) -> Vec<String> {
        let mut out = vec![self.summary()];
        for (url, (n, errors, ok)) in &self.urls {
            if *ok && *n == 1 {
                continue;
            }
            let causes: Vec<String> = errors.iter().map(ToString::to_string).collect();
            out.push(format!(
                "{}: {url} after {n} attempt{} ({})",
                if *ok { "retried" } else { "failed" },
                if *n == 1 { "" } else { "s" },
                causes.join(", ")
            ));
        }
        out
    }

    /// Prints [`Account::lines`] to stdout.
    pub fn print(&self) {
        for line in self.lines() {
            crate::timing::print_line(&line);
        }
    }

    /// The account of a crawl of `urls` stopped by Ctrl-C: every URL, done
    /// (ok, retried), failed, or not fetched (not recorded: never started, or cancelled in flight), then one line
    /// per retried or failed URL as in [`Account::lines`], then the pages not
    /// fetched: `stopped by Ctrl-C: 50 pages: 12 ok, 0 retried, 0 failed, 38
    /// not fetched`, ..., `not fetched: pages 13-50`.
    pub fn stopped_lines(&self, urls: &[String]) -> Vec<String> {
        let rest: Vec<&String> = urls.iter().filter(|u| !self.urls.contains_key(*u)).collect();
        let mut lines = self.lines();
        let counts =
            format!("{} ok, {} retried, {} failed", self.ok(), self.retried(), self.failed());
        lines[0] = format!(
            "stopped by Ctrl-C: {} pages: {counts}, {} not fetched",
            urls.len(),
            rest.len()
        );
        if !rest.is_empty() {
            let pages = rest.iter().map(|u| page_of(u).parse().unwrap_or(0)).collect();
            lines.push(format!("not fetched: pages {}", ranges(pages).join(", ")));
        }
        lines
    }

    /// If [`STOP`] is set (Ctrl-C): prints [`Account::stopped_lines`] and
    /// exits with code 130 (128 + SIGINT, what a shell shows for a Ctrl-C).
    pub fn exit_if_stopped(&self, urls: &[String]) {
        if STOP.load(Relaxed) {
            self.stopped_lines(urls).iter().for_each(|line| crate::timing::print_line(line));
            std::process::exit(130);
        }
    }

    /// `Ok` if every URL was fetched in the end.
    ///
    /// # Errors
    /// `3 of 50 pages failed after their retries` if any URL failed.
    pub fn check(&self) -> anyhow::Result<()> {
        match self.failed() {
            0 => Ok(()),
            n => anyhow::bail!("{n} of {} pages failed after their retries", self.pages()),
        }
    }
}

/// The most attempts per page `--attempts` accepts.
pub const MAX_ATTEMPTS: u32 = 20;

/// The longest `--timeout` accepted, in seconds.
pub const MAX_TIMEOUT_SECS: f64 = 600.0;

/// The longest `--latency-ms` of an in-process site accepted, in ms.
pub const MAX_LATENCY_MS: u64 = 10_000;

/// The flags every crawler bin takes (`--pages`, `--latency-ms`, `--site`,
/// and the retry flags of [`RetryArgs`]): add them to a clap `Parser` with
/// `#[command(flatten)]`, reach or start the site with
/// [`CrawlArgs::open_site`], and get the retries with [`CrawlArgs::retry`].
#[derive(clap::Args, Debug, Clone)]
pub struct CrawlArgs {
    /// Number of list pages to crawl.
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_PAGES)))]
    pub pages: u32,
    /// Latency of every request to the in-process site, in ms (not used with --site).
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u64).range(0..=MAX_LATENCY_MS))]
    pub latency_ms: u64,
    /// Crawl an already running site (`cargo run -p shared --bin blog-site`) at this URL.
    #[arg(long, value_parser = site_url_arg)]
    pub site: Option<String>,
    /// The retry flags.
    #[command(flatten)]
    pub retry: RetryArgs,
}

impl CrawlArgs {
    /// The in-process site these flags ask for (used when `--site` is absent).
    pub fn site_config(&self) -> SiteConfig {
        SiteConfig {
            pages: self.pages,
            latency: Duration::from_millis(self.latency_ms),
            ..SiteConfig::default()
        }
    }

    /// The site to crawl: the one at `--site`, or else a blog site started in
    /// this process (its own thread and tokio runtime) with `--pages` pages
    /// and `--latency-ms` per request, serving for as long as the guard lives.
    ///
    /// # Errors
    /// If the local site cannot start (see [`Site::start`](crate::site::Site::start)).
    pub fn open_site(&self) -> anyhow::Result<SiteGuard> {
        SiteGuard::open(self.site.as_deref(), self.site_config())
    }

    /// The [`Retry`] these flags ask for.
    pub fn retry(&self) -> Retry {
        self.retry.retry()
    }
}

/// The retry flags, `--attempts N` and `--timeout SECS`. Defaults are
/// [`Retry::default`]'s: 4 attempts, 1 s per request (the 50 ms backoff,
/// doubling, is not a flag).
#[derive(clap::Args, Debug, Clone)]
pub struct RetryArgs {
    /// Attempts per page, the first included (1 = no retries).
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_ATTEMPTS)))]
    pub attempts: u32,
    /// Seconds one request may take, connect to last byte, before it counts as timed out.
    #[arg(long, default_value = "1", value_parser = timeout_arg)]
    pub timeout: Duration,
}

impl RetryArgs {
    /// The [`Retry`] these flags ask for (backoff: the default 50 ms, doubling).
    pub fn retry(&self) -> Retry {
        Retry { attempts: self.attempts, timeout: self.timeout, ..Retry::default() }
    }
}

/// Parses a `--site` value: an `http://HOST[:PORT]` URL (the crawl client
/// speaks plain HTTP only); a trailing `/` is dropped. Refused: no scheme
/// (`127.0.0.1:8000`), another scheme (`https://...`), no host.
///
/// # Errors
/// A message clap prints as the flag's error (exit code 2).
pub fn site_url_arg(s: &str) -> Result<String, String> {
    let url = s.trim().trim_end_matches('/');
    match url.strip_prefix("http://") {
        Some(rest) if !rest.is_empty() && !rest.starts_with(['/', ':']) => Ok(url.to_string()),
        _ => Err(format!(
            "`{s}` is not a site URL: give it as http://HOST:PORT, e.g. http://127.0.0.1:8000"
        )),
    }
}

/// Parses a `--timeout` value: seconds, more than 0 and at most
/// [`MAX_TIMEOUT_SECS`]; NaN, infinities, negatives, 0 and words are refused.
///
/// # Errors
/// A message clap prints as the flag's error.
pub fn timeout_arg(s: &str) -> Result<Duration, String> {
    let secs: f64 = s.parse().map_err(|_| format!("`{s}` is not a number"))?;
    if !(secs > 0.0 && secs <= MAX_TIMEOUT_SECS) {
        return Err(format!(
            "{s} is not a timeout in seconds (more than 0, at most {MAX_TIMEOUT_SECS})"
        ));
    }
    Duration::try_from_secs_f64(secs).map_err(|e| e.to_string())
}

/// A crawl's account: records every page of `crawl` (given as
/// `(fetched, post links)`, page 1 first, `None` for a page that failed),
/// prints the account, and checks each fetched page's post-link count against
/// [`posts_on_page`]. Returns the account and the post links found in all.
///
/// # Errors
/// If a fetched page had another number of post links than the site serves.
pub fn tally(crawl: &[(Fetched, Option<usize>)]) -> anyhow::Result<(Account, usize)> {
    let (mut account, mut found) = (Account::new(), 0);
    for (page, (fetched, posts)) in (1..).zip(crawl) {
        account.record(fetched);
        if let Some(n) = *posts {
            let want = posts_on_page(page);
            anyhow::ensure!(n == want, "page {page}: {n} post links, expected {want}");
            found += n;
        }
    }
    account.print();
    Ok((account, found))
}

/// Parses a summary line back: `"50 pages: 47 ok, 3 retried, 0 failed"` gives
/// `Some((50, 47, 3, 0))`; `None` for any other line.
pub fn parse_summary(line: &str) -> Option<(usize, usize, usize, usize)> {
    let (pages, rest) = line.trim().split_once(" pages: ")?;
    let mut parts = rest.split(", ");
    let mut field =
        |suffix: &str| -> Option<usize> { parts.next()?.strip_suffix(suffix)?.parse().ok() };
    let ok = field(" ok")?;
    let retried = field(" retried")?;
    let failed = field(" failed")?;
    Some((pages.parse().ok()?, ok, retried, failed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stopped_account_names_the_pages_not_started() {
        let urls: Vec<String> = (1..=6).map(|n| format!("http://h/sitehome/p/{n}")).collect();
        let mut account = Account::new();
        let ok =
            |url: &String| Fetched { url: url.clone(), errors: vec![], body: Ok(String::new()) };
        let failed = Fetched {
            url: urls[3].clone(),
            errors: vec![FetchError::Refused],
            body: Err(FetchError::Refused),
        };
        [ok(&urls[0]), ok(&urls[1]), failed].iter().for_each(|f| account.record(f));
        assert_eq!(
            account.stopped_lines(&urls),
            [
                "stopped by Ctrl-C: 6 pages: 2 ok, 0 retried, 1 failed, 3 not fetched",
                "failed: http://h/sitehome/p/4 after 1 attempt (connection refused)",
                "not fetched: pages 3, 5-6",
            ]
        );
        assert_eq!(ranges(vec![7, 1, 2, 3, 9, 10]), ["1-3", "7", "9-10"]);
    }
    use crate::site::{Faults, Site, SiteConfig, page_url};

    fn site(faults: Faults) -> Site {
        Site::start(SiteConfig {
            pages: 20,
            latency: Duration::ZERO,
            faults,
            ..SiteConfig::default()
        })
        .unwrap()
    }

    fn quick() -> Retry {
        Retry {
            attempts: 3,
            backoff: Duration::from_millis(1),
            timeout: Duration::from_millis(300),
        }
    }

    #[test]
    fn each_fault_is_named() {
        let s = site(Faults { error_rate: 1.0, ..Faults::default() });
        assert_eq!(fetch(&page_url(s.url(), 1), quick().timeout), Err(FetchError::Status(500)));
        let s = site(Faults { drop_rate: 1.0, ..Faults::default() });
        assert_eq!(fetch(&page_url(s.url(), 1), quick().timeout), Err(FetchError::Dropped));
        let s = site(Faults {
            slow_rate: 1.0,
            slow_extra: Duration::from_secs(2),
            ..Faults::default()
        });
        assert_eq!(
            fetch(&page_url(s.url(), 1), quick().timeout),
            Err(FetchError::Timeout(quick().timeout))
        );
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let url = format!("http://127.0.0.1:{port}/sitehome/p/1");
        assert_eq!(fetch(&url, quick().timeout), Err(FetchError::Refused));
        let s = site(Faults::default());
        assert_eq!(fetch(&page_url(s.url(), 21), quick().timeout), Err(FetchError::Status(404)));
        assert!(!FetchError::Status(404).is_retryable());
    }

    /// The account's lines with the site's address taken out.
    fn crawl(seed: u64, reversed: bool) -> (Account, Vec<String>) {
        let s = site(Faults { error_rate: 0.3, drop_rate: 0.2, seed, ..Faults::default() });
        let mut urls = s.page_urls();
        if reversed {
            urls.reverse();
        }
        let mut account = Account::new();
        for url in urls {
            account.record(&fetch_with_retry(&url, &quick()));
        }
        let lines = account.lines().iter().map(|l| l.replace(s.url(), "BASE")).collect();
        (account, lines)
    }

    #[test]
    fn faulty_crawls_add_up_and_replay_in_any_order() {
        let (a, lines) = crawl(7, false);
        assert_eq!(a.ok() + a.retried() + a.failed(), 20, "{lines:?}");
        assert!(a.retried() > 0 && a.failed() > 0, "{lines:?}");
        assert_eq!(lines, crawl(7, true).1, "the same seed hits the same requests");
        assert_ne!(lines, crawl(8, false).1, "another seed, other requests");
        let (p, ok, r, f) = parse_summary(&a.summary()).unwrap();
        assert_eq!((p, ok, r, f), (20, a.ok(), a.retried(), a.failed()));
        assert_eq!(a.check().is_err(), a.failed() > 0);
        for line in a.lines().iter().skip(1) {
            assert!(line.starts_with("retried: ") || line.starts_with("failed: "), "{line}");
        }
    }

    #[test]
    fn retries_stop_at_the_bound() {
        let s = site(Faults { error_rate: 1.0, ..Faults::default() });
        let f = fetch_with_retry(&page_url(s.url(), 1), &quick());
        assert_eq!(f.attempts(), 3);
        assert_eq!(f.body, Err(FetchError::Status(500)));
        assert_eq!(s.requests(), 3);
    }

    #[test]
    fn timeouts_are_validated() {
        assert_eq!(timeout_arg("0.5"), Ok(Duration::from_millis(500)));
        assert_eq!(timeout_arg("600"), Ok(Duration::from_secs(600)));
        for bad in ["0", "-1", "nan", "NaN", "inf", "-inf", "600.5", "1e300", "x", ""] {
            assert!(timeout_arg(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn site_urls_are_validated() {
        assert_eq!(site_url_arg("http://127.0.0.1:8000/").as_deref(), Ok("http://127.0.0.1:8000"));
        assert!(site_url_arg("http://localhost").is_ok());
        for bad in ["abc", "127.0.0.1:8000", "https://x", "http://", "http://:80", ""] {
            assert!(site_url_arg(bad).is_err(), "{bad}");
        }
        #[derive(clap::Parser, Debug)]
        struct A {
            #[command(flatten)]
            crawl: CrawlArgs,
        }
        use clap::Parser;
        let e = A::try_parse_from(["x", "--site", "abc"]).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(e.to_string().contains("http://HOST:PORT"), "{e}");
    }

    #[test]
    fn pages_are_named_from_the_url() {
        assert_eq!(page_of("http://127.0.0.1:1/sitehome/p/12"), "12");
        assert_eq!(page_of("http://127.0.0.1:1/"), "http://127.0.0.1:1/");
    }

    #[test]
    fn delays_double() {
        let r = Retry::default();
        let ms: Vec<u128> = (1..=3).map(|n| r.delay(n).as_millis()).collect();
        assert_eq!(ms, [50, 100, 200]);
    }
}
