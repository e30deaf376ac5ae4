//! The one blog site every crawl contender crawls: the workspace's own
//! `blog-site` bin, started as a child process on a free port of 127.0.0.1
//! for the whole comparison, and killed when [`SiteProcess`] is dropped.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};

/// A running `blog-site` child process.
pub struct SiteProcess {
    child: Child,
    /// Its base URL, e.g. `http://127.0.0.1:40123`.
    pub url: String,
}

impl SiteProcess {
    /// Starts `bin_dir/blog-site --port 0 --pages P --latency-ms L` and waits
    /// (at most 30 s) for its `blog site: <url> (...)` line.
    ///
    /// # Errors
    /// The bin is missing or cannot start, or exits before it serves.
    pub fn start(bin_dir: &Path, pages: u32, latency_ms: u64) -> Result<SiteProcess> {
        let bin = bin_dir.join(format!("blog-site{}", std::env::consts::EXE_SUFFIX));
        if !bin.exists() {
            bail!(
                "{} is not built (cargo build --release -p shared --bin blog-site)",
                bin.display()
            );
        }
        let mut child = Command::new(&bin)
            .args(["--host", "127.0.0.1", "--port", "0", "--pages"])
            .arg(pages.to_string())
            .arg("--latency-ms")
            .arg(latency_ms.to_string())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .with_context(|| format!("cannot start {}", bin.display()))?;
        let stdout = child.stdout.take().context("the site's stdout")?;
        let (tx, rx) = mpsc::channel();
        // Reads every line the site prints, so it never blocks on a full pipe.
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(rest) = line.strip_prefix("blog site: ") {
                    let url = rest.split_whitespace().next().unwrap_or("").to_string();
                    let _ = tx.send(url);
                }
            }
        });
        match rx.recv_timeout(Duration::from_secs(30)) {
            Ok(url) if url.starts_with("http://") => Ok(SiteProcess { child, url }),
            _ => {
                let _ = child.kill();
                let mut err = String::new();
                if let Some(mut e) = child.stderr.take() {
                    let _ = e.read_to_string(&mut err);
                }
                let _ = child.wait();
                Err(anyhow!("the blog site did not start: {}", err.trim()))
            }
        }
    }
}

impl Drop for SiteProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
