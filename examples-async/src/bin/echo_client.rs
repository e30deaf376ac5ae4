//! The load side of "one event loop, many connections" (pair: `echo_server`).
//!
//! The notes claim Nginx answers "高达 50,000 个并发连接数" ("up to 50,000
//! concurrent connections"). This client tests that kind of claim: it opens
//! `--connections` connections one after another and holds them all open at
//! once; then each runs as its own task and does `--rounds` round trips (write
//! a line, read it back, check it). It reports round trips per second and
//! latency percentiles (an `hdrhistogram` of microseconds).
//!
//! Each connection is a file descriptor: on Unix the client raises its soft
//! RLIMIT_NOFILE up to the hard limit (`rlimit`) and, if asked for more than
//! that allows, says so before it connects. Without `--addr` it starts a small
//! echo server in its own process (added here; it doubles the descriptors).
//! Run `echo_server` separately for real figures and the server's memory.
//!
//! Run: `cargo run --release -p examples-async --bin echo_client -- --connections 1000 --rounds 10`
//! or against a separate server (start it first, see `echo_server`):
//! `cargo run --release -p examples-async --bin echo_client -- --addr 127.0.0.1:7000 --connections 15000 --rounds 1`
//!
//! You should see `holding N connections open at once`, then `check: N
//! connections x R rounds = T round trips, every echo matched`, the round trips
//! per second and the latency percentiles, which vary from run to run. Ctrl-C
//! stops the client cleanly and says how many round trips were done.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, ensure};
use clap::Parser;
use examples_async::echo::{ensure_open_files, in_process_server, print_round_trips};
use hdrhistogram::Histogram;
use shared::event;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::task::JoinSet;

#[derive(Parser)]
#[command(allow_negative_numbers = true)] // `-1` is a value to refuse, not a flag
#[command(about = "Holds N connections to an echo server and measures round trips")]
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
async fn round_trips(
    id: u32,
    mut stream: TcpStream,
    rounds: u32,
    done: Arc<AtomicU64>,
) -> Result<(Vec<u64>, TcpStream)> {
    let mut micros = Vec::with_capacity(rounds as usize);
    let mut back = Vec::new();
    for round in 1..=rounds {
        let line = format!("connection {id} round {round}\n");
        let start = Instant::now();
        stream.write_all(line.as_bytes()).await?;
        back.resize(line.len(), 0);
        // A server that stops answering fails the run instead of hanging it.
        let echoed = tokio::time::timeout(Duration::from_secs(10), stream.read_exact(&mut back));
        echoed
            .await
            .with_context(|| format!("connection {id}: no echo within 10 s"))?
            .with_context(|| format!("connection {id}: no echo"))?;
        micros.push(start.elapsed().as_micros() as u64);
        ensure!(
            back == line.as_bytes(),
            "connection {id}: sent {line:?}, got {:?}",
            String::from_utf8_lossy(&back)
        );
        done.fetch_add(1, Ordering::Relaxed);
    }
    // Handed back, not dropped: every connection stays open until all are done.
    Ok((micros, stream))
}

async fn run(args: &Args, addr: SocketAddr, done: Arc<AtomicU64>) -> Result<()> {
    event!("connecting {} connections to {addr}", args.connections);
    let mut streams = Vec::with_capacity(args.connections as usize);
    for i in 1..=args.connections {
        let stream = TcpStream::connect(addr)
            .await
            .with_context(|| format!("connection {i} to {addr} failed"))?;
        streams.push(stream);
    }
    event!("holding {} connections open at once", streams.len());

    let start = Instant::now();
    let mut tasks = JoinSet::new();
    for (i, stream) in (1..).zip(streams) {
        tasks.spawn(round_trips(i, stream, args.rounds, Arc::clone(&done)));
    }
    let mut hist = Histogram::<u64>::new(3).context("cannot make a histogram")?;
    let mut finished = Vec::with_capacity(args.connections as usize);
    while let Some(joined) = tasks.join_next().await {
        let (micros, stream) = joined??;
        for us in micros {
            hist.record(us.max(1))?;
        }
        finished.push(stream);
    }
    drop(finished); // now the server sees them all close
    let secs = start.elapsed().as_secs_f64();
    let total = u64::from(args.connections) * u64::from(args.rounds);
    ensure!(
        hist.len() == total,
        "expected {total} round trips, timed {}",
        hist.len()
    );
    println!(
        "check: {} connections x {} rounds = {total} round trips, every echo matched",
        args.connections, args.rounds
    );
    print_round_trips(&hist, total, secs);
    Ok(())
}

fn main() -> Result<()> {
    shared::quiet_backtraces(); // first: before the runtime starts its threads
    shared::timing::epoch();
    let args = Args::parse();
    let per_conn = if args.addr.is_some() { 1 } else { 2 }; // the in-process server's end too
    ensure_open_files(u64::from(args.connections) * per_conn + 64, per_conn)?;
    // What `#[tokio::main]` expands to: a multi-thread runtime, then block_on.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the tokio runtime")?;
    runtime.block_on(client(args))
}

async fn client(args: Args) -> Result<()> {
    let addr = match args.addr {
        Some(addr) => addr,
        None => {
            let addr = in_process_server().await?;
            event!("no --addr: started an echo server in this process on {addr}");
            addr
        }
    };
    let done = Arc::new(AtomicU64::new(0));
    tokio::select! {
        res = run(&args, addr, Arc::clone(&done)) => res,
        res = tokio::signal::ctrl_c() => {
            res.context("cannot listen for Ctrl-C")?;
            event!("Ctrl-C: stopping after {} round trips", done.load(Ordering::Relaxed));
            Ok(())
        }
    }
}
