//! A crawled page as it crosses a pipe (`crawler_proc`'s workers reply with
//! it): `shared::crawl::Fetched` and `FetchError` have no serde derives, so
//! a worker sends this form instead and the parent turns it back into a
//! `Fetched` for `shared::crawl::tally`, the account lines unchanged. The
//! page's body stays in the worker, which parsed it: only the post count
//! travels.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use shared::crawl::{FetchError, Fetched, Retry};

/// [`FetchError`], one variant each (a timeout as seconds).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
enum Cause {
    Status(u16),
    Timeout(f64),
    Dropped,
    Refused,
    Other(String),
}

impl From<&FetchError> for Cause {
    fn from(e: &FetchError) -> Cause {
        match e {
            FetchError::Status(code) => Cause::Status(*code),
            FetchError::Timeout(t) => Cause::Timeout(t.as_secs_f64()),
            FetchError::Dropped => Cause::Dropped,
            FetchError::Refused => Cause::Refused,
            FetchError::Other(msg) => Cause::Other(msg.clone()),
        }
    }
}

impl From<&Cause> for FetchError {
    fn from(c: &Cause) -> FetchError {
        match c {
            Cause::Status(code) => FetchError::Status(*code),
            // A duration the worker sent is finite and positive; 0 otherwise.
            Cause::Timeout(s) => {
                FetchError::Timeout(Duration::try_from_secs_f64(*s).unwrap_or_default())
            }
            Cause::Dropped => FetchError::Dropped,
            Cause::Refused => FetchError::Refused,
            Cause::Other(msg) => FetchError::Other(msg.clone()),
        }
    }
}

/// One list page's crawl, as a worker reports it: the URL, every failed
/// attempt's cause, whether it was fetched in the end, its post links (if
/// fetched), and the worker's process id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Crawled {
    url: String,
    errors: Vec<Cause>,
    fetched: bool,
    /// Post links found on the page (`None` if it failed for good).
    pub posts: Option<usize>,
    /// The process id of the worker that crawled it.
    pub pid: u32,
}

impl Crawled {
    /// A page's crawl in the worker: `fetched` (its body dropped) and the
    /// post links found in it.
    pub fn new(fetched: &Fetched, posts: Option<usize>) -> Crawled {
        Crawled {
            url: fetched.url.clone(),
            errors: fetched.errors.iter().map(Cause::from).collect(),
            fetched: fetched.body.is_ok(),
            posts,
            pid: std::process::id(),
        }
    }

    /// The page's line, as the worker that crawled it would print it:
    /// `page 3: 14 posts` or `page 3: failed after 4 attempts: HTTP 500`.
    pub fn summary(&self) -> String {
        let page = shared::crawl::page_of(&self.url);
        match (self.fetched, self.posts, self.errors.last()) {
            (true, Some(n), _) => format!("page {page}: {n} posts"),
            (_, _, Some(e)) => format!(
                "page {page}: failed after {} attempts: {}",
                self.errors.len(),
                FetchError::from(e)
            ),
            _ => format!("page {page}: no post count"),
        }
    }

    /// Back in the parent: the `Fetched` the worker had (with an empty body),
    /// and the post count, as `shared::crawl::tally` takes them.
    pub fn into_tally(self) -> (Fetched, Option<usize>) {
        let errors: Vec<FetchError> = self.errors.iter().map(FetchError::from).collect();
        let body = match (self.fetched, errors.last()) {
            (false, Some(last)) => Err(last.clone()),
            (false, None) => Err(FetchError::Other("failed, cause unknown".into())),
            (true, _) => Ok(String::new()),
        };
        let fetched = Fetched { url: self.url, errors, body };
        (fetched, self.posts)
    }
}

/// The job a worker is sent: crawl list page `page` at `url` with these
/// retries (`shared::crawl::Retry` has no serde derives either).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PageJob {
    /// The page's number, 1 first.
    pub page: u32,
    /// Its URL.
    pub url: String,
    /// Attempts per page, the first included.
    pub attempts: u32,
    /// Time limit of one request.
    pub timeout: Duration,
}

impl PageJob {
    /// Page `page` at `url`, with the parent's retries.
    pub fn new(page: u32, url: String, retry: &Retry) -> PageJob {
        let (attempts, timeout) = (retry.attempts, retry.timeout);
        PageJob { page, url, attempts, timeout }
    }

    /// The retries the parent's flags asked for (the default backoff).
    pub fn retry(&self) -> Retry {
        Retry { attempts: self.attempts, timeout: self.timeout, ..Retry::default() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_page_round_trips_with_every_cause() {
        let errors = vec![
            FetchError::Status(500),
            FetchError::Timeout(Duration::from_millis(1500)),
            FetchError::Dropped,
            FetchError::Refused,
            FetchError::Other("bad URL".into()),
        ];
        let fetched = Fetched {
            url: "http://127.0.0.1:1/sitehome/p/3".into(),
            errors: errors.clone(),
            body: Err(FetchError::Other("bad URL".into())),
        };
        let line = serde_json::to_string(&Crawled::new(&fetched, None)).unwrap();
        let back: Crawled = serde_json::from_str(&line).unwrap();
        assert_eq!(back.into_tally(), (fetched, None));
    }

    #[test]
    fn a_fetched_page_keeps_its_count_not_its_body() {
        let fetched = Fetched {
            url: "u".into(),
            errors: vec![FetchError::Status(503)],
            body: Ok("<html>...</html>".into()),
        };
        let (back, posts) = Crawled::new(&fetched, Some(14)).into_tally();
        assert_eq!((back.attempts(), back.body, posts), (2, Ok(String::new()), Some(14)));
    }
}
