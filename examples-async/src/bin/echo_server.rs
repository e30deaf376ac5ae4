//! One event loop, many connections: a tokio echo server (pair: `echo_client`).
//!
//! Mirrors the notes' "异步编程的威力" ("the power of async programming"):
//! Nginx "能够支持高达 50,000 个并发连接数的响应，使用 epoll and kqueue 作为开发模型"
//! ("can answer up to 50,000 concurrent connections, using epoll and kqueue as
//! its model"), and Redis "处理网络请求采用单线程+使用多路I/O复用模型" ("handles
//! network requests with a single thread plus I/O multiplexing").
//! `--flavor current-thread` is the Redis shape: one thread runs every
//! connection's task; `multi-thread` spreads them over one worker per core.
//!
//! Run, in one terminal: `cargo run --release -p examples-async --bin echo_server -- --port 7000`
//! in another: `cargo run --release -p examples-async --bin echo_client -- --addr 127.0.0.1:7000 --connections 1000`
//! then Ctrl-C in the first: its normal stop, exit code 0. `--port 0` (the
//! default) picks a free port; `--max-seconds 60` stops the server by itself.
//!
//! You should see `listening on 127.0.0.1:PORT`, and at the end `served N
//! connections (at most M open at once), B bytes echoed` and the peak RSS with
//! the bytes added per connection (getrusage; not measured on Windows). How
//! many are open at once depends on the client.

use std::io::ErrorKind;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::Parser;
use examples_async::echo::{Stats, accept, raise_open_file_limit, shutdown};
use shared::event;
use shared::workload::secs_arg;
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::runtime::Builder;

/// A tokio echo server: one event loop, many connections
#[derive(Parser)]
struct Args {
    /// Which tokio runtime runs the connections: one thread runs every task (Redis style),
    /// or a work-stealing pool of one worker per core.
    #[arg(long, default_value = "current-thread", value_parser = ["current-thread", "multi-thread"])]
    flavor: String,
    /// Port on 127.0.0.1; 0 picks a free one (printed).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Stop by itself after this many seconds, at most 3600 (default: run until Ctrl-C).
    #[arg(long, value_parser = secs_arg)]
    max_seconds: Option<Duration>,
}

/// One connection: wait until readable, read what is there, write it back.
async fn echo(mut stream: TcpStream, stats: &Stats) -> std::io::Result<()> {
    loop {
        // An idle connection waits here holding no buffer (`tokio::io::copy`
        // would keep 8 KiB per connection): a buffer exists only while bytes move.
        stream.readable().await?;
        let mut buf = vec![0u8; 4096];
        let n = match stream.try_read(&mut buf) {
            Ok(0) => return Ok(()), // the client hung up
            Ok(n) => n,
            Err(e) if e.kind() == ErrorKind::WouldBlock => continue, // a false wakeup
            Err(e) if e.kind() == ErrorKind::ConnectionReset => return Ok(()),
            Err(e) => return Err(e),
        };
        stream.write_all(&buf[..n]).await?;
        stats.echoed(n);
    }
}

/// Accepts connections for ever, one task each: the runtime's event loop
/// (epoll, kqueue) waits on all their sockets at once.
async fn serve(listener: TcpListener, stats: Arc<Stats>) {
    loop {
        let stream = accept(&listener).await; // (a failed accept is reported and retried)
        let stats = Arc::clone(&stats);
        tokio::spawn(async move {
            let _open = stats.open(); // counted open until this task ends
            if let Err(e) = echo(stream, &stats).await {
                eprintln!("connection failed: {e}"); // this one ends; the others go on
            }
        });
    }
}

fn main() -> Result<()> {
    // Quiet errors, the clock of `event!` (println with the elapsed time and
    // the thread's name): shared/src/lib.rs.
    let _run = shared::init()?;
    let args = Args::parse();
    // What #[tokio::main] writes for you: build a runtime, block_on the async main.
    let multi = args.flavor == "multi-thread";
    let mut runtime =
        if multi { Builder::new_multi_thread() } else { Builder::new_current_thread() };
    let runtime = runtime.enable_all().build().context("cannot start the tokio runtime")?;
    let stats = Arc::new(Stats::new()); // connections, bytes, and memory (examples_async::echo)
    runtime.block_on(async {
        raise_open_file_limit(); // each connection is a file descriptor
        let listener = TcpListener::bind(("127.0.0.1", args.port))
            .await
            .with_context(|| format!("cannot listen on 127.0.0.1:{}", args.port))?;
        let stop = shutdown(args.max_seconds); // Ctrl-C (listened for from here on), or --max-seconds
        event!("listening on {}", listener.local_addr()?);
        tokio::select! {
            () = serve(listener, Arc::clone(&stats)) => Ok(()),
            res = stop => res,
        }
    })?;
    drop(runtime); // ends every connection's task
    stats.report(); // served, at most open at once, bytes; peak RSS
    Ok(())
}
