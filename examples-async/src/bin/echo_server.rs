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
//! The runtime is built by hand, which is what `#[tokio::main]` (and
//! `#[tokio::main(flavor = "current_thread")]`) expands to. Each connection is
//! one task. An idle one holds no buffer: it waits in `readable().await`, and
//! a buffer exists only while bytes move (`tokio::io::copy` would keep 8 KiB
//! per connection). At exit it prints its peak RSS and the RSS added per
//! connection (getrusage; not measured on Windows).
//!
//! Run, in one terminal: `cargo run --release -p examples-async --bin echo_server -- --port 7000`
//! in another: `cargo run --release -p examples-async --bin echo_client -- --addr 127.0.0.1:7000 --connections 1000`
//! then Ctrl-C in the first. `--port 0` (the default) picks a free port;
//! `--max-seconds 60` stops the server by itself.
//!
//! You should see `listening on 127.0.0.1:PORT`, and at the end `served N
//! connections (at most M open at once), B bytes echoed` and the memory line.
//! How many are open at once depends on the client.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use anyhow::{Context, Result};
use clap::{Parser, ValueEnum};
use examples_async::echo::{print_peak_rss, raise_open_file_limit};
use shared::event;
use shared::workload::secs_arg;
use tokio::net::{TcpListener, TcpStream};

#[derive(Clone, Copy, ValueEnum)]
enum Flavor {
    /// One thread runs every task (Redis style).
    CurrentThread,
    /// A work-stealing pool, one worker per core.
    MultiThread,
}

#[derive(Parser)]
#[command(allow_negative_numbers = true)] // `-1` is a value to refuse, not a flag
#[command(about = "A tokio echo server: one event loop, many connections")]
struct Args {
    /// Which tokio runtime runs the connections.
    #[arg(long, value_enum, default_value_t = Flavor::CurrentThread)]
    flavor: Flavor,
    /// Port on 127.0.0.1; 0 picks a free one (printed).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Stop by itself after this many seconds, at most 3600 (default: run until Ctrl-C).
    #[arg(long, value_parser = secs_arg)]
    max_seconds: Option<Duration>,
}

/// Connections open now, the most at once, all accepted, bytes echoed.
#[derive(Default)]
struct Stats {
    open: AtomicUsize,
    most_open: AtomicUsize,
    accepted: AtomicUsize,
    bytes: AtomicU64,
}

/// One connection: wait until readable, read what is there, write it back.
async fn echo(stream: TcpStream, stats: Arc<Stats>) -> std::io::Result<()> {
    loop {
        stream.readable().await?; // idle here, holding no buffer
        let mut buf = vec![0u8; 4096];
        let n = match stream.try_read(&mut buf) {
            Ok(0) => return Ok(()), // the client hung up
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => continue, // a false wakeup
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return Ok(()),
            Err(e) => return Err(e),
        };
        let mut sent = 0;
        while sent < n {
            stream.writable().await?;
            match stream.try_write(&buf[sent..n]) {
                Ok(k) => sent += k,
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => continue,
                Err(e) => return Err(e),
            }
        }
        stats.bytes.fetch_add(n as u64, Ordering::Relaxed);
    }
}

async fn serve(listener: TcpListener, stats: Arc<Stats>) {
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(e) => {
                // Out of file descriptors, say: report it, let connections close, go on.
                eprintln!("accept failed: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        stats.accepted.fetch_add(1, Ordering::Relaxed);
        let open = stats.open.fetch_add(1, Ordering::Relaxed) + 1;
        stats.most_open.fetch_max(open, Ordering::Relaxed);
        let stats = Arc::clone(&stats);
        tokio::spawn(async move {
            if let Err(e) = echo(stream, Arc::clone(&stats)).await {
                eprintln!("connection failed: {e}"); // this connection ends; the others go on
            }
            stats.open.fetch_sub(1, Ordering::Relaxed);
        });
    }
}

fn main() -> Result<()> {
    shared::quiet_backtraces();
    shared::timing::epoch();
    let args = Args::parse();
    // What #[tokio::main] writes for you: build a runtime, block_on the async main.
    let runtime = match args.flavor {
        Flavor::CurrentThread => tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build(),
        Flavor::MultiThread => tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build(),
    }
    .context("cannot start the tokio runtime")?;
    let stats = Arc::new(Stats::default());
    let rss_at_start = shared::measure::rusage_self().max_rss_bytes;
    runtime.block_on(async {
        raise_open_file_limit();
        let listener = TcpListener::bind(("127.0.0.1", args.port))
            .await
            .with_context(|| format!("cannot listen on 127.0.0.1:{}", args.port))?;
        event!("listening on {}", listener.local_addr()?);
        let stop = async {
            match args.max_seconds {
                Some(d) => tokio::time::sleep(d).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            () = serve(listener, Arc::clone(&stats)) => {}
            res = tokio::signal::ctrl_c() => { res.context("cannot listen for Ctrl-C")?; event!("Ctrl-C: shutting down"); }
            () = stop => event!("--max-seconds reached: shutting down"),
        }
        anyhow::Ok(())
    })?;
    drop(runtime); // ends every connection's task
    let (accepted, most) = (
        stats.accepted.load(Ordering::Relaxed),
        stats.most_open.load(Ordering::Relaxed),
    );
    event!(
        "served {accepted} connections (at most {most} open at once), {} bytes echoed",
        stats.bytes.load(Ordering::Relaxed)
    );
    print_peak_rss(rss_at_start, most);
    Ok(())
}
