//! The book as a reader sees it: builds it (pages, timelines, `mdbook
//! build`), checks that every `href` and `src` of the built HTML resolves,
//! then opens pages in headless Chromium through chromedriver (WebDriver,
//! the `fantoccini` client) at 1280x720 and 400x800: both code columns
//! render (side by side at 1280, stacked at 400), nothing scrolls sideways,
//! the timeline SVG loads, no raw `{{#include` or `ANCHOR` text shows.
//! Screenshots (the top, the columns, the timeline, the costs) go to
//! target/book/screenshots/.
//!
//! Runs when mdbook, chromium and chromedriver are installed; skipped (with
//! one line saying what to install) when they are not, unless
//! `BOOK_CHECK_REQUIRED=1` (as `.ci/run` and `just book-check` set), which
//! makes their absence a failure.

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder};
use serde_json::{Value, json};

const PAGES: [&str; 5] = ["barrier", "crawler", "gather", "process_pool_hash", "event_loop"];
const INSTALL: &str = "the browser check needs mdbook, chromium and chromedriver: \
    cargo install mdbook --locked --version 0.5.4; apt-get install chromium chromium-driver";

fn find(names: &[&str], extra: &[PathBuf]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let dirs: Vec<PathBuf> = std::env::split_paths(&path).collect();
    names
        .iter()
        .flat_map(|n| dirs.iter().map(move |d| d.join(n)))
        .chain(extra.iter().cloned())
        .find(|p| p.is_file())
}

struct Tools {
    chromium: PathBuf,
    driver: PathBuf,
}

fn tools() -> Option<Tools> {
    let home = PathBuf::from(std::env::var_os("HOME").unwrap_or_default());
    find(&["mdbook"], &[home.join(".cargo/bin/mdbook")])?;
    // BOOK_CHROMIUM: a browser that is not on PATH (macOS: .../Chromium.app/Contents/MacOS/Chromium)
    let given: Vec<PathBuf> =
        std::env::var_os("BOOK_CHROMIUM").map(PathBuf::from).into_iter().collect();
    let chromium = find(&[], &given)
        .or_else(|| find(&["chromium", "chromium-browser", "google-chrome"], &[]))?;
    let driver = find(&["chromedriver"], &["/usr/lib/chromium/chromedriver".into()])?;
    Some(Tools { chromium, driver })
}

/// Every `href="..."` and `src="..."` in `html`.
fn links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in [" href=\"", " src=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            if let Some(end) = rest.find('"') {
                out.push(rest[..end].to_string());
            }
        }
    }
    out
}

fn html_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            html_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "html") {
            out.push(p);
        }
    }
}

/// The links of the built book that point at nothing.
fn broken_links(html_root: &Path) -> (usize, Vec<String>) {
    let mut files = Vec::new();
    html_files(html_root, &mut files);
    let (mut checked, mut broken) = (0, Vec::new());
    for f in &files {
        let html = std::fs::read_to_string(f).unwrap();
        // 404.html is served from any depth: mdBook gives it <base href="/">
        let base = if html.contains("<base href=\"/\"") {
            html_root.to_path_buf()
        } else {
            f.parent().unwrap().to_path_buf()
        };
        for link in links(&html) {
            let local = link.split(['#', '?']).next().unwrap_or_default();
            let web = ["http:", "https:", "mailto:", "javascript:", "data:"]
                .iter()
                .any(|s| link.starts_with(s));
            if web || local.is_empty() {
                continue;
            }
            checked += 1;
            let target = if let Some(abs) = local.strip_prefix('/') {
                html_root.join(abs)
            } else {
                base.join(local)
            };
            let ok = target.is_file() || target.join("index.html").is_file();
            if !ok {
                broken
                    .push(format!("{}: {link}", f.strip_prefix(html_root).unwrap_or(f).display()));
            }
        }
    }
    (checked, broken)
}

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

const PROBE: &str = r#"
// the first row with code in both columns (a row may have code on one side only)
const both = [...document.querySelectorAll('.pair-row')]
  .find(r => r.querySelector('.pair-py pre') && r.querySelector('.pair-rs pre'));
const box = s => { const e = both && both.querySelector(s); if (!e) return null;
  const r = e.getBoundingClientRect(); return { left: r.left, top: r.top, width: r.width }; };
const shown = e => { const r = e.getBoundingClientRect();
  return r.width > 40 && r.height > 5 && e.innerText.trim().length > 0; };
const img = document.querySelector('img.timeline');
const text = document.body.innerText;
return {
  inner: window.innerWidth,
  // sideways scroll a reader would see: the document or one of mdBook's scrolling
  // containers wider than its box, or anything on the page past the window's right
  // edge (inside a code block or a table that scrolls by itself is the next check's)
  sideways: [document.documentElement, document.body,
    ...[...document.querySelectorAll('.page-wrapper, .page, #mdbook-content, .content, main')]
      .filter(e => ['auto', 'scroll'].includes(getComputedStyle(e).overflowX))]
    .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.id || e.tagName)
    .concat([...document.querySelectorAll('main *')]
      .filter(e => !e.closest('pre, .table-wrapper') && e.getBoundingClientRect().right > window.innerWidth + 1)
      .slice(0, 5).map(e => e.tagName + '.' + e.getAttribute('class') + ' past the edge')),
  py: [...document.querySelectorAll('.pair-py pre')].filter(shown).length,
  rs: [...document.querySelectorAll('.pair-rs pre')].filter(shown).length,
  py_box: box('.pair-py'),
  rs_box: box('.pair-rs'),
  // a code block that scrolls sideways (the pre, or the code inside it that highlight.js lets scroll)
  wide_code: [...document.querySelectorAll('.pair pre, .pair pre > code')]
    .filter(p => p.scrollWidth > p.clientWidth + 1).length,
  timeline: img ? (img.complete && img.naturalWidth > 0) : null,
  raw: ['{{#include', 'ANCHOR'].filter(t => text.includes(t)),
};
"#;

async fn set_viewport(c: &Client, w: u32, h: u32) -> Result<(), fantoccini::error::CmdError> {
    c.set_window_size(w, h).await?;
    // the window may be larger than its viewport: grow it by the difference
    let inner = c.execute("return [window.innerWidth, window.innerHeight]", vec![]).await?;
    let (iw, ih) = (
        inner[0].as_u64().unwrap_or(w.into()) as u32,
        inner[1].as_u64().unwrap_or(h.into()) as u32,
    );
    if iw != w || ih != h {
        c.set_window_size(w + w.saturating_sub(iw), h + h.saturating_sub(ih)).await?;
    }
    Ok(())
}

#[tokio::test(flavor = "current_thread")]
async fn the_built_book_in_headless_chromium() {
    let required = std::env::var("BOOK_CHECK_REQUIRED").is_ok_and(|v| v == "1");
    let Some(t) = tools() else {
        assert!(!required, "BOOK_CHECK_REQUIRED=1: {INSTALL}");
        eprintln!("skipped: {INSTALL}");
        return;
    };
    let root = book::default_root();
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    let html_root = target.join("book/html");

    // 1. build it as a reader would: pages, timelines, mdbook build
    let status = Command::new(env!("CARGO_BIN_EXE_book"))
        .arg("build")
        .status()
        .expect("run the book's builder");
    assert!(status.success(), "cargo run -p book -- build failed ({status})");

    // 2. every href and src of every page resolves
    let (checked, broken) = broken_links(&html_root);
    assert!(checked > 100, "only {checked} links found in {}", html_root.display());
    eprintln!("links: {checked} href/src checked, {} broken", broken.len());
    let mut failures: Vec<String> = broken.iter().map(|b| format!("broken link: {b}")).collect();

    // 3. pages in headless Chromium
    let port = free_port();
    let driver = Command::new(&t.driver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    let _driver = Driver(driver);
    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "chromedriver did not listen on port {port}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let profile = target.join(format!("book/chromium-profile-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&profile);
    let args = [
        "--headless".to_string(),
        "--no-sandbox".into(),
        "--disable-gpu".into(),
        "--disable-quic".into(),
        "--no-first-run".into(),
        "--disable-background-networking".into(),
        "--disable-component-update".into(),
        "--disable-sync".into(),
        "--disable-dev-shm-usage".into(),
        "--hide-scrollbars".into(),
        format!("--user-data-dir={}", profile.display()),
    ];
    let mut caps = serde_json::Map::new();
    caps.insert("browserName".into(), json!("chrome"));
    caps.insert("goog:chromeOptions".into(), json!({ "binary": t.chromium, "args": args }));
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    let c = ClientBuilder::new(connector)
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("a Chromium session through chromedriver");
    let shots = target.join("book/screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let chapters = book::chapters(&root).unwrap();
    for bin in PAGES {
        let krate = &chapters
            .iter()
            .find(|ch| ch.rows.iter().any(|r| r.bin == bin))
            .expect("a row for the page")
            .krate;
        let file = html_root.join(format!("{krate}/{bin}.html"));
        for (w, h) in [(1280u32, 720u32), (400, 800)] {
            set_viewport(&c, w, h).await.expect("set the window size");
            c.goto(&format!("file://{}", file.display())).await.expect("open the page");
            let v: Value = c.execute(PROBE, vec![]).await.expect("probe the page");
            // what a reader sees: the top, the two columns, the timeline
            for (part, selector) in [
                ("top", "body"),
                ("pair", ".pair"),
                ("timeline", "img.timeline"),
                ("cost", "#what-it-cost"),
            ] {
                let js = format!(
                    "const e = document.querySelector('{selector}'); if (e) e.scrollIntoView(); return !!e;"
                );
                c.execute(&js, vec![]).await.expect("scroll");
                let png = c.screenshot().await.expect("screenshot");
                std::fs::write(shots.join(format!("{bin}-{w}x{h}-{part}.png")), png).unwrap();
            }
            let mut bad = Vec::new();
            if v["inner"].as_u64() != Some(w.into()) {
                bad.push(format!("the viewport is {} px wide, not {w}", v["inner"]));
            }
            if v["py"].as_u64().unwrap_or(0) == 0 || v["rs"].as_u64().unwrap_or(0) == 0 {
                bad.push(format!(
                    "a column is missing or empty (Python {}, Rust {})",
                    v["py"], v["rs"]
                ));
            }
            if v["sideways"].as_array().is_some_and(|a| !a.is_empty()) {
                bad.push(format!("the page scrolls sideways: {}", v["sideways"]));
            }
            if v["wide_code"].as_u64().unwrap_or(0) > 0 {
                bad.push(format!("{} code block(s) scroll sideways", v["wide_code"]));
            }
            let (py, rs) = (&v["py_box"], &v["rs_box"]);
            let (pl, pt, rl, rt) =
                (py["left"].as_f64(), py["top"].as_f64(), rs["left"].as_f64(), rs["top"].as_f64());
            match (w, pl.zip(pt).zip(rl.zip(rt))) {
                (1280, Some(((pl, pt), (rl, rt)))) if !(pl < rl && (pt - rt).abs() < 2.0) => {
                    bad.push(format!(
                        "not side by side: Python at ({pl}, {pt}), Rust at ({rl}, {rt})"
                    ));
                }
                (400, Some(((_, pt), (_, rt)))) if rt <= pt => {
                    bad.push(format!("not stacked: Python at top {pt}, Rust at top {rt}"));
                }
                _ => {}
            }
            if v["timeline"] != json!(true) {
                bad.push(format!("the timeline SVG did not load ({})", v["timeline"]));
            }
            if v["raw"].as_array().is_some_and(|r| !r.is_empty()) {
                bad.push(format!("raw mdBook text on the page: {}", v["raw"]));
            }
            eprintln!("{bin} at {w}x{h}: {v}");
            failures.extend(bad.into_iter().map(|b| format!("{bin} at {w}x{h}: {b}")));
        }
    }
    c.close().await.ok();
    let _ = std::fs::remove_dir_all(&profile);
    assert!(failures.is_empty(), "{}\n(screenshots in {})", failures.join("\n"), shots.display());
}
