//! An HTTP endpoint that runs CPU work off the server's threads:
//! `GET /is_prime/{numbers}` answers `{"n": true|false}` for each number.
//!
//! The course's lesson 07 (`flask_process_pool.py`) is a Flask route whose
//! view runs `process_pool.map(is_prime, number_list)` on a
//! `ProcessPoolExecutor()`: in Python only processes check numbers in
//! parallel (the GIL), and the Python twin keeps that process pool. Rust's
//! answer is a **thread pool**, since Rust threads already run on every core:
//! the handler hands the numbers to `tokio::task::spawn_blocking` (a pool for
//! blocking work, so the async threads keep serving other requests) and, in
//! there, rayon's `par_iter` spreads them over the cores, as `map` does.
//! Bad input (`7,abc`, or a number past 10^15, whose check would take too
//! long) gets `400 Bad Request` and a one-line message (added here: Flask
//! would answer 500).
//!
//! The default run serves on 127.0.0.1 port 0 (any free port), asks itself
//! about `--numbers` and `7,abc`, checks the answers and exits; `--serve`
//! serves until Ctrl-C, which stops it at once (exit 0; a request in flight
//! gets no answer).
//!
//! ```text
//! cargo run -p examples-processes --bin web_is_prime
//! cargo run -p examples-processes --bin web_is_prime -- --serve --port 8000
//! curl http://127.0.0.1:8000/is_prime/2,91,112272535095293   # in another terminal
//! ```
//!
//! You should see the address (its port varies), `checking N numbers` from a
//! tokio thread for each request, `GET /is_prime/... -> 200`
//! with the JSON answers (keys in numeric order), `GET /is_prime/7,abc -> 400`
//! and its message, then `check: every answer matches is_prime; 7,abc got 400`.

use std::collections::BTreeMap;

use anyhow::{Context, Result, ensure};
use axum::{Json, Router, extract::Path, http::StatusCode, routing::get};
use clap::Parser;
use examples_processes::{http_get, parse_numbers};
use rayon::prelude::*;
use shared::event; // `event!` = println with the elapsed time and the thread's name (shared/src/timing.rs)
use shared::workload::is_prime;

/// An is_prime web service; the checks run on a thread pool (Rust's answer
/// to the course's process pool: Rust threads use every core).
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

type Answer = Result<Json<BTreeMap<u64, bool>>, (StatusCode, String)>;

/// `@app.route("/is_prime/<numbers>")`: `{"2":true,"91":false}`, or 400 and why.
async fn api_is_prime(Path(numbers): Path<String>) -> Answer {
    // Up to 10^15 each, so that a check takes well under a second (src/lib.rs).
    let number_list = parse_numbers(&numbers).map_err(|e| (StatusCode::BAD_REQUEST, e + "\n"))?;
    event!("checking {} numbers", number_list.len()); // on one of the runtime's threads
    // results = process_pool.map(is_prime, number_list), on threads: off the
    // async threads (spawn_blocking), over every core (par_iter).
    let results = tokio::task::spawn_blocking(move || {
        number_list.par_iter().map(|&n| (n, is_prime(n))).collect()
    });
    let results = results.await.map_err(|e| (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
    Ok(Json(results))
}

fn main() -> Result<()> {
    let _run = shared::init()?; // quiet errors, the clock (shared/src/lib.rs)
    let args = Args::parse();
    // `#[tokio::main]` written out, so that init() runs before the runtime's threads exist.
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let app = Router::new().route("/is_prime/{numbers}", get(api_is_prime));
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind(("127.0.0.1", args.port)))
        .with_context(|| format!("cannot listen on 127.0.0.1:{}", args.port))?;
    let addr = listener.local_addr()?;
    event!("serving on http://{addr}/is_prime/{{numbers}}");
    let server = axum::serve(listener, app);
    if args.serve {
        // Ctrl-C stops it at once, exit 0: a request in flight gets no answer (as in the
        // twin, whose pool workers get the Ctrl-C too); a check still running ends with us.
        runtime.block_on(async {
            tokio::select! {
                served = server.into_future() => served,
                Ok(()) = tokio::signal::ctrl_c() => Ok(()),
            }
        })?;
        return Ok(());
    }
    runtime.spawn(server.into_future()); // serves on the runtime's threads, until main ends
    // Ask it, as a client would: a blocking HTTP GET from main's thread,
    // printed as `GET path -> status body` (src/lib.rs).
    let numbers = &args.numbers;
    let (status, body) = http_get(addr, &format!("/is_prime/{numbers}"))?;
    ensure!(status == 200, "no answers for --numbers {numbers:?} (see the reply above)");
    let answers: BTreeMap<u64, bool> = serde_json::from_str(&body)?;
    let expected: BTreeMap<u64, bool> =
        parse_numbers(numbers).unwrap_or_default().into_iter().map(|n| (n, is_prime(n))).collect();
    ensure!(answers == expected, "expected {expected:?}, got {answers:?}");
    let (status, _) = http_get(addr, "/is_prime/7,abc")?;
    ensure!(status == 400, "7,abc: expected 400 Bad Request, got {status}");
    println!("check: every answer matches is_prime; 7,abc got 400");
    Ok(())
}
