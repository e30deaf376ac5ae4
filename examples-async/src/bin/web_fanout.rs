//! A web handler that runs its three waits at once: ~0.3 s, not 0.1 + 0.2 + 0.3 = 0.6 s.
//!
//! Mirrors the course's `05. flask_thread_pool.py`: a Flask view that submits
//! `read_file()` (0.1 s), `read_db()` (0.2 s) and `read_api()` (0.3 s) to a
//! `ThreadPoolExecutor` so they overlap, then waits for each `.result()`. (The
//! notes mention Flask once: gevent "提供了pywsgi异步服务器可以封装flask", "provides
//! the pywsgi async server, which can wrap Flask".) In async Rust there is no
//! pool: the axum handler awaits the three futures with `tokio::join!`, so one
//! task waits on all three at once. `/sequential` awaits them one after
//! another: the slow version to compare against.
//!
//! Run: `cargo run -p examples-async --bin web_fanout` starts the server on a
//! free port, requests `/sequential` and then `/fanout` `--requests` times each,
//! prints each latency and exits. To keep serving:
//! `cargo run -p examples-async --bin web_fanout -- --serve --port 8080`, then
//! `curl http://127.0.0.1:8080/fanout` in another terminal (Ctrl-C to stop:
//! `Ctrl-C: shutting down`, exit code 0).
//!
//! You should see, per request, `read_file`, `read_db` and `read_api` events.
//! For `/sequential` each one finishes before the next starts, and the request
//! takes ~0.6 s. For `/fanout` all three start before any finishes, and it
//! takes ~0.3 s, the longest wait. Then `check: ...`.

use std::future::IntoFuture;
use std::time::Duration;

use anyhow::{Context, Result};
use axum::Router;
use axum::routing::get;
use clap::Parser;
use examples_async::http::time_routes;
use shared::{event, event_as};
use tokio::join;
use tokio::net::TcpListener;
use tokio::time::sleep;

/// An axum handler fanning out three waits: ~0.3 s, not 0.6 s
#[derive(Parser)]
struct Args {
    /// Keep serving until Ctrl-C instead of making the requests and exiting.
    #[arg(long)]
    serve: bool,
    /// Port on 127.0.0.1; 0 picks a free one (printed).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Requests to each route in the default run.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..=100))]
    requests: u32,
}

/// One backend call: a wait of `ms`, standing in for a file, a database or an API.
async fn read(name: &str, ms: u64) -> String {
    event_as!(name, "started ({ms} ms)"); // `event!`, said as `name`
    sleep(Duration::from_millis(ms)).await;
    event_as!(name, "done");
    format!("{name} ok")
}

/// The lesson: all three waits in flight at once; the answer comes after the longest.
async fn fanout() -> String {
    let (f, d, a) = join!(read("read_file", 100), read("read_db", 200), read("read_api", 300));
    format!("{f}, {d}, {a}\n")
}

/// The slow version: each wait starts when the one before has finished.
async fn sequential() -> String {
    let file = read("read_file", 100).await;
    let db = read("read_db", 200).await;
    let api = read("read_api", 300).await;
    format!("{file}, {db}, {api}\n")
}

#[tokio::main(flavor = "current_thread")] // one thread is enough: the waits are timers
async fn main() -> Result<()> {
    // Quiet errors, the clock of `event!` (println with the elapsed time and
    // the thread's name): shared/src/lib.rs.
    let _run = shared::init()?;
    let args = Args::parse();
    let app = Router::new().route("/fanout", get(fanout)).route("/sequential", get(sequential));
    let listener = TcpListener::bind(("127.0.0.1", args.port))
        .await
        .with_context(|| format!("cannot listen on 127.0.0.1:{}", args.port))?;
    let base = format!("http://{}", listener.local_addr()?);
    // --serve stops on Ctrl-C, listened for from here on, before the line (src/lib.rs).
    let ctrl_c = args.serve.then(examples_async::ctrl_c);
    event!("serving {base}/fanout and {base}/sequential");
    let server = axum::serve(listener, app);
    if let Some(ctrl_c) = ctrl_c {
        let ctrl_c = async {
            let _ = ctrl_c.await; // Err: no signal handler; stop at once
            event!("Ctrl-C: shutting down");
        };
        return (server.with_graceful_shutdown(ctrl_c).await).context("the server failed");
    }
    tokio::spawn(server.into_future()); // serves while we ask (a failure fails the requests)
    // Our own client: GET each route, check each answer, say how long it took.
    let answer = "read_file ok, read_db ok, read_api ok\n";
    let slowest = time_routes(&base, &["sequential", "fanout"], args.requests, answer).await?;
    let (seq, fan) = (slowest[0].as_secs_f64(), slowest[1].as_secs_f64());
    println!("check: every answer complete; slowest /sequential {seq:.3} s, /fanout {fan:.3} s");
    Ok(())
}
