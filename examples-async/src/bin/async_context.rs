//! `async with`: a resource whose cleanup must itself await. Rust has no
//! async `Drop`, so there are two honest ways to write it, and `Drop` as the
//! synchronous fallback.
//!
//! Mirrors the notes (002, Chapter13), word for word: 「可以使用 \@asynccontextmanager
//! 實作非同步情境管理器。」 ("you can write an asynchronous context manager with
//! @asynccontextmanager"; the `\@` is the notes' Markdown escape). Its shape
//! (added here): `try: yield conn / finally: await conn.close()`.
//!
//! Rust has no async `Drop` (why: at `Drop for Connection` below), so three
//! forms side by side (added here): `explicit`, calling `conn.close().await`
//! yourself; `helper`, a function that takes the body as an async closure
//! and closes after it, Ok or Err (the shape of `@asynccontextmanager`); and
//! `drop`, forgetting to close, where `Drop` can only notice.
//!
//! Run: `cargo run -p examples-async --bin async_context` (add `--fail` to
//! make every body's query fail).
//!
//! You should see, for `explicit` and `helper`: `open`, `query`, `close`,
//! also after a failed query with `--fail`; for `drop`: `open`, `query`, then
//! `dropped while open`, with no `close`. Then the `check:` line.

use std::time::Duration;

use anyhow::{Result, bail};
use clap::Parser;
use shared::{event, event_as};

#[derive(Parser)]
#[command(about = "@asynccontextmanager in Rust: explicit close, a helper taking the body, Drop")]
struct Args {
    /// Make the body's query fail, to see the close still run.
    #[arg(long)]
    fail: bool,
}

/// A pretend connection whose open and close both take a round trip.
struct Connection {
    name: &'static str,
    open: bool,
}

impl Connection {
    async fn open(name: &'static str) -> Result<Self> {
        tokio::time::sleep(Duration::from_millis(20)).await; // the handshake
        event_as!(name, "open"); // println! with the time and a row name (shared/src/timing.rs)
        Ok(Self { name, open: true })
    }

    async fn query(&mut self, fail: bool) -> Result<u32> {
        tokio::time::sleep(Duration::from_millis(20)).await;
        event_as!(self.name, "query");
        if fail {
            bail!("the query failed (--fail)");
        }
        Ok(42)
    }

    /// The async cleanup (say goodbye, flush): consumes the connection.
    async fn close(mut self) {
        tokio::time::sleep(Duration::from_millis(20)).await;
        self.open = false;
        event_as!(self.name, "close");
    }
}

/// The sync fallback. `drop` is a plain function that runs wherever a value
/// goes out of scope: in a sync function, during a panic, or when a future is
/// cancelled (dropped) mid-`.await`. None of those places can await, so the
/// language cannot promise an async cleanup (async drop is an unstable
/// experiment). A real one might close the socket without a goodbye, or hand
/// the close to a spawned task.
impl Drop for Connection {
    fn drop(&mut self) {
        if self.open {
            event_as!(self.name, "dropped while open: no async close ran");
        }
    }
}

/// `async with connection(name) as conn: body(conn)`: the body is an async
/// closure (stable since Rust 1.85); the close runs after it, Ok or Err.
async fn with_connection<T>(
    name: &'static str,
    body: impl AsyncFnOnce(&mut Connection) -> Result<T>,
) -> Result<T> {
    let mut conn = Connection::open(name).await?;
    let result = body(&mut conn).await; // no `?` yet: close first
    conn.close().await;
    result
}

fn said(form: &str, result: Result<u32>) {
    match result {
        Ok(v) => event!("{form}: the body returned {v}"),
        Err(e) => event!("{form}: the body failed: {e}"),
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<()> {
    let _run = shared::init()?; // quiet backtraces, the clock, spans if asked (shared/src/lib.rs)
    let fail = Args::parse().fail;
    event!("explicit: open, query, then clean up");
    let mut conn = Connection::open("conn-explicit").await?;
    let result = conn.query(fail).await; // no `?` yet: close first
    conn.close().await;
    said("explicit", result);

    event!("helper: open, query, then clean up");
    let result = with_connection("conn-helper", async |c| c.query(fail).await);
    said("helper", result.await);

    event!("drop: open, query, then clean up");
    let result = async {
        let mut conn = Connection::open("conn-drop").await?;
        conn.query(fail).await // no close: Drop runs as this block ends
    };
    said("drop", result.await);
    println!("check: explicit and helper closed after the body, Ok or Err");
    Ok(())
}
