//! The local blog site the crawlers crawl: real HTTP/1.1 on loopback.
//!
//! The notes' crawler fetched a real blog's list pages
//! (`/sitehome/p/{n}`, n = 1..=50) and pulled out every
//! `<a class="post-item-title">`. No machine here reaches the internet, so
//! this module serves the same shape of site from `127.0.0.1`:
//!
//! - `GET /sitehome/p/{n}` for `n` in `1..=pages`: an HTML list of
//!   [`posts_on_page`]`(n)` posts (10 to 20, fixed per page, so a crawler can
//!   check its count against [`expected_posts`]), each written as
//!   `<a class="post-item-title" href="/p/{n}/{i}.html">title</a>`;
//! - `GET /p/{n}/{i}.html`: the post itself; `GET /`: an index of the pages;
//! - a fixed per-request latency (default 100 ms; `0` allowed), served with
//!   tokio's timer so slow requests overlap, as a real server's would;
//! - optional faults, off by default: a fraction of `500`s, of responses
//!   slowed by an extra delay, and of connections dropped as they are accepted.
//!
//! Start it in-process with [`Site::start`] (it runs on its own tokio runtime
//! thread, so blocking thread examples can use it too, and stops when the
//! handle is dropped), or as a program:
//! `cargo run -p shared --bin blog-site -- --port 8000 --pages 50 --latency-ms 100`.
//!
//! The client half, [`fetch`] (blocking, `ureq`) and [`parse_posts`]
//! (`scraper`), is the crawlers' workload: the lessons are how they schedule
//! these calls, not the calls themselves.

use std::net::{SocketAddr, TcpListener as StdTcpListener};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use tokio::sync::oneshot;

use crate::workload::splitmix64;

/// Faults the site can inject; every rate is a fraction in `0.0..=1.0`, and
/// all are off by default. Which requests are hit is decided by a seeded
/// hash of the request's sequence number, so a run with the same seed and the
/// same request order is hit the same way.
#[derive(Debug, Clone, PartialEq)]
pub struct Faults {
    /// Fraction of page requests answered `500 Internal Server Error`.
    pub error_rate: f64,
    /// Fraction of page requests delayed by `slow_extra` on top of the latency.
    pub slow_rate: f64,
    /// The extra delay of a slow response (default 2 s).
    pub slow_extra: Duration,
    /// Fraction of accepted connections closed at once, before a byte is read
    /// (clients see a reset or an empty reply). Decided per connection, so a
    /// client that keeps its connection alive is hit only when it reconnects.
    pub drop_rate: f64,
    /// Seed of the fault decisions.
    pub seed: u64,
}

impl Default for Faults {
    fn default() -> Self {
        Self {
            error_rate: 0.0,
            slow_rate: 0.0,
            slow_extra: Duration::from_secs(2),
            drop_rate: 0.0,
            seed: 1,
        }
    }
}

/// How to run the site. `SiteConfig::default()` is the notes' crawl: 50 pages,
/// 100 ms per request, no faults, an OS-chosen port on 127.0.0.1.
#[derive(Debug, Clone, PartialEq)]
pub struct SiteConfig {
    /// Address to bind (default `127.0.0.1`).
    pub host: String,
    /// Port to bind; `0` (the default) lets the OS pick a free one.
    pub port: u16,
    /// Number of list pages, `/sitehome/p/1` to `/sitehome/p/{pages}` (default 50).
    pub pages: u32,
    /// Latency added to every request before it is answered (default 100 ms).
    pub latency: Duration,
    /// Injected faults (default: none).
    pub faults: Faults,
}

impl Default for SiteConfig {
    fn default() -> Self {
        Self {
            host: "127.0.0.1".into(),
            port: 0,
            pages: 50,
            latency: Duration::from_millis(100),
            faults: Faults::default(),
        }
    }
}

/// A running site. Its base URL is [`Site::url`]; dropping the handle shuts
/// the server down and joins its thread (open requests get about a second).
#[derive(Debug)]
pub struct Site {
    addr: SocketAddr,
    url: String,
    pages: u32,
    stats: Arc<Stats>,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

#[derive(Debug, Default)]
struct Stats {
    requests: AtomicU64,
}

struct AppState {
    config: SiteConfig,
    stats: Arc<Stats>,
}

impl Site {
    /// Binds `config.host:config.port` and starts serving on a new thread that
    /// owns a small multi-thread tokio runtime.
    ///
    /// # Errors
    /// A port already in use, an address that cannot be bound, `pages == 0`,
    /// a fault rate outside `0.0..=1.0`, or a runtime that cannot start. The
    /// bind happens here, on the caller's thread, so the error is returned
    /// rather than printed by a background thread.
    pub fn start(config: SiteConfig) -> Result<Site> {
        if config.pages == 0 {
            bail!("the site needs at least one page");
        }
        let f = &config.faults;
        for (name, rate) in [
            ("error", f.error_rate),
            ("slow", f.slow_rate),
            ("drop", f.drop_rate),
        ] {
            if !(0.0..=1.0).contains(&rate) {
                bail!("the {name} rate must be between 0 and 1, got {rate}");
            }
        }
        let bind = format!("{}:{}", config.host, config.port);
        let std_listener = StdTcpListener::bind(&bind)
            .with_context(|| format!("cannot bind the blog site to {bind}"))?;
        std_listener.set_nonblocking(true)?;
        let addr = std_listener.local_addr()?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("blog-site")
            .enable_all()
            .build()
            .context("cannot start the blog site's tokio runtime")?;
        let stats = Arc::new(Stats::default());
        let pages = config.pages;
        let drop_rate = config.faults.drop_rate;
        let seed = config.faults.seed;
        let state = Arc::new(AppState {
            config,
            stats: stats.clone(),
        });
        let (tx, rx) = oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("blog-site".into())
            .spawn(move || {
                runtime.block_on(async move {
                    let listener = match tokio::net::TcpListener::from_std(std_listener) {
                        Ok(l) => l,
                        Err(e) => {
                            eprintln!("blog-site: {e}");
                            return;
                        }
                    };
                    let listener = FaultyListener {
                        inner: listener,
                        drop_rate,
                        seed,
                        accepted: 0,
                    };
                    let stop = Arc::new(tokio::sync::Notify::new());
                    let stopped = stop.clone();
                    let served = axum::serve(listener, router(state))
                        .with_graceful_shutdown(async move { stopped.notified().await });
                    let server = tokio::spawn(async move {
                        if let Err(e) = served.await {
                            eprintln!("blog-site: {e}");
                        }
                    });
                    // Serve until the handle is dropped (or its sender is gone).
                    let _ = rx.await;
                    stop.notify_one();
                    // Give open requests a second to finish, no more.
                    let _ = tokio::time::timeout(Duration::from_secs(1), server).await;
                });
                runtime.shutdown_timeout(Duration::from_secs(1));
            })
            .context("cannot spawn the blog site's thread")?;
        Ok(Site {
            addr,
            url: format!("http://{addr}"),
            pages,
            stats,
            shutdown: Some(tx),
            thread: Some(thread),
        })
    }

    /// The base URL, e.g. `http://127.0.0.1:41234` (no trailing slash).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The bound socket address (useful when port 0 was asked for).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Number of list pages served.
    pub fn pages(&self) -> u32 {
        self.pages
    }

    /// The URLs of every list page, in order: [`page_urls`] of this site.
    pub fn page_urls(&self) -> Vec<String> {
        page_urls(&self.url, self.pages)
    }

    /// Total post links across every list page: [`expected_posts`].
    pub fn expected_posts(&self) -> usize {
        expected_posts(self.pages)
    }

    /// Requests answered so far (any path, any status).
    pub fn requests(&self) -> u64 {
        self.stats.requests.load(Ordering::Relaxed)
    }
}

impl Drop for Site {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Accepts TCP connections and closes a seeded fraction of them at once.
struct FaultyListener {
    inner: tokio::net::TcpListener,
    drop_rate: f64,
    seed: u64,
    accepted: u64,
}

impl axum::serve::Listener for FaultyListener {
    type Io = tokio::net::TcpStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            let (stream, addr) = match self.inner.accept().await {
                Ok(pair) => pair,
                Err(e) => {
                    // Out of file descriptors and the like: back off, retry.
                    eprintln!("blog-site: accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            };
            self.accepted += 1;
            if self.drop_rate > 0.0 && unit(self.seed ^ 0xD20F, self.accepted) < self.drop_rate {
                drop(stream); // the injected fault: close before reading
                continue;
            }
            let _ = stream.set_nodelay(true);
            return (stream, addr);
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        self.inner.local_addr()
    }
}

/// A uniform number in `[0, 1)` from a seed and a sequence number.
fn unit(seed: u64, n: u64) -> f64 {
    let mut s = seed ^ n.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (splitmix64(&mut s) >> 11) as f64 / (1u64 << 53) as f64
}

fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/", get(index))
        .route("/sitehome/p/{n}", get(list_page))
        .route("/p/{n}/{post}", get(post_page))
        .with_state(state)
}

async fn index(State(st): State<Arc<AppState>>) -> Response {
    st.stats.requests.fetch_add(1, Ordering::Relaxed);
    tokio::time::sleep(st.config.latency).await;
    let mut body = String::from(
        "<!doctype html><html><head><title>Blog</title></head><body><h1>Blog</h1><ul>\n",
    );
    for n in 1..=st.config.pages {
        body.push_str(&format!(
            "<li><a href=\"/sitehome/p/{n}\">page {n}</a></li>\n"
        ));
    }
    body.push_str("</ul></body></html>\n");
    Html(body).into_response()
}

async fn list_page(State(st): State<Arc<AppState>>, Path(n): Path<String>) -> Response {
    let seq = st.stats.requests.fetch_add(1, Ordering::Relaxed) + 1;
    tokio::time::sleep(st.config.latency).await;
    let f = &st.config.faults;
    if f.slow_rate > 0.0 && unit(f.seed ^ 0x510, seq) < f.slow_rate {
        tokio::time::sleep(f.slow_extra).await;
    }
    if f.error_rate > 0.0 && unit(f.seed ^ 0xE22, seq) < f.error_rate {
        return (StatusCode::INTERNAL_SERVER_ERROR, "injected fault\n").into_response();
    }
    match n.parse::<u32>() {
        Ok(n) if (1..=st.config.pages).contains(&n) => {
            Html(list_page_html(n, st.config.pages)).into_response()
        }
        _ => (StatusCode::NOT_FOUND, "no such page\n").into_response(),
    }
}

async fn post_page(
    State(st): State<Arc<AppState>>,
    Path((n, post)): Path<(u32, String)>,
) -> Response {
    st.stats.requests.fetch_add(1, Ordering::Relaxed);
    tokio::time::sleep(st.config.latency).await;
    let i = post
        .strip_suffix(".html")
        .and_then(|i| i.parse::<usize>().ok());
    match i {
        Some(i) if (1..=st.config.pages).contains(&n) && (1..=posts_on_page(n)).contains(&i) => {
            let title = post_title(n, i);
            Html(format!(
                "<!doctype html><html><head><title>{title}</title></head><body><h1>{title}</h1><p>Post {i} of page {n}.</p></body></html>\n"
            ))
            .into_response()
        }
        _ => (StatusCode::NOT_FOUND, "no such post\n").into_response(),
    }
}

/// Number of posts on list page `n`: between 10 and 20, fixed for each `n`.
pub fn posts_on_page(n: u32) -> usize {
    let mut s = u64::from(n);
    10 + (splitmix64(&mut s) % 11) as usize
}

/// Total posts on pages `1..=pages`: what a full crawl must find.
pub fn expected_posts(pages: u32) -> usize {
    (1..=pages).map(posts_on_page).sum()
}

/// `{base}/sitehome/p/{n}`.
pub fn page_url(base: &str, n: u32) -> String {
    format!("{}/sitehome/p/{n}", base.trim_end_matches('/'))
}

/// The URLs of list pages `1..=pages` under `base`, in order (the notes'
/// `urls = [f"https://www.cnblogs.com/#p{page}" for page in range(1, 50 + 1)]`).
pub fn page_urls(base: &str, pages: u32) -> Vec<String> {
    (1..=pages).map(|n| page_url(base, n)).collect()
}

const WORDS: [&str; 16] = [
    "threads",
    "locks",
    "queues",
    "the GIL",
    "asyncio",
    "futures",
    "pools",
    "barriers",
    "semaphores",
    "conditions",
    "processes",
    "coroutines",
    "epoll",
    "atomics",
    "channels",
    "executors",
];

fn post_title(n: u32, i: usize) -> String {
    let mut s = (u64::from(n) << 16) | i as u64;
    let a = WORDS[(splitmix64(&mut s) % 16) as usize];
    let b = WORDS[(splitmix64(&mut s) % 16) as usize];
    format!("Notes on {a} and {b} ({n}.{i})")
}

/// The HTML of list page `n` of a site with `pages` pages.
pub fn list_page_html(n: u32, pages: u32) -> String {
    let mut body = format!(
        "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>Blog - page {n}</title></head>\n<body>\n<div id=\"post_list\">\n"
    );
    for i in 1..=posts_on_page(n) {
        body.push_str(&format!(
            "  <article class=\"post-item\"><a class=\"post-item-title\" href=\"/p/{n}/{i}.html\">{}</a></article>\n",
            post_title(n, i)
        ));
    }
    body.push_str("</div>\n");
    if n < pages {
        body.push_str(&format!(
            "<a class=\"pager\" href=\"/sitehome/p/{}\">next</a>\n",
            n + 1
        ));
    }
    body.push_str("</body></html>\n");
    body
}

/// One post link found on a list page.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Post {
    /// The link's text.
    pub title: String,
    /// The link's `href`, as written (site-relative here).
    pub href: String,
}

/// Every `<a class="post-item-title" href="...">title</a>` in `html`, in
/// document order: the notes' `soup.find_all("a", class_="post-item-title")`.
pub fn parse_posts(html: &str) -> Vec<Post> {
    // The selector is a constant, so parsing it cannot fail at run time.
    let selector = scraper::Selector::parse("a.post-item-title").expect("valid selector");
    scraper::Html::parse_document(html)
        .select(&selector)
        .map(|a| Post {
            title: a.text().collect::<String>().trim().to_string(),
            href: a.value().attr("href").unwrap_or_default().to_string(),
        })
        .collect()
}

fn agent() -> &'static ureq::Agent {
    static AGENT: std::sync::OnceLock<ureq::Agent> = std::sync::OnceLock::new();
    AGENT.get_or_init(|| {
        ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(30)))
            .build()
            .into()
    })
}

/// Fetches `url` with a blocking HTTP GET (the notes' `requests.get(url).text`)
/// through one shared `ureq` agent, whose connection pool is safe to use from
/// many threads at once. Blocks the calling thread for the whole round trip.
///
/// # Errors
/// A connection failure (nothing listens at the URL), a timeout (30 s), a
/// non-2xx status, or a body that is not UTF-8; the message names the URL.
pub fn fetch(url: &str) -> Result<String> {
    let mut resp = agent()
        .get(url)
        .call()
        .with_context(|| format!("GET {url} failed"))?;
    resp.body_mut()
        .read_to_string()
        .with_context(|| format!("reading the body of {url} failed"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_have_their_posts() {
        for n in 1..=60 {
            let k = posts_on_page(n);
            assert!((10..=20).contains(&k));
            let posts = parse_posts(&list_page_html(n, 50));
            assert_eq!(posts.len(), k);
            assert!(posts[0].href.starts_with(&format!("/p/{n}/")));
        }
        assert_eq!(expected_posts(3), (1..=3).map(posts_on_page).sum::<usize>());
    }

    #[test]
    fn serves_over_http_and_counts() {
        let site = Site::start(SiteConfig {
            pages: 5,
            latency: Duration::ZERO,
            ..SiteConfig::default()
        })
        .unwrap();
        let mut found = 0;
        for url in site.page_urls() {
            found += parse_posts(&fetch(&url).unwrap()).len();
        }
        assert_eq!(found, site.expected_posts());
        assert!(fetch(&page_url(site.url(), 6)).is_err(), "page 6 is a 404");
        assert!(
            fetch(&format!("{}/p/1/1.html", site.url()))
                .unwrap()
                .contains("Post 1 of page 1")
        );
        assert_eq!(site.requests(), 7);
    }

    #[test]
    fn port_in_use_is_an_error() {
        let first = Site::start(SiteConfig::default()).unwrap();
        let err = Site::start(SiteConfig {
            port: first.addr().port(),
            ..SiteConfig::default()
        })
        .unwrap_err();
        assert!(format!("{err:#}").contains("cannot bind"), "{err:#}");
    }

    #[test]
    fn faults_are_injected() {
        let site = Site::start(SiteConfig {
            pages: 2,
            latency: Duration::ZERO,
            faults: Faults {
                error_rate: 1.0,
                ..Faults::default()
            },
            ..SiteConfig::default()
        })
        .unwrap();
        let err = fetch(&page_url(site.url(), 1)).unwrap_err();
        assert!(format!("{err:#}").contains("500"), "{err:#}");
    }

    #[test]
    fn fetch_names_the_url_when_nothing_listens() {
        let port = StdTcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let url = format!("http://127.0.0.1:{port}/sitehome/p/1");
        let err = fetch(&url).unwrap_err();
        assert!(format!("{err:#}").contains(&url), "{err:#}");
    }
}
