//! The load side of "one event loop, many connections" (pair: `echo_server`).
//!
//! The notes claim Nginx answers "高达 50,000 个并发连接数" ("up to 50,000
//! concurrent connections"). This client tests that kind of claim: it opens
//! `--connections` connections one after another and holds them all open at
//! once; then each runs as its own task and does `--rounds` round trips (write
//! a line, read it back, check it), timed.
//!
//! Run: `cargo run --release -p examples-async --bin echo_client -- --connections 1000 --rounds 10`
//! (without `--addr` it starts an echo server in its own process, which
//! doubles the file descriptors), or against a separate server (start it
//! first, see `echo_server`):
//! `cargo run --release -p examples-async --bin echo_client -- --addr 127.0.0.1:7000 --connections 15000 --rounds 1`
//!
//! You should see `holding N connections open at once`, then `check: N
//! connections x R rounds = T round trips, every echo matched`, the round trips
//! per second and the latency percentiles, which vary from run to run.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, ensure};
use clap::Parser;
use examples_async::echo::{RoundTrips, addr_or_local_server, ensure_open_files};
use shared::event;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::runtime::Builder;
use tokio::task::JoinSet;
use tokio::time::timeout;

/// Holds N connections to an echo server and measures round trips
#[derive(Parser)]
struct Args {
    /// Connections to hold open at once.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    connections: u32,
    /// Round trips on each connection.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    rounds: u32,
    /// The echo server (`echo_server` prints it); default: start one in this process.
    #[arg(long)]
    addr: Option<SocketAddr>,
}

/// One connection's round trips: write a line, read it back, check it, time it (µs).
async fn round_trips(id: u32, mut stream: TcpStream, rounds: u32) -> Result<(Vec<u64>, TcpStream)> {
    let mut micros = Vec::with_capacity(rounds as usize);
    for round in 1..=rounds {
        let line = format!("connection {id} round {round}\n");
        let start = Instant::now();
        stream.write_all(line.as_bytes()).await?;
        let mut back = vec![0; line.len()];
        // A server that stops answering fails the run instead of hanging it.
        let echoed = timeout(Duration::from_secs(10), stream.read_exact(&mut back)).await;
        echoed.with_context(|| format!("connection {id}: no echo within 10 s"))??;
        micros.push(start.elapsed().as_micros() as u64);
        let back = String::from_utf8_lossy(&back);
        ensure!(back == line, "connection {id}: sent {line:?}, got {back:?}");
    }
    // Handed back, not dropped: every connection stays open until all are done.
    Ok((micros, stream))
}

async fn run(args: &Args, addr: SocketAddr) -> Result<()> {
    event!("connecting {} connections to {addr}", args.connections);
    let mut streams = Vec::with_capacity(args.connections as usize);
    for i in 1..=args.connections {
        let stream = TcpStream::connect(addr).await;
        streams.push(stream.with_context(|| format!("connection {i} to {addr} failed"))?);
    }
    event!("holding {} connections open at once", streams.len());

    let start = Instant::now();
    let mut tasks = JoinSet::new(); // one task per connection
    for (id, stream) in (1..).zip(streams) {
        tasks.spawn(round_trips(id, stream, args.rounds));
    }
    let (mut times, mut finished) = (RoundTrips::new()?, Vec::new());
    while let Some(joined) = tasks.join_next().await {
        let (micros, stream) = joined??; // Err: the task panicked, or its round trips failed
        times.record(&micros)?;
        finished.push(stream);
    }
    drop(finished); // now the server sees them all close
    times.report(args.connections, args.rounds, start.elapsed()) // check, rate, percentiles
}

fn main() -> Result<()> {
    // Quiet errors, the clock of `event!` (println with the elapsed time and
    // the thread's name): shared/src/lib.rs. First: before any thread starts.
    let _run = shared::init()?;
    let args = Args::parse();
    // Each connection is a file descriptor: raise the soft limit, or say it cannot fit.
    let per_conn = if args.addr.is_some() { 1 } else { 2 }; // the in-process server's end too
    ensure_open_files(u64::from(args.connections) * per_conn + 64, per_conn)?;
    // What `#[tokio::main]` expands to: a multi-thread runtime, then block_on.
    let runtime = Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async {
        let addr = addr_or_local_server(args.addr).await?; // --addr, or a server in this process
        run(&args, addr).await
    })
}
