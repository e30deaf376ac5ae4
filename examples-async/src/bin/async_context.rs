//! `async with`: a resource whose cleanup must itself await. Rust has no
//! async `Drop`, so there are two honest ways to write it, and `Drop` as the
//! synchronous fallback.
//!
//! Mirrors the notes (002, Chapter13), word for word: 「可以使用 \@asynccontextmanager
//! 實作非同步情境管理器。」 ("you can write an asynchronous context manager with
//! @asynccontextmanager"; the `\@` is the notes' Markdown escape). Its shape
//! (added here): `try: yield conn / finally: await conn.close()`.
//!
//! Why no async Drop: `Drop::drop` is a plain function that runs wherever a
//! value goes out of scope, including inside a synchronous function, during a
//! panic, or when a future is cancelled (dropped) mid-`.await`. None of those
//! places can await, so the language cannot promise an async cleanup will run
//! (async drop is an unstable experiment). So, per `--form` (added here):
//! - `explicit`: call `conn.close().await` yourself, and keep the body's
//!   result aside so an error (`?`) cannot skip the close.
//! - `helper`: `with_connection(name, async |conn| { ... })` takes the body
//!   as an async closure (stable since Rust 1.85) and closes after it, Ok or
//!   Err: the shape of `@asynccontextmanager`.
//! - `drop`: forget to close; `Drop` notices the connection is still open and
//!   does what a sync function can (here: says so; a real one might close
//!   the socket without a goodbye, or hand the close to a spawned task).
//!
//! Run: `cargo run -p examples-async --bin async_context` (add `--fail` to
//! make every body's query fail).
//!
//! You should see, for `explicit` and `helper`: `open`, `query`, `close`,
//! also after a failed query with `--fail`; for `drop`: `open`, `query`, then
//! `dropped while open`, with no `close`. Then the `check:` line.

use std::time::Duration;

use anyhow::{Result, bail};
use clap::{Parser, ValueEnum};
use shared::{event, event_as};

#[derive(Parser)]
#[command(allow_negative_numbers = true)] // `-1` is a value to refuse, not a flag
#[command(about = "@asynccontextmanager in Rust: explicit close, a helper taking the body, Drop")]
struct Args {
    #[arg(long, value_enum, default_value_t = Form::All)]
    form: Form,
    /// Make the body's query fail, to see the close still run.
    #[arg(long)]
    fail: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum Form {
    Explicit,
    Helper,
    Drop,
    All,
}

/// A pretend connection whose open and close both take a round trip.
struct Connection {
    name: &'static str,
    open: bool,
}

impl Connection {
    async fn open(name: &'static str) -> Result<Self> {
        tokio::time::sleep(Duration::from_millis(20)).await; // the handshake
        event_as!(name, "open");
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
    async fn close(mut self) -> Result<()> {
        tokio::time::sleep(Duration::from_millis(20)).await;
        self.open = false;
        event_as!(self.name, "close");
        Ok(())
    }
}

impl Drop for Connection {
    /// The sync fallback: no `.await` possible here.
    fn drop(&mut self) {
        if self.open {
            event_as!(self.name, "dropped while open: no async close ran");
        }
    }
}

/// `async with connection(name) as conn: body(conn)`: the body is an async
/// closure; the close runs after it whether it returned Ok or Err.
async fn with_connection<T>(
    name: &'static str,
    body: impl AsyncFnOnce(&mut Connection) -> Result<T>,
) -> Result<T> {
    let mut conn = Connection::open(name).await?;
    let result = body(&mut conn).await; // no `?` yet: close first
    conn.close().await?;
    result
}

async fn run(form: Form, fail: bool) -> Result<u32> {
    match form {
        Form::Explicit => {
            let mut conn = Connection::open("conn-explicit").await?;
            let result = conn.query(fail).await; // no `?` yet: close first
            conn.close().await?;
            result
        }
        Form::Helper => with_connection("conn-helper", async |conn| conn.query(fail).await).await,
        _ => {
            let mut conn = Connection::open("conn-drop").await?;
            conn.query(fail).await // no close: Drop runs at the end of this arm
        }
    }
}

fn main() -> Result<()> {
    shared::quiet_backtraces();
    shared::timing::epoch();
    let args = Args::parse();
    let forms = match args.form {
        Form::All => vec![Form::Explicit, Form::Helper, Form::Drop],
        f => vec![f],
    };
    // #[tokio::main(flavor = "current_thread")]
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    for form in forms {
        let name = match form {
            Form::Explicit => "explicit",
            Form::Helper => "helper",
            _ => "drop",
        };
        event!("{name}: open, query, then clean up");
        match rt.block_on(run(form, args.fail)) {
            Ok(v) => event!("{name}: the body returned {v}"),
            Err(e) => event!("{name}: the body failed: {e}"),
        }
    }
    println!(
        "check: explicit and helper closed after the body, Ok or Err; drop only fell back to Drop"
    );
    Ok(())
}
