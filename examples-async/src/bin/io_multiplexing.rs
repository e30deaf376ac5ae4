//! I/O multiplexing: one thread serves many TCP clients with a hand-written event loop.
//!
//! Mirrors the notes' "核心原理2：IO多路复用" ("core principle 2: I/O
//! multiplexing"): "是一种同步IO模型，实现一个线程可以监视多个文件句柄" ("a
//! synchronous I/O model in which one thread watches many file handles"),
//! "一旦某个文件句柄就绪，就能够通知应用程序进行相应的读写操作" ("once a handle
//! is ready, the application is told to do its read or write"). It prints the
//! notes' select / poll / epoll table with what holds on Linux today
//! (`examples_async::multiplex::TABLE`).
//!
//! The loop is written by hand because it is the lesson; in real code tokio,
//! smol or async-std run it for you. The `polling` crate is epoll on Linux,
//! kqueue on macOS and the BSDs, IOCP on Windows. `Poller::wait` blocks until
//! some registered socket is ready; the loop then accepts, reads and writes
//! only those sockets, never blocking. polling registers in oneshot mode, so a
//! socket is re-armed with `modify` after each event. Python twin: `selectors`.
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
use std::io::{ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Barrier;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, ensure};
use clap::Parser;
use examples_async::multiplex::{BACKEND, TABLE, line_client};
use polling::{Event, Events, Poller};
use shared::event;

#[derive(Parser)]
#[command(allow_negative_numbers = true)] // `-1` is a value to refuse, not a flag
#[command(about = "One thread serves many TCP clients with polling (epoll/kqueue/IOCP)")]
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

/// What the server did.
struct Served {
    echoed_bytes: usize,
    most_open: usize,
    waits: usize,
}

/// The event loop: wait for ready sockets, then serve only those.
fn serve(listener: &TcpListener, clients: usize) -> Result<Served> {
    // Each connection with the bytes it has read but not yet written back.
    // (Declared before the poller, so on an early return the poller is dropped first.)
    let mut conns: HashMap<usize, (TcpStream, Vec<u8>)> = HashMap::new();
    let poller = Poller::new().context("cannot create a poller")?;
    listener.set_nonblocking(true)?;
    // Safety: `listener` outlives the poller (which is dropped at the end of this fn).
    unsafe { poller.add(listener, Event::readable(LISTENER))? };
    let (mut next_key, mut closed) = (LISTENER + 1, 0);
    let mut served = Served {
        echoed_bytes: 0,
        most_open: 0,
        waits: 0,
    };
    let (mut events, mut last_ready) = (Events::new(), Instant::now());
    while closed < clients {
        events.clear();
        // The one place this thread blocks. (With a limit: a client that never comes fails the run.)
        if poller.wait(&mut events, Some(Duration::from_secs(10)))? > 0 {
            last_ready = Instant::now();
        } else if last_ready.elapsed() >= Duration::from_secs(10) {
            anyhow::bail!("no socket ready for 10 s; {closed} of {clients} clients done");
        }
        served.waits += 1;
        for ev in events.iter() {
            if ev.key == LISTENER {
                // Accept every pending connection, then re-arm the listener.
                loop {
                    match listener.accept() {
                        Ok((stream, _)) => {
                            stream.set_nonblocking(true)?;
                            // Safety: the stream is deleted from the poller before it is dropped, or outlives it.
                            unsafe { poller.add(&stream, Event::readable(next_key))? };
                            conns.insert(next_key, (stream, Vec::new()));
                            next_key += 1;
                        }
                        Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                        Err(e) => return Err(e).context("accept failed"),
                    }
                }
                served.most_open = served.most_open.max(conns.len());
                poller.modify(listener, Event::readable(LISTENER))?;
                continue;
            }
            let Some((stream, pending)) = conns.get_mut(&ev.key) else {
                continue;
            };
            let (eof, wrote) = echo(stream, pending)?;
            served.echoed_bytes += wrote;
            if eof && pending.is_empty() {
                poller.delete(&*stream)?; // the client hung up
                conns.remove(&ev.key);
                closed += 1;
            } else if pending.is_empty() {
                poller.modify(&*stream, Event::readable(ev.key))?;
            } else {
                poller.modify(&*stream, Event::writable(ev.key))?; // its send buffer is full
            }
        }
    }
    for (stream, _) in conns.values() {
        poller.delete(stream)?;
    }
    Ok(served)
}

/// Reads whatever is ready and writes back as much as the socket takes, never
/// blocking. Returns (peer closed, bytes written).
fn echo(stream: &mut TcpStream, pending: &mut Vec<u8>) -> Result<(bool, usize)> {
    let mut buf = [0u8; 4096];
    let mut eof = false;
    loop {
        match stream.read(&mut buf) {
            Ok(0) => {
                eof = true;
                break;
            }
            Ok(n) => pending.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == ErrorKind::WouldBlock => break,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) if e.kind() == ErrorKind::ConnectionReset => {
                eof = true;
                pending.clear();
                break;
            }
            Err(e) => return Err(e).context("read failed"),
        }
    }
    let mut wrote = 0;
    while wrote < pending.len() {
        match stream.write(&pending[wrote..]) {
            Ok(n) => wrote += n,
            Err(e) if e.kind() == ErrorKind::WouldBlock => break,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => return Err(e).context("write failed"),
        }
    }
    pending.drain(..wrote);
    Ok((eof, wrote))
}

fn main() -> Result<()> {
    shared::quiet_backtraces();
    shared::timing::epoch();
    let args = Args::parse();
    print!("{TABLE}");
    println!("this program's poller: {BACKEND}\n");

    let listener = TcpListener::bind("127.0.0.1:0").context("cannot bind 127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    event!(
        "serving {} clients on {addr} from this one thread",
        args.clients
    );
    let all_done = Barrier::new(args.clients as usize);
    let served = thread::scope(|s| -> Result<Served> {
        let mut handles = Vec::new();
        for id in 1..=args.clients {
            let all_done = &all_done;
            let spawn = thread::Builder::new().name(format!("client-{id}"));
            handles
                .push(spawn.spawn_scoped(s, move || line_client(id, addr, args.rounds, all_done))?);
        }
        let served = serve(&listener, args.clients as usize)?;
        for h in handles {
            h.join().unwrap()?; // unwrap on join(): a client that panicked re-raises it here
        }
        Ok(served)
    })?;
    event!(
        "{} bytes echoed in {} calls to wait; at most {} connections open at once",
        served.echoed_bytes,
        served.waits,
        served.most_open
    );
    ensure!(
        served.most_open == args.clients as usize,
        "expected all {} connections open at once, saw {}",
        args.clients,
        served.most_open
    );
    println!(
        "check: {} clients x {} round trips, every echo matched; one thread held {} connections at once",
        args.clients, args.rounds, served.most_open
    );
    Ok(())
}
