//! What the crawler bins use and do not teach: one page fetched on each
//! runtime with `shared::crawl`'s retries, the line that says what became of
//! it, the accounts of a program's crawls, and the account of a crawl that
//! Ctrl-C stopped half-way.

use std::future::Future;
use std::sync::Mutex;

use anyhow::{Result, anyhow};
use shared::crawl::{Account, Fetched, Retry, fetch_with_retry, fetch_with_retry_async, tally};
use shared::event;

use crate::count_posts;
use crate::http::{async_std_get, reqwest_get, smol_get};

/// Fetches `url` on tokio with reqwest: up to `retry.attempts` tries, each
/// within `retry.timeout`, tokio's timer between them (`shared::crawl`).
pub async fn tokio_fetch(client: reqwest::Client, url: String, retry: Retry) -> Fetched {
    let get = |u| reqwest_get(&client, u, retry.timeout);
    settled(fetch_with_retry_async(&url, &retry, get, tokio::time::sleep).await)
}

/// As [`tokio_fetch`], on smol: `smol::net::TcpStream` and `smol::Timer`.
pub async fn smol_fetch(url: String, retry: Retry) -> Fetched {
    let get = |u| smol_get(u, retry.timeout);
    let sleep = |d| async move {
        smol::Timer::after(d).await;
    };
    settled(fetch_with_retry_async(&url, &retry, get, sleep).await)
}

/// As [`tokio_fetch`], on async-std (discontinued in 2025; prefer smol).
pub async fn async_std_fetch(url: String, retry: Retry) -> Fetched {
    let get = |u| async_std_get(u, retry.timeout);
    settled(fetch_with_retry_async(&url, &retry, get, async_std::task::sleep).await)
}

/// `shared::crawl::fetch_with_retry` (blocking, on this thread), kept for
/// the account of an interrupted crawl like the async fetches above.
pub fn blocking_fetch(url: &str, retry: &Retry) -> Fetched {
    settled(fetch_with_retry(url, retry))
}

/// Every page of the crawl under way settled so far (fetched, or failed
/// for good), in the order they settled: what [`interrupted`] accounts for.
/// [`Crawls::account`] empties it when a crawl ends.
static SETTLED: Mutex<Vec<Fetched>> = Mutex::new(Vec::new());

fn settled(fetched: Fetched) -> Fetched {
    // A poisoned list is still a valid list.
    SETTLED.lock().unwrap_or_else(|e| e.into_inner()).push(fetched.clone());
    fetched
}

/// Ctrl-C stopped a crawl of `urls` half-way: prints the account of every
/// URL (`shared::crawl::Account::stopped_lines`: done, failed, or not
/// fetched, i.e. cancelled in flight or never started), then exits with code
/// 130 (128 + SIGINT: what a shell reports for a program that Ctrl-C ended).
pub fn interrupted(urls: &[String]) -> ! {
    let mut account = Account::new();
    for fetched in SETTLED.lock().unwrap_or_else(|e| e.into_inner()).iter() {
        account.record(fetched);
    }
    for line in account.stopped_lines(urls) {
        println!("{line}");
    }
    std::process::exit(130) // no destructor runs: the in-process site's thread just ends
}

/// Runs `crawl` (a crawl of `urls`, on tokio) to its end, unless Ctrl-C
/// comes first: then [`interrupted`], which exits at once (the tasks in
/// flight end with the process). If the signal cannot be listened for, its
/// branch is disabled and the crawl runs to its end.
pub async fn or_interrupted<T>(urls: &[String], crawl: impl Future<Output = T>) -> T {
    tokio::select! {
        // Polled first: the first poll installs the handler, before the crawl prints a line.
        biased;
        Ok(()) = tokio::signal::ctrl_c() => interrupted(urls),
        done = crawl => done,
    }
}

/// Says what became of list page `page`, as the running thread or named task:
/// `page 3: 17 posts`, or `page 3: failed after 4 attempts: HTTP 500`. Pages
/// fetched after the 100th say nothing, so a long crawl stays readable.
pub fn say(page: u32, fetched: &Fetched) {
    match (&fetched.body, count_posts(fetched)) {
        (Err(e), _) => event!("page {page}: failed after {} attempts: {e}", fetched.attempts()),
        (Ok(_), Some(n)) if page <= 100 => event!("page {page}: {n} posts"),
        _ => {}
    }
}

/// The accounts of a program's crawls, one per crawl it ran, checked together
/// at the end (so a faulty site gets every crawl's account before the exit).
#[derive(Default)]
pub struct Crawls {
    accounts: Vec<(&'static str, Account)>,
    found: usize,
}

impl Crawls {
    /// Prints the account of the crawl `label` (`crawl` is its pages in
    /// order, page 1 first): `50 pages: 47 ok, 3 retried, 0 failed`, then a
    /// line per retried or failed URL with its causes (`shared::crawl::tally`).
    ///
    /// # Errors
    /// A fetched page had another number of post links than the site serves.
    pub fn account(&mut self, label: &'static str, crawl: Vec<Fetched>) -> Result<()> {
        SETTLED.lock().unwrap_or_else(|e| e.into_inner()).clear(); // this crawl is over
        let counted: Vec<_> = (crawl.into_iter())
            .map(|fetched| {
                let posts = count_posts(&fetched);
                (fetched, posts)
            })
            .collect();
        let (account, found) = tally(&counted)?;
        self.accounts.push((label, account));
        self.found = found;
        Ok(())
    }

    /// Checks every crawl: each page was fetched in the end. Then prints
    /// `check: every crawl found N post links on P pages, as expected` and
    /// returns N.
    ///
    /// # Errors
    /// `the async crawl: 3 of 50 pages failed after their retries`: the
    /// program exits 1.
    pub fn check(self, pages: u32) -> Result<usize> {
        for (label, account) in &self.accounts {
            account.check().map_err(|e| anyhow!("the {label} crawl: {e}"))?;
        }
        println!(
            "check: every crawl found {} post links on {pages} pages, as expected",
            self.found
        );
        Ok(self.found)
    }
}
