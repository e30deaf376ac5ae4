//! An HTTP endpoint that runs CPU work off the async threads:
//! `GET /is_prime/{numbers}` answers `{"n": true|false}` for each number.
//!
//! Mirrors the catalogue's Flask route `/is_prime/<numbers>` on a process pool
//! (`ProcessPoolExecutor().map(is_prime, numbers)` in the view; the notes
//! only name Flask). An async server has a few worker threads for all its
//! connections: a handler that ran `is_prime` itself would stall every other
//! request on its thread. So the handler hands the numbers to
//! `tokio::task::spawn_blocking` (a pool for blocking work) and awaits the
//! answer; in there rayon's `par_iter` spreads one request's numbers over the
//! cores, as `executor.map` does. Bad input (`7,abc`, a number past 10^15,
//! whose check would take too long, or more than 100 numbers) gets `400 Bad
//! Request` and a one-line message.
//!
//! The default run serves on 127.0.0.1 port 0 (any free port), asks about
//! `--numbers` and `7,abc` with a plain HTTP/1.1 `GET` over a `TcpStream` (no
//! client library: the request is three lines), prints the answers, checks
//! them against `is_prime` and that `7,abc` was refused, and exits. `--serve`
//! serves until Ctrl-C.
//!
//! ```text
//! cargo run -p examples-processes --bin web_is_prime
//! cargo run -p examples-processes --bin web_is_prime -- --serve --port 8000
//! curl http://127.0.0.1:8000/is_prime/2,91,112272535095293   # in another terminal
//! ```
//!
//! You should see the address (its port varies), `GET /is_prime/... -> 200`
//! with the JSON answers (keys in numeric order), `GET /is_prime/7,abc -> 400`
//! and its message, then `check: every answer matches is_prime; 7,abc got
//! 400`.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};

use anyhow::{Context, Result, bail};
use axum::{Json, Router, extract::Path, http::StatusCode, routing::get};
use clap::Parser;
use rayon::prelude::*;
use shared::event_as;
use shared::workload::is_prime;

/// An is_prime web service on a thread pool.
#[derive(Parser)]
#[command(allow_negative_numbers = true)] // `-1` is a value to refuse, not a flag
struct Args {
    /// Keep serving until Ctrl-C instead of querying itself and exiting.
    #[arg(long)]
    serve: bool,
    /// Port to listen on, on 127.0.0.1 (0: any free port).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// The numbers the default run asks about, comma-separated.
    #[arg(long, default_value = "2,17,91,112272535095293,112272535095295")]
    numbers: String,
}

/// Largest number accepted: its check takes well under a second.
const MAX: u64 = 1_000_000_000_000_000;

type Answer = Result<Json<BTreeMap<u64, bool>>, (StatusCode, String)>;

/// `GET /is_prime/{numbers}`: `{"2":true,"91":false}`, or 400 and why.
async fn is_prime_route(Path(numbers): Path<String>) -> Answer {
    let bad = |msg: String| (StatusCode::BAD_REQUEST, msg + "\n");
    let mut nums = Vec::new();
    for s in numbers.split(',') {
        let n: u64 = s
            .parse()
            .map_err(|e| bad(format!("bad number {s:?}: {e}")))?;
        if n > MAX {
            return Err(bad(format!("bad number {s:?}: more than {MAX}")));
        }
        nums.push(n);
    }
    if nums.len() > 100 {
        return Err(bad(format!("{} numbers: at most 100, please", nums.len())));
    }
    // Off the async threads; par_iter uses every core, like executor.map.
    let answers =
        tokio::task::spawn_blocking(move || nums.par_iter().map(|&n| (n, is_prime(n))).collect());
    let answers = answers
        .await
        .map_err(|e| (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
    Ok(Json(answers))
}

/// A blocking HTTP/1.1 GET: (status code, body).
fn http_get(addr: SocketAddr, path: &str) -> Result<(u16, String)> {
    let mut stream = TcpStream::connect(addr).context("cannot connect")?;
    stream.set_read_timeout(Some(std::time::Duration::from_secs(30)))?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?; // the server closes: Connection: close
    let (head, body) = response
        .split_once("\r\n\r\n")
        .context("no end of headers")?;
    let status = head.split(' ').nth(1).and_then(|c| c.parse().ok());
    Ok((status.context("no status code")?, body.to_string()))
}

fn main() -> Result<()> {
    shared::quiet_backtraces();
    shared::timing::epoch();
    // `#[tokio::main]` written out, so that the line above runs before the
    // runtime's threads exist.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(run(Args::parse()))
}

async fn run(args: Args) -> Result<()> {
    let app = Router::new().route("/is_prime/{numbers}", get(is_prime_route));
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", args.port))
        .await
        .with_context(|| format!("cannot listen on 127.0.0.1:{}", args.port))?;
    let addr = listener.local_addr()?;
    event_as!("main", "serving on http://{addr}/is_prime/{{numbers}}");
    if args.serve {
        let ctrl_c = async {
            let _ = tokio::signal::ctrl_c().await;
        };
        return Ok(axum::serve(listener, app)
            .with_graceful_shutdown(ctrl_c)
            .await?);
    }
    let server = tokio::spawn(axum::serve(listener, app).into_future());

    let mut replies = Vec::new();
    for numbers in [args.numbers.as_str(), "7,abc"] {
        let path = format!("/is_prime/{numbers}");
        // The client blocks: on a blocking thread, never on an async one.
        let p = path.clone();
        let (status, body) = tokio::task::spawn_blocking(move || http_get(addr, &p)).await??;
        event_as!("main", "GET {path} -> {status} {}", body.trim_end());
        replies.push((status, body));
    }
    server.abort(); // the example is done: stop serving
    let (status, body) = &replies[0];
    if *status != 200 {
        bail!(
            "no answers for --numbers {:?} (see the reply above)",
            args.numbers
        );
    }
    let answers: BTreeMap<u64, bool> = serde_json::from_str(body)?;
    let asked = args.numbers.split(',').filter_map(|s| s.parse().ok());
    let expected: BTreeMap<u64, bool> = asked.map(|n| (n, is_prime(n))).collect();
    if answers != expected {
        bail!("expected {expected:?}, got {answers:?}");
    }
    if replies[1].0 != 400 {
        bail!("7,abc: expected 400 Bad Request, got {}", replies[1].0);
    }
    println!("check: every answer matches is_prime; 7,abc got 400");
    Ok(())
}
