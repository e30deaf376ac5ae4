//! I/O multiplexing: one thread serves many TCP clients with a hand-written event loop.
//!
//! Mirrors the notes' "核心原理2：IO多路复用" ("core principle 2: I/O
//! multiplexing"): "是一种同步IO模型，实现一个线程可以监视多个文件句柄" ("a
//! synchronous I/O model in which one thread watches many file handles"),
//! "一旦某个文件句柄就绪，就能够通知应用程序进行相应的读写操作" ("once a handle
//! is ready, the application is told to do its read or write"). It prints the
//! notes' select / poll / epoll table with what holds on Linux today.
//!
//! The loop is written by hand because it is the lesson; in real code tokio,
//! smol or async-std run it for you. Python twin: `selectors`.
//!
//! Run: `cargo run -p examples-async --bin io_multiplexing -- --clients 100 --rounds 3`
//!
//! You should see the table, the poller's name, then `main` serving threads
//! `client-1`..`client-N` (standing in for remote machines; they print nothing
//! themselves), each sending `--rounds` lines, checking every echo and holding
//! its connection until all are done; then `main`'s count of bytes echoed,
//! `wait` calls and connections open at once, and `check: 100 clients x 3
//! round trips, every echo matched; one thread held 100 connections at once`.
//! The number of `wait` calls varies between runs: one wait can report many
//! ready sockets.

use std::collections::HashMap;
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, ensure};
use clap::Parser;
use examples_async::multiplex::{BACKEND, Served, TABLE, echo_ready, with_clients};
use polling::{Event, Events, Poller};
use shared::event;

/// One thread serves many TCP clients with polling (epoll/kqueue/IOCP)
#[derive(Parser)]
struct Args {
    /// Number of client connections (one client thread each).
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..=1000))]
    clients: u32,
    /// Round trips (lines echoed) per client.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=1000))]
    rounds: u32,
}

/// The listener's key in the poller. Connections get the keys 1, 2, 3, and so on.
const LISTENER: usize = 0;

/// The event loop: wait for ready sockets, then serve only those.
fn serve(listener: &TcpListener, clients: usize) -> Result<Served> {
    // Each connection with the bytes it has read but not yet written back.
    // (Declared before the poller, so on an early return the poller is dropped first.)
    let mut conns: HashMap<usize, (TcpStream, Vec<u8>)> = HashMap::new();
    // `polling` is epoll on Linux, kqueue on macOS and the BSDs, IOCP on Windows.
    let poller = Poller::new().context("cannot create a poller")?;
    listener.set_nonblocking(true)?;
    // Safety: `listener` outlives the poller (which is dropped at the end of this fn).
    unsafe { poller.add(listener, Event::readable(LISTENER))? };
    let (mut served, mut events, mut next_key) = (Served::default(), Events::new(), LISTENER + 1);
    let mut last_ready = Instant::now();
    while served.closed < clients {
        events.clear();
        // The one place this thread blocks. It may return with no events now and then;
        // 10 s of nothing (a client that never comes) fails the run.
        if poller.wait(&mut events, Some(Duration::from_secs(10)))? > 0 {
            last_ready = Instant::now();
        }
        let waited = last_ready.elapsed();
        ensure!(waited < Duration::from_secs(10), "no socket ready for 10 s");
        served.waits += 1;
        for ev in events.iter() {
            if ev.key == LISTENER {
                // A client connects. One accept per event: re-armed, the listener fires again if more wait.
                let (stream, _) = listener.accept().context("accept failed")?;
                stream.set_nonblocking(true)?;
                // Safety: the stream is deleted from the poller before it is dropped, or outlives it.
                unsafe { poller.add(&stream, Event::readable(next_key))? };
                conns.insert(next_key, (stream, Vec::new()));
                next_key += 1;
                served.most_open = served.most_open.max(conns.len());
                // `polling` registers in oneshot mode: re-arm after each event.
                poller.modify(listener, Event::readable(LISTENER))?;
                continue;
            }
            let Some((stream, pending)) = conns.get_mut(&ev.key) else {
                continue;
            };
            // Read what is ready, write back what the socket takes: never blocks.
            let eof = echo_ready(stream, pending, &mut served)?;
            if eof && pending.is_empty() {
                poller.delete(&*stream)?; // the client hung up
                conns.remove(&ev.key);
                served.closed += 1;
            } else if pending.is_empty() {
                poller.modify(&*stream, Event::readable(ev.key))?;
            } else {
                poller.modify(&*stream, Event::writable(ev.key))?; // its send buffer is full
            }
        }
    }
    Ok(served) // the poller is dropped first: every stream outlives it
}

fn main() -> Result<()> {
    // Quiet errors, the clock of `event!` (println with the elapsed time and
    // the thread's name): shared/src/lib.rs.
    let _run = shared::init()?;
    let args = Args::parse();
    print!("{TABLE}"); // the notes' table, word for word, glossed (examples_async::multiplex)
    println!("this program's poller: {BACKEND}\n");

    let listener = TcpListener::bind("127.0.0.1:0").context("cannot bind 127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    event!("serving {} clients on {addr} from this one thread", args.clients);
    // Threads `client-1`..`client-N` talk to us while this thread runs the loop.
    let clients = args.clients as usize;
    let served = with_clients(addr, args.clients, args.rounds, || serve(&listener, clients))?;
    served.check(clients, args.rounds) // every connection open at once, said and checked
}
