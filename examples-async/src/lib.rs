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
//! - [`memory`]: `million_tasks`' peak-memory lines, bytes per task.

#![warn(missing_docs)]

pub mod crawlers;
pub mod echo;
pub mod http;
pub mod memory;
pub mod multiplex;

use shared::crawl::Fetched;
use shared::site::parse_posts;

/// The post links on a fetched page (`shared::site::parse_posts`), or `None`
/// if the page failed after its retries.
pub fn count_posts(fetched: &Fetched) -> Option<usize> {
    fetched.body.as_ref().ok().map(|html| parse_posts(html).len())
}
