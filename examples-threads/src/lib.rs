//! Threads: the threading notes mirrored with std::thread, crossbeam-channel and rayon. Each lesson is a bin under `src/bin/`.

#![warn(missing_docs)]

use std::time::Duration;

use anyhow::{Context, Result};
use shared::site::{Site, SiteConfig};

/// The blog site a crawler bin crawls, and its base URL (no trailing `/`).
///
/// With `site` (the bins' `--site URL`), that running site is used as is and
/// no [`Site`] is returned. Without it, a local blog site with `pages` list
/// pages and `latency` per request is started in this process: it serves on
/// its own thread (with its own tokio runtime) until the returned [`Site`] is
/// dropped, so keep it alive for as long as you crawl.
///
/// ```no_run
/// # fn main() -> anyhow::Result<()> {
/// let (_site, base) = examples_threads::site_or_local(None, 5, std::time::Duration::ZERO)?;
/// let urls = shared::site::page_urls(&base, 5); // valid while `_site` lives
/// # Ok(())
/// # }
/// ```
pub fn site_or_local(
    site: Option<&str>,
    pages: u32,
    latency: Duration,
) -> Result<(Option<Site>, String)> {
    if let Some(url) = site {
        return Ok((None, url.trim_end_matches('/').to_string()));
    }
    let config = SiteConfig {
        pages,
        latency,
        ..SiteConfig::default()
    };
    let local = Site::start(config).context("cannot start the local blog site")?;
    let base = local.url().to_string();
    Ok((Some(local), base))
}
