//! The local blog site the crawlers crawl: real HTTP/1.1 on loopback.
//!
//! The course's crawler (the notes' `blog_spider.craw(url)`) fetched a real blog's list pages
//! (`/sitehome/p/{n}`, n = 1..=50) and pulled out every
//! `<a class="post-item-title">`. No machine here reaches the internet, so
//! this module serves the same shape of site from `127.0.0.1`:
//!
//! - `GET /sitehome/p/{n}` for `n` in `1..=pages`: an HTML list of
//!   [`posts_on_page`]`(n)` posts (10 to 20, fixed per page, so a crawler can
//!   check its count against [`expected_posts`]), each written as
//!   `<a class="post-item-title" href="http://127.0.0.1:PORT/p/{n}/{i}.html">title</a>`
//!   (absolute links, built from the bound address, as the original blog's
//!   were, so a program that follows a parsed link works);
//! - `GET /p/{n}/{i}.html`: the post itself; `GET /`: an index of the pages;
//! - a fixed per-request latency (default 100 ms; `0` allowed), served with
//!   tokio's timer so slow requests overlap, as a real server's would;
//! - optional faults, off by default: a fraction of `500`s, of responses
//!   slowed by an extra delay, and of responses whose connection is dropped
//!   half-way through the body. Which requests are hit is drawn from a seed,
//!   the URL path and how many times that path was asked for, so a crawl of
//!   a freshly started site is hit the same way whatever order it fetches in:
//!   the account of a faulty crawl can be replayed (`--seed`);
//! - at most [`MAX_PAGES`] list pages; starting takes constant time;
//! - a connection must send a whole request head within
//!   [`SiteConfig::header_timeout`] (default 10 s) of opening, or of the end
//!   of its previous response, or it is closed: a client that sends half a
//!   request, or keeps an idle connection open, holds no socket for long.
//!
//! Start it in-process with [`Site::start`] (it runs on its own tokio runtime
//! thread, so blocking thread examples can use it too, and stops when the
//! handle is dropped), or as a program:
//! `cargo run -p shared --bin blog-site -- --port 8000 --pages 50 --latency-ms 100`.
//!
//! The client half, [`crate::crawl::fetch`] (blocking, `ureq`, with retries,
//! timeouts and an account of every URL in the same module) and
//! [`parse_posts`] (`scraper`), is the crawlers' workload: the lessons are how
//! they schedule these calls, not the calls themselves. Crawlers use
//! [`SiteGuard`] to crawl either a running site (`--site URL`) or one started
//! in-process.

use std::collections::HashMap;
use std::net::{SocketAddr, TcpListener as StdTcpListener};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::sync::{oneshot, watch};

use crate::workload::splitmix64;

/// The most list pages a site serves (and a crawler's `--pages` accepts).
pub const MAX_PAGES: u32 = 100_000;

/// Faults the site can inject; every rate is a fraction in `0.0..=1.0`, and
/// all are off by default. Whether the k-th request for a path is hit is a
/// seeded hash of `(seed, path, k)`: a freshly started site with the same seed
/// hits the same requests of a crawl whatever order they arrive in.
#[derive(Debug, Clone, PartialEq)]
pub struct Faults {
    /// Fraction of list-page requests answered `500 Internal Server Error`.
    pub error_rate: f64,
    /// Fraction of list-page requests delayed by `slow_extra` on top of the
    /// latency (a client with a shorter timeout sees a timeout).
    pub slow_rate: f64,
    /// The extra delay of a slow response (default 2 s).
    pub slow_extra: Duration,
    /// Fraction of list-page requests whose connection is dropped half-way
    /// through the body: the status line and headers arrive, then the
    /// connection closes short of its `Content-Length` (clients see an
    /// incomplete response or a reset).
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

/// How to run the site. `SiteConfig::default()` is the course's crawl: 50 pages,
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
    /// How long a connection may take to send a request's head (request line
    /// and headers), counted from its opening or from the end of its previous
    /// response; then it is closed. So this is also the idle keep-alive
    /// timeout: hyper times both with its one header-read timer
    /// (`http1::Builder::header_read_timeout`). Default 10 s (nginx's
    /// `client_header_timeout` is 60 s, its `keepalive_timeout` 75 s).
    pub header_timeout: Duration,
}

impl Default for SiteConfig {
    fn default() -> Self {
        Self {
            host: "127.0.0.1".into(),
            port: 0,
            pages: 50,
            latency: Duration::from_millis(100),
            faults: Faults::default(),
            header_timeout: DEFAULT_HEADER_TIMEOUT,
        }
    }
}

/// The default [`SiteConfig::header_timeout`]: 10 s.
pub const DEFAULT_HEADER_TIMEOUT: Duration = Duration::from_secs(10);

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
    /// The base URL links are built from, e.g. `http://127.0.0.1:8000`.
    base: String,
    /// How many times each list-page path has been asked for.
    asked: Mutex<HashMap<String, u64>>,
}

impl Site {
    /// Binds `config.host:config.port` and starts serving on a new thread that
    /// owns a small multi-thread tokio runtime.
    ///
    /// # Errors
    /// A port already in use, an address that cannot be bound, `pages` outside
    /// `1..=`[`MAX_PAGES`], a fault rate outside `0.0..=1.0`, or a runtime
    /// that cannot start. The
    /// bind happens here, on the caller's thread, so the error is returned
    /// rather than printed by a background thread.
    pub fn start(config: SiteConfig) -> Result<Site> {
        if config.header_timeout.is_zero() {
            bail!("the header timeout must be more than 0 s");
        }
        if !(1..=MAX_PAGES).contains(&config.pages) {
            bail!("the site serves 1 to {MAX_PAGES} pages, not {}", config.pages);
        }
        let f = &config.faults;
        for (name, rate) in [("error", f.error_rate), ("slow", f.slow_rate), ("drop", f.drop_rate)]
        {
            if !(0.0..=1.0).contains(&rate) {
                bail!("the {name} rate must be between 0 and 1, got {rate}");
            }
        }
        let bind = format!("{}:{}", config.host, config.port);
        let std_listener =
            listen(&bind).with_context(|| format!("cannot bind the blog site to {bind}"))?;
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
        let url = format!("http://{addr}");
        let state = Arc::new(AppState {
            config,
            stats: stats.clone(),
            base: url.clone(),
            asked: Mutex::new(HashMap::new()),
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
                    let timeout = state.config.header_timeout;
                    let (stop, stopped) = watch::channel(());
                    let server = tokio::spawn(serve(listener, router(state), timeout, stopped));
                    // Serve until the handle is dropped (or its sender is gone).
                    let _ = rx.await;
                    let _ = stop.send(());
                    // Give open requests a second to finish, no more.
                    let _ = tokio::time::timeout(Duration::from_secs(1), server).await;
                });
                runtime.shutdown_timeout(Duration::from_secs(1));
            })
            .context("cannot spawn the blog site's thread")?;
        Ok(Site { addr, url, pages, stats, shutdown: Some(tx), thread: Some(thread) })
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

/// How many connections may wait to be accepted. std's `TcpListener::bind`
/// asks for 128; a crawl with 1,000 permits connects 1,000 at once, and every
/// connection the kernel drops from a full queue is retried by the client a
/// second later. 4096 keeps the queue out of the measurement (Linux caps it at
/// `net.core.somaxconn`, 4096 by default).
const BACKLOG: i32 = 4096;

/// Binds `addr` (`host:port`) and listens with a [`BACKLOG`]-deep queue.
fn listen(addr: &str) -> std::io::Result<StdTcpListener> {
    use std::net::ToSocketAddrs;
    let mut last = std::io::Error::new(std::io::ErrorKind::InvalidInput, "no address");
    for a in addr.to_socket_addrs()? {
        let socket = socket2::Socket::new(
            socket2::Domain::for_address(a),
            socket2::Type::STREAM,
            Some(socket2::Protocol::TCP),
        )?;
        // Unix: a restarted site rebinds at once, though the connections of the
        // one it replaces wait out TIME_WAIT (~60 s); a port that another socket
        // listens on is still refused. Not on Windows, where SO_REUSEADDR lets
        // two sockets bind one port (std and tokio leave it off there too).
        #[cfg(unix)]
        socket.set_reuse_address(true)?;
        match socket.bind(&a.into()).and_then(|()| socket.listen(BACKLOG)) {
            Ok(()) => return Ok(socket.into()),
            Err(e) => last = e,
        }
    }
    Err(last)
}

/// Serves `app` on `listener` until `stop` changes, then lets each open
/// connection finish its request in flight and returns once all are closed.
///
/// Each connection is served by hyper's HTTP/1 builder with a timer, so its
/// `header_read_timeout` runs: a connection that has not sent a whole
/// request head `header_timeout` after opening, or after its previous
/// response, is closed. (`axum::serve` builds the connection without a timer,
/// and without one hyper never times the headers: a client sending half a
/// request held its socket for ever.)
async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    header_timeout: Duration,
    mut stop: watch::Receiver<()>,
) {
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new()).header_read_timeout(header_timeout);
    let mut connections = tokio::task::JoinSet::new();
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // Out of file descriptors and the like: back off, retry.
                    eprintln!("blog-site: accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = stop.changed() => break,
        };
        let _ = stream.set_nodelay(true);
        let conn =
            http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(app.clone()));
        let mut stop = stop.clone();
        connections.spawn(async move {
            let mut conn = std::pin::pin!(conn);
            tokio::select! {
                _ = conn.as_mut() => {}
                _ = stop.changed() => {
                    conn.as_mut().graceful_shutdown(); // finish the request in flight, then close
                    let _ = conn.await;
                }
            }
        });
        while connections.try_join_next().is_some() {} // forget the closed ones
    }
    while connections.join_next().await.is_some() {}
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
        body.push_str(&format!("<li><a href=\"{}/sitehome/p/{n}\">page {n}</a></li>\n", st.base));
    }
    body.push_str("</ul></body></html>\n");
    Html(body).into_response()
}

/// The faults that hit one request: drawn from the seed, the path and how
/// many times the path was asked for before, never from arrival order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fault {
    None,
    Error,
    Drop,
}

fn draw(f: &Faults, path: &str, k: u64) -> (bool, Fault) {
    let mut h = 0xcbf2_9ce4_8422_2325u64; // FNV-1a of the path
    for b in path.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
    }
    let key = h ^ k.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let slow = f.slow_rate > 0.0 && unit(f.seed ^ 0x510, key) < f.slow_rate;
    let fault = if f.error_rate > 0.0 && unit(f.seed ^ 0xE22, key) < f.error_rate {
        Fault::Error
    } else if f.drop_rate > 0.0 && unit(f.seed ^ 0xD20F, key) < f.drop_rate {
        Fault::Drop
    } else {
        Fault::None
    };
    (slow, fault)
}

async fn list_page(State(st): State<Arc<AppState>>, Path(n): Path<String>) -> Response {
    st.stats.requests.fetch_add(1, Ordering::Relaxed);
    let path = format!("/sitehome/p/{n}");
    let k = {
        // Never held across an await; a poisoned map is still a valid map.
        let mut asked = st.asked.lock().unwrap_or_else(|e| e.into_inner());
        let k = asked.entry(path.clone()).or_insert(0);
        *k += 1;
        *k
    };
    let (slow, fault) = draw(&st.config.faults, &path, k);
    tokio::time::sleep(st.config.latency).await;
    if slow {
        tokio::time::sleep(st.config.faults.slow_extra).await;
    }
    if fault == Fault::Error {
        return (StatusCode::INTERNAL_SERVER_ERROR, "injected fault\n").into_response();
    }
    let html = match n.parse::<u32>() {
        Ok(n) if (1..=st.config.pages).contains(&n) => list_page_html(&st.base, n, st.config.pages),
        _ => return (StatusCode::NOT_FOUND, "no such page\n").into_response(),
    };
    if fault == Fault::Drop {
        return dropped_midway(html);
    }
    Html(html).into_response()
}

/// A 200 whose body stops half-way: the headers promise every byte, the
/// stream sends half and then fails, and hyper closes the connection.
fn dropped_midway(html: String) -> Response {
    let len = html.len();
    let half = axum::body::Bytes::from(html.into_bytes()).slice(..len / 2);
    let chunks: [Result<axum::body::Bytes, std::io::Error>; 2] = [
        Ok(half),
        Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionAborted,
            "injected fault: connection dropped",
        )),
    ];
    Response::builder()
        .header("content-type", "text/html; charset=utf-8")
        .header("content-length", len)
        .body(axum::body::Body::from_stream(futures_util::stream::iter(chunks)))
        .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

async fn post_page(
    State(st): State<Arc<AppState>>,
    Path((n, post)): Path<(u32, String)>,
) -> Response {
    st.stats.requests.fetch_add(1, Ordering::Relaxed);
    tokio::time::sleep(st.config.latency).await;
    let i = post.strip_suffix(".html").and_then(|i| i.parse::<usize>().ok());
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

/// The URLs of list pages `1..=pages` under `base`, in order (the course's
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

/// The HTML of list page `n` of a site with `pages` pages served at `base`
/// (e.g. `http://127.0.0.1:8000`): post links are absolute, `{base}/p/{n}/{i}.html`.
pub fn list_page_html(base: &str, n: u32, pages: u32) -> String {
    let base = base.trim_end_matches('/');
    let mut body = format!(
        "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>Blog - page {n}</title></head>\n<body>\n<div id=\"post_list\">\n"
    );
    for i in 1..=posts_on_page(n) {
        body.push_str(&format!(
            "  <article class=\"post-item\"><a class=\"post-item-title\" href=\"{base}/p/{n}/{i}.html\">{}</a></article>\n",
            post_title(n, i)
        ));
    }
    body.push_str("</div>\n");
    if n < pages {
        body.push_str(&format!(
            "<a class=\"pager\" href=\"{base}/sitehome/p/{}\">next</a>\n",
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
    /// The link's `href`, as written (absolute on the local site:
    /// `http://127.0.0.1:PORT/p/{n}/{i}.html`).
    pub href: String,
}

/// Every `<a class="post-item-title" href="...">title</a>` in `html`, in
/// document order: the course's `soup.find_all("a", class_="post-item-title")`.
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

/// How to start the site, as the error of a `--site` where nothing listens says.
pub const START_SITE_HINT: &str = "start one with `cargo run -p shared --bin blog-site`";

/// Checks that something listens at the site `url` (`http://HOST[:PORT]...`,
/// port 80 if none): one TCP connect to each address the host resolves to,
/// up to 1 s each. Only a refused connection (or a host that does not
/// resolve) is an error; a slow or faulty site is the crawl's business.
///
/// # Errors
/// `no blog site at URL (connection refused): start one with
/// `cargo run -p shared --bin blog-site``, or the host does not resolve.
pub fn probe(url: &str) -> Result<()> {
    use std::net::{TcpStream, ToSocketAddrs};
    let url = url.trim_end_matches('/');
    let rest = url.strip_prefix("http://").unwrap_or(url);
    let authority = rest.split('/').next().unwrap_or(rest);
    let host_port = if authority.rsplit_once(':').is_some_and(|(_, p)| p.parse::<u16>().is_ok())
        && !authority.ends_with(']')
    {
        authority.to_string()
    } else {
        format!("{authority}:80")
    };
    let addrs: Vec<SocketAddr> = host_port
        .to_socket_addrs()
        .with_context(|| format!("no blog site at {url}: cannot resolve {host_port}"))?
        .collect();
    let mut refused = !addrs.is_empty();
    for addr in &addrs {
        match TcpStream::connect_timeout(addr, Duration::from_secs(1)) {
            Ok(_) => return Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => {}
            Err(_) => refused = false, // slow or filtered: let the crawl say
        }
    }
    if refused {
        bail!("no blog site at {url} (connection refused): {START_SITE_HINT}");
    }
    Ok(())
}

/// The site a crawler crawls: a running one named by URL (`--site URL`), or
/// one started in this process that serves for as long as the guard lives.
///
/// The local site is owned by the guard, and the URLs are borrowed from it,
/// so the site cannot be stopped by accident while they are in use:
///
/// ```no_run
/// # fn main() -> anyhow::Result<()> {
/// use shared::site::{SiteConfig, SiteGuard};
/// let site = SiteGuard::open(None, SiteConfig { pages: 5, ..SiteConfig::default() })?;
/// for url in site.page_urls(5) {
///     println!("{url}"); // served until `site` goes out of scope
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
#[must_use = "dropping the guard stops a local site at once"]
pub struct SiteGuard {
    url: String,
    local: Option<Site>,
}

impl SiteGuard {
    /// With `Some(url)`, uses that running site as is (nothing is started;
    /// `config` is ignored) after checking that something listens there
    /// ([`probe`]). With `None`, starts a local site from `config`.
    ///
    /// # Errors
    /// With `Some(url)`: nothing listens there (see [`probe`]). With `None`:
    /// those of [`Site::start`], with context.
    pub fn open(site: Option<&str>, config: SiteConfig) -> Result<SiteGuard> {
        if let Some(url) = site {
            probe(url)?;
            return Ok(SiteGuard { url: url.trim_end_matches('/').to_string(), local: None });
        }
        let local = Site::start(config).context("cannot start the local blog site")?;
        Ok(SiteGuard { url: local.url().to_string(), local: Some(local) })
    }

    /// The base URL, e.g. `http://127.0.0.1:41234` (no trailing slash).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The URLs of list pages `1..=pages` of this site, in order.
    pub fn page_urls(&self, pages: u32) -> Vec<String> {
        page_urls(&self.url, pages)
    }

    /// The site started in this process, if one was.
    pub fn local(&self) -> Option<&Site> {
        self.local.as_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crawl::{FetchError, fetch as get};

    /// The crawlers' GET, with a generous limit.
    fn fetch(url: &str) -> Result<String, FetchError> {
        get(url, Duration::from_secs(10))
    }

    #[test]
    fn a_site_where_nothing_listens_is_one_clear_error() {
        let port = StdTcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let url = format!("http://127.0.0.1:{port}");
        let e = SiteGuard::open(Some(&url), SiteConfig::default()).unwrap_err();
        assert_eq!(
            format!("{e:#}"),
            format!(
                "no blog site at {url} (connection refused): start one with `cargo run -p shared --bin blog-site`"
            )
        );
        let site =
            Site::start(SiteConfig { pages: 2, latency: Duration::ZERO, ..SiteConfig::default() })
                .unwrap();
        let guard = SiteGuard::open(Some(&format!("{}/", site.url())), SiteConfig::default());
        assert_eq!(guard.unwrap().url(), site.url());
        assert!(probe(&format!("{}/sitehome/p/1", site.url())).is_ok());
    }

    #[test]
    fn pages_have_their_posts() {
        for n in 1..=60 {
            let k = posts_on_page(n);
            assert!((10..=20).contains(&k));
            let posts = parse_posts(&list_page_html("http://h:1", n, 50));
            assert_eq!(posts.len(), k);
            assert!(posts[0].href.starts_with(&format!("http://h:1/p/{n}/")));
        }
        assert_eq!(expected_posts(3), (1..=3).map(posts_on_page).sum::<usize>());
    }

    #[test]
    fn serves_over_http_and_counts() {
        let site =
            Site::start(SiteConfig { pages: 5, latency: Duration::ZERO, ..SiteConfig::default() })
                .unwrap();
        let mut found = 0;
        for url in site.page_urls() {
            found += parse_posts(&fetch(&url).unwrap()).len();
        }
        assert_eq!(found, site.expected_posts());
        assert!(fetch(&page_url(site.url(), 6)).is_err(), "page 6 is a 404");
        assert!(fetch(&format!("{}/p/1/1.html", site.url())).unwrap().contains("Post 1 of page 1"));
        assert_eq!(site.requests(), 7);
    }

    #[cfg(unix)]
    #[test]
    fn a_restarted_site_rebinds_its_port_despite_time_wait() {
        use std::io::Read;
        let first = listen("127.0.0.1:0").unwrap();
        let addr = first.local_addr().unwrap();
        let mut client = std::net::TcpStream::connect(addr).unwrap();
        let (accepted, _) = first.accept().unwrap();
        drop(accepted); // the site closes first: its side of the connection enters TIME_WAIT
        let _ = client.read(&mut [0; 1]); // the client sees the close
        drop(client);
        drop(first);
        listen(&addr.to_string()).expect("rebinding a port whose old connection is in TIME_WAIT");
    }

    #[test]
    fn port_in_use_is_an_error() {
        let first = Site::start(SiteConfig::default()).unwrap();
        let err = Site::start(SiteConfig { port: first.addr().port(), ..SiteConfig::default() })
            .unwrap_err();
        assert!(format!("{err:#}").contains("cannot bind"), "{err:#}");
    }

    #[test]
    fn faults_are_injected() {
        let site = Site::start(SiteConfig {
            pages: 2,
            latency: Duration::ZERO,
            faults: Faults { error_rate: 1.0, ..Faults::default() },
            ..SiteConfig::default()
        })
        .unwrap();
        assert_eq!(fetch(&page_url(site.url(), 1)), Err(FetchError::Status(500)));
    }
}
