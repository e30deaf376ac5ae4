//! Async: the asyncio notes mirrored with tokio, smol and async-std.
//!
//! The lessons live in the bins (`src/bin/`). This library holds only what
//! they use and do not teach:
//! - [`crawlers`]: one page fetched with retries on tokio, smol or
//!   async-std, the `page N: K posts` line, and the accounts of the crawls;
//! - [`http`]: the crawlers' HTTP GETs (reqwest for tokio, a minimal HTTP/1.1
//!   GET for smol and async-std), classified into `shared::crawl::FetchError`;
//! - [`count_posts`]: the post links of a fetched page (the crawlers' flags,
//!   retries and account are `shared::crawl::{CrawlArgs, Retry, tally}`);
//! - [`echo`]: the open-file limit and the reports of `echo_server` and
//!   `echo_client`;
//! - [`multiplex`]: the notes' select / poll / epoll table and the blocking
//!   clients that `io_multiplexing` serves;
//! - [`memory`]: `million_tasks`' peak-memory lines, bytes per task;
//! - [`ctrl_c`]: `tokio::signal::ctrl_c()` that listens from the call on.

#![warn(missing_docs)]

pub mod crawlers;
pub mod echo;
pub mod http;
pub mod memory;
pub mod multiplex;

use std::future::Future;

use futures::FutureExt;
use shared::crawl::Fetched;
use shared::site::parse_posts;

/// The post links on a fetched page (`shared::site::parse_posts`), or `None`
/// if the page failed after its retries.
pub fn count_posts(fetched: &Fetched) -> Option<usize> {
    fetched.body.as_ref().ok().map(|html| parse_posts(html).len())
}

/// `tokio::signal::ctrl_c()`, listening from this call on. That async fn
/// installs its handler only when first polled: a Ctrl-C that comes after a
/// server prints `listening` but before its `select!` first polls the signal
/// would find SIGINT's default action and end the process without its
/// report. So: poll it once here (must run inside a tokio runtime).
pub fn ctrl_c() -> impl Future<Output = std::io::Result<()>> {
    let mut signal = Box::pin(tokio::signal::ctrl_c());
    let early = (&mut signal).now_or_never(); // the first poll installs the handler
    async move {
        match early {
            Some(done) => done, // cannot listen (Err), or a Ctrl-C already came
            None => signal.await,
        }
    }
}
