//! The crawlers' HTTP GETs, each ending in `Result<String, FetchError>` so
//! `shared::crawl::fetch_with_retry_async` can retry them and account for them.
//!
//! - [`reqwest_get`]: tokio's side, a `reqwest` GET with a timeout for the whole
//!   request, its error classified (HTTP 500, timeout, dropped, refused).
//! - [`smol_get`] and [`async_std_get`]: each runtime's own `TcpStream`,
//!   raced against its own timer, carrying [`get`].
//! - [`get`]: a minimal HTTP/1.1 GET written for this crate, for smol and
//!   async-std. It is runtime-agnostic: it runs over any stream that
//!   implements `futures::io::{AsyncRead, AsyncWrite}`, which
//!   `smol::net::TcpStream` and `async_std::net::TcpStream` both do. The caller
//!   connects with its runtime's own `TcpStream` and races its runtime's timer
//!   for the timeout. It understands just enough of HTTP for the local blog
//!   site: one request per connection (`Connection: close`), a status line,
//!   headers parsed with `httparse`, and a body of `Content-Length` bytes (or up
//!   to EOF). No TLS, no chunked encoding, no redirects. For real sites use a
//!   maintained client.
//! - [`time_routes`]: `web_fanout`'s default run, its own client.

use std::error::Error as _;
use std::time::Duration;

use futures::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use shared::crawl::FetchError;

/// GET `url` with reqwest, the whole request (connect to last body byte)
/// within `timeout`; any non-2xx status is an error.
///
/// # Errors
/// A [`FetchError`] saying what happened.
pub async fn reqwest_get(
    client: &reqwest::Client,
    url: String,
    timeout: Duration,
) -> Result<String, FetchError> {
    let classify = |e: reqwest::Error| classify(&e, timeout);
    let resp = client.get(url).timeout(timeout).send().await.map_err(classify)?;
    let resp = resp.error_for_status().map_err(classify)?;
    resp.text().await.map_err(classify)
}

/// `web_fanout`'s client: GETs `{base}/{route}` `requests` times for each of
/// `routes` in turn (reqwest), checks that each answer is `expect`, and says
/// `GET /fanout #1: answered in 0.301 s`. Returns each route's slowest answer.
///
/// # Errors
/// A request failed, or an answer was not `expect`.
pub async fn time_routes(
    base: &str,
    routes: &[&str],
    requests: u32,
    expect: &str,
) -> anyhow::Result<Vec<Duration>> {
    let client = reqwest::Client::new();
    let mut slowest = vec![Duration::ZERO; routes.len()];
    for (route, slowest) in routes.iter().zip(&mut slowest) {
        for n in 1..=requests {
            let start = std::time::Instant::now();
            let resp = client.get(format!("{base}/{route}")).send().await?;
            let body = resp.error_for_status()?.text().await?;
            let took = start.elapsed();
            anyhow::ensure!(body == expect, "unexpected answer {body:?}");
            shared::event!("GET /{route} #{n}: answered in {:.3} s", took.as_secs_f64());
            *slowest = (*slowest).max(took);
        }
    }
    Ok(slowest)
}

/// Names a reqwest error: a status, a timeout, or the I/O error underneath.
fn classify(e: &reqwest::Error, timeout: Duration) -> FetchError {
    if let Some(status) = e.status() {
        return FetchError::Status(status.as_u16());
    }
    if e.is_timeout() {
        return FetchError::Timeout(timeout);
    }
    // The io::Error underneath (refused, reset), if there is one.
    let mut source = e.source();
    while let Some(s) = source {
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            return FetchError::from_io(io, timeout);
        }
        source = s.source();
    }
    if e.is_connect() {
        FetchError::Refused
    } else if e.is_body() || e.is_decode() || e.is_request() {
        // hyper's "connection closed before message completed" and friends
        FetchError::Dropped
    } else {
        FetchError::Other(e.to_string())
    }
}

/// smol's GET: `smol::net::TcpStream` (async-io's reactor) carrying [`get`],
/// raced against `smol::Timer` for the timeout.
///
/// # Errors
/// As [`get`], plus `Timeout` and connect errors.
pub async fn smol_get(url: String, timeout: Duration) -> Result<String, FetchError> {
    let (authority, path) = split_url(&url)?;
    let fetch = async {
        let stream = smol::net::TcpStream::connect(authority.as_str()).await;
        let stream = stream.map_err(|e| FetchError::from_io(&e, timeout))?;
        get(stream, &authority, &path, timeout).await
    };
    let timer = async {
        smol::Timer::after(timeout).await;
        Err(FetchError::Timeout(timeout))
    };
    smol::future::or(fetch, timer).await
}

/// async-std's GET: `async_std::net::TcpStream` carrying [`get`], under
/// `async_std::future::timeout`. (async-std is discontinued; prefer smol.)
///
/// # Errors
/// As [`get`], plus `Timeout` and connect errors.
pub async fn async_std_get(url: String, timeout: Duration) -> Result<String, FetchError> {
    let (authority, path) = split_url(&url)?;
    let fetch = async {
        let stream = async_std::net::TcpStream::connect(authority.as_str()).await;
        let stream = stream.map_err(|e| FetchError::from_io(&e, timeout))?;
        get(stream, &authority, &path, timeout).await
    };
    async_std::future::timeout(timeout, fetch).await.unwrap_or(Err(FetchError::Timeout(timeout)))
}

/// Splits `http://host:port/path` into (`host:port`, `/path`).
///
/// # Errors
/// [`FetchError::Other`] for anything but a plain `http://` URL.
pub fn split_url(url: &str) -> Result<(String, String), FetchError> {
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| FetchError::Other(format!("{url}: only http:// URLs are supported")))?;
    let (authority, path) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, "/"),
    };
    let authority =
        if authority.contains(':') { authority.to_string() } else { format!("{authority}:80") };
    Ok((authority, path.to_string()))
}

/// Sends `GET path` over a connected `stream` and reads the whole response.
/// Runtime-agnostic; the caller applies the timeout (`timeout` here only
/// names it in errors).
///
/// # Errors
/// `Status` for a non-2xx answer, `Dropped` when the connection ends before
/// the headers or the promised body are complete, `from_io` for I/O errors,
/// `Other` for a response this minimal client cannot read.
pub async fn get<S: AsyncRead + AsyncWrite + Unpin>(
    mut stream: S,
    authority: &str,
    path: &str,
    timeout: Duration,
) -> Result<String, FetchError> {
    let io = |e: std::io::Error| FetchError::from_io(&e, timeout);
    let request = format!("GET {path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.map_err(io)?;
    stream.flush().await.map_err(io)?;

    // Read until the headers are complete, then parse them.
    let mut buf = Vec::with_capacity(4096);
    let mut chunk = [0u8; 4096];
    let (head_len, status, content_length) = loop {
        let n = stream.read(&mut chunk).await.map_err(io)?;
        if n == 0 {
            return Err(FetchError::Dropped); // closed before the headers ended
        }
        buf.extend_from_slice(&chunk[..n]);
        let mut headers = [httparse::EMPTY_HEADER; 32];
        let mut resp = httparse::Response::new(&mut headers);
        match resp.parse(&buf) {
            Ok(httparse::Status::Complete(len)) => {
                let header = |name: &str| {
                    resp.headers
                        .iter()
                        .find(|h| h.name.eq_ignore_ascii_case(name))
                        .map(|h| String::from_utf8_lossy(h.value).trim().to_string())
                };
                if header("transfer-encoding").is_some() {
                    return Err(FetchError::Other("chunked bodies are not supported".into()));
                }
                let length = match header("content-length") {
                    Some(v) => Some(
                        v.parse::<usize>()
                            .map_err(|_| FetchError::Other(format!("bad Content-Length {v:?}")))?,
                    ),
                    None => None,
                };
                break (len, resp.code.unwrap_or(0), length);
            }
            Ok(httparse::Status::Partial) => continue,
            Err(e) => return Err(FetchError::Other(format!("bad response: {e}"))),
        }
    };
    if !(200..300).contains(&status) {
        return Err(FetchError::Status(status));
    }
    // The body: Content-Length bytes, or everything up to EOF.
    let mut body = buf.split_off(head_len);
    loop {
        if content_length.is_some_and(|len| body.len() >= len) {
            break;
        }
        let n = stream.read(&mut chunk).await.map_err(io)?;
        if n == 0 {
            if content_length.is_some() {
                return Err(FetchError::Dropped); // fewer bytes than promised
            }
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    if let Some(len) = content_length {
        body.truncate(len);
    }
    String::from_utf8(body).map_err(|_| FetchError::Other("the body is not UTF-8".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_split() {
        let (a, p) = split_url("http://127.0.0.1:8000/sitehome/p/3").unwrap();
        assert_eq!((a.as_str(), p.as_str()), ("127.0.0.1:8000", "/sitehome/p/3"));
        let (a, p) = split_url("http://example.org").unwrap();
        assert_eq!((a.as_str(), p.as_str()), ("example.org:80", "/"));
        assert!(split_url("https://example.org/").is_err());
    }

    /// A canned response to read, and the request written, in memory.
    struct Canned {
        response: futures::io::Cursor<Vec<u8>>,
        request: Vec<u8>,
    }

    impl AsyncRead for Canned {
        fn poll_read(
            mut self: std::pin::Pin<&mut Self>,
            cx: &mut std::task::Context<'_>,
            buf: &mut [u8],
        ) -> std::task::Poll<std::io::Result<usize>> {
            std::pin::Pin::new(&mut self.response).poll_read(cx, buf)
        }
    }

    impl AsyncWrite for Canned {
        fn poll_write(
            mut self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
            buf: &[u8],
        ) -> std::task::Poll<std::io::Result<usize>> {
            self.request.extend_from_slice(buf);
            std::task::Poll::Ready(Ok(buf.len()))
        }
        fn poll_flush(
            self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<std::io::Result<()>> {
            std::task::Poll::Ready(Ok(()))
        }
        fn poll_close(
            self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<std::io::Result<()>> {
            std::task::Poll::Ready(Ok(()))
        }
    }

    fn run(raw: &str) -> Result<String, FetchError> {
        let stream = Canned {
            response: futures::io::Cursor::new(raw.as_bytes().to_vec()),
            request: Vec::new(),
        };
        futures::executor::block_on(get(stream, "h:1", "/x", Duration::from_secs(1)))
    }

    #[test]
    fn responses_parse_and_faults_are_named() {
        let ok = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
        assert_eq!(run(ok), Ok("hello".to_string()));
        assert_eq!(run("HTTP/1.1 200 OK\r\n\r\nto the end"), Ok("to the end".into()));
        let err = "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n";
        assert_eq!(run(err), Err(FetchError::Status(500)));
        let short = "HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\nhalf";
        assert_eq!(run(short), Err(FetchError::Dropped));
        assert_eq!(run(""), Err(FetchError::Dropped));
        assert_eq!(run("HTTP/1.1 200 OK\r\nContent-"), Err(FetchError::Dropped));
        let chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
        assert!(matches!(run(chunked), Err(FetchError::Other(_))));
    }
}
