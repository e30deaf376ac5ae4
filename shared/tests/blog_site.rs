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

/// A site with no latency whose connections must send a request head within 0.3 s.
fn impatient_site(latency: Duration) -> Site {
    let header_timeout = Duration::from_millis(300);
    Site::start(SiteConfig { pages: 3, latency, header_timeout, ..SiteConfig::default() }).unwrap()
}

/// Connects to `addr`, sends `request`, and reads until the server closes
/// the connection: what it sent back, or Err if it was still open after 10 s
/// (the hang guard; the timeouts under test are 0.3 s).
fn read_until_closed(addr: std::net::SocketAddr, request: &[u8]) -> Result<String, String> {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(request).unwrap();
    let mut reply = Vec::new();
    match s.read_to_end(&mut reply) {
        Ok(_) => Ok(String::from_utf8_lossy(&reply).into_owned()),
        Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {
            Ok(String::from_utf8_lossy(&reply).into_owned())
        }
        Err(e) => Err(format!("still open after 10 s ({e}), {} bytes read", reply.len())),
    }
}

#[test]
fn a_connection_that_sends_half_a_request_is_closed_after_the_header_timeout() {
    let site = impatient_site(Duration::ZERO);
    let half = read_until_closed(site.addr(), b"GET /sitehome/p/1 HTTP/1.1\r\nHost: x\r\n");
    assert_eq!(half.as_deref(), Ok(""), "half a request: closed, no answer");
    let nothing = read_until_closed(site.addr(), b"");
    assert_eq!(nothing.as_deref(), Ok(""), "a connection that sends nothing: closed");
}

#[test]
fn an_idle_keep_alive_connection_is_closed_after_its_response() {
    let site = impatient_site(Duration::ZERO);
    let reply = read_until_closed(site.addr(), b"GET /sitehome/p/1 HTTP/1.1\r\nHost: x\r\n\r\n")
        .expect("the idle connection is closed");
    assert!(reply.starts_with("HTTP/1.1 200 OK"), "{reply:.200}");
    assert!(
        !reply.to_ascii_lowercase().contains("connection: close"),
        "kept alive, then timed out"
    );
}

#[test]
fn a_crawl_still_works_when_responses_and_pauses_outlast_the_header_timeout() {
    // 0.5 s per response, over the 0.3 s header timeout: the timeout is on the
    // request's head only. The pause leaves the crawl's kept-alive connection
    // idle past the timeout: closed by the site, and the next fetch reconnects.
    let site = impatient_site(Duration::from_millis(500));
    let mut found = 0;
    for (i, url) in site.page_urls().iter().enumerate() {
        if i == 1 {
            std::thread::sleep(Duration::from_millis(600));
        }
        found += parse_posts(&fetch(url, Duration::from_secs(10)).unwrap()).len();
    }
    assert_eq!(found, site.expected_posts());
}

/// Starts the blog-site program with `args` (`--port 0` added) and returns it
/// with the address from its banner.
fn start_site(args: &[&str]) -> (std::process::Child, std::net::SocketAddr) {
    use std::io::BufRead;
    let mut child = std::process::Command::new(SITE)
        .args(["--port", "0"])
        .args(args)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut banner = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut banner).unwrap();
    let addr = banner.split("http://").nth(1).and_then(|rest| rest.split(' ').next());
    (child, addr.unwrap_or_else(|| panic!("no address in {banner:?}")).parse().unwrap())
}

#[test]
fn the_header_timeout_flag_reaches_the_server() {
    let (mut child, addr) = start_site(&["--header-timeout", "0.3", "--duration", "60"]);
    let half = read_until_closed(addr, b"GET / HTTP/1.1\r\n");
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(half.as_deref(), Ok(""), "closed after --header-timeout");
}

#[test]
fn bad_values_name_their_flag_before_anything_is_bound() {
    // A port held here: binding it first would be exit 1, "cannot bind".
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let bad = [
        ("--duration", "-1"),
        ("--duration", "inf"),
        ("--duration", "nan"),
        ("--duration", "18446744073709551616"), // 2^64
        ("--duration", "1e10"),
        ("--duration", "3601"),
        ("--error-rate", "nan"),
        ("--slow-rate", "inf"),
        ("--drop-rate", "-0.5"),
        ("--error-rate", "1.5"),
        ("--header-timeout", "0"),
        ("--header-timeout", "nan"),
    ];
    for (flag, value) in bad {
        let out = run_bin(SITE, &["--port", &port, flag, value], 30);
        let what = format!("{flag} {value}: {}", out.dump());
        assert_eq!(out.code, Some(2), "{what}");
        assert!(out.stderr.contains(&format!("'{flag} <")), "names the flag: {what}");
        assert!(!out.stdout.contains("blog site:"), "no banner: {what}");
    }
    let ok = run_bin(SITE, &["--port", "0", "--duration", "0", "--error-rate", "1"], 30);
    assert!(ok.success(), "{}", ok.dump());
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_the_site_at_once_with_exit_code_0() {
    // Ctrl-C is the site's normal stop: exit 0, its count of requests said.
    let run = shared::run::interrupt_bin(SITE, &["--port", "0"], "blog site:");
    assert!(run.status.success() && !run.group_left && !run.timed_out, "{}", run.dump());
    assert!(run.stdout.contains("requests served, stopping"), "{}", run.dump());
    assert!(!run.stderr.contains("panicked"), "{}", run.dump());
    eprintln!("blog-site stopped {:?} after the Ctrl-C", run.stopped_after);
}
