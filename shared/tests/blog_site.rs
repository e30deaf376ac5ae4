//! The blog site as a program and as a server that bad clients cannot crash.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::Duration;

use shared::crawl::fetch;
use shared::run::run_bin;
use shared::site::{Site, SiteConfig, page_url, parse_posts};

const SITE: &str = env!("CARGO_BIN_EXE_blog-site");

#[test]
fn runs_prints_its_url_and_stops_after_duration() {
    let out = run_bin(SITE, &["--port", "0", "--pages", "3", "--duration", "0.3"], 30);
    assert!(out.success(), "{}", out.dump());
    assert!(out.stdout.contains("blog site: http://127.0.0.1:"), "{}", out.dump());
    assert!(out.stdout.contains("(3 pages, "), "{}", out.dump());
}

#[test]
fn a_port_in_use_is_a_clear_error_with_exit_code_1() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = run_bin(SITE, &["--port", &port, "--duration", "5"], 30);
    assert_eq!(out.code, Some(1), "{}", out.dump());
    assert!(out.stderr.contains("cannot bind the blog site to 127.0.0.1:"), "{}", out.dump());
    assert!(!out.stderr.contains("panicked"), "{}", out.dump());
}

#[test]
fn bad_flags_are_rejected() {
    for args in
        [&["--pages", "0", "--duration", "1"][..], &["--error-rate", "2"], &["--port", "70000"]]
    {
        let out = run_bin(SITE, args, 30);
        assert!(!out.success() && !out.stderr.contains("panicked"), "{args:?}: {}", out.dump());
    }
}

/// Sends raw bytes and returns the status line of the reply ("" if the
/// server closed the connection without one).
fn raw(site: &Site, request: &[u8]) -> String {
    let mut s = TcpStream::connect(site.addr()).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    // The server may answer and close before reading a huge request whole.
    let _ = s.write_all(request);
    let mut reply = Vec::new();
    let _ = s.read_to_end(&mut reply);
    String::from_utf8_lossy(&reply).lines().next().unwrap_or_default().to_string()
}

#[test]
fn malformed_and_oversized_requests_get_a_4xx_and_the_site_stays_up() {
    let site =
        Site::start(SiteConfig { pages: 2, latency: Duration::ZERO, ..SiteConfig::default() })
            .unwrap();
    let garbage = raw(&site, b"THIS IS NOT HTTP\r\n\r\n");
    assert!(garbage.starts_with("HTTP/1.1 4"), "garbage got {garbage:?}");
    let mut huge = b"GET /sitehome/p/1 HTTP/1.1\r\nHost: x\r\nX-Big: ".to_vec();
    huge.extend(std::iter::repeat_n(b'a', 1 << 20));
    huge.extend(b"\r\n\r\n");
    let oversized = raw(&site, &huge);
    assert!(oversized.starts_with("HTTP/1.1 4"), "a 1 MiB header got {oversized:?}");
    let missing =
        raw(&site, b"GET /sitehome/p/99 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assert!(missing.starts_with("HTTP/1.1 404"), "{missing:?}");
    // Still serving.
    let posts = parse_posts(&fetch(&page_url(site.url(), 2), Duration::from_secs(10)).unwrap());
    assert_eq!(posts.len(), shared::site::posts_on_page(2));
}
