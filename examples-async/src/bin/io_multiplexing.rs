//! I/O multiplexing: one thread serves many TCP clients with a hand-written event loop.
//!
//! Mirrors the notes' "核心原理2：IO多路复用" ("core principle 2: I/O
//! multiplexing"): "是一种同步IO模型，实现一个线程可以监视多个文件句柄" ("a
//! synchronous I/O model in which one thread watches many file handles"),
//! "一旦某个文件句柄就绪，就能够通知应用程序进行相应的读写操作" ("once a handle
//! is ready, the application is told to do its read or write"). The program
//! prints the notes' select / poll / epoll table (the note spells epoll
//! "epool", a typo) with what holds on Linux today.
//!
//! The loop is written by hand because it is the lesson. In real code you
//! would let tokio, smol or async-std run it for you. It uses the `polling`
//! crate, which is epoll on Linux, kqueue on macOS and the BSDs, and IOCP on
//! Windows. `Poller::wait` blocks until some registered socket is ready. The
//! loop then accepts, reads and writes only the sockets it was told about,
//! without blocking. polling's default mode is oneshot: after an event, a
//! socket is re-armed with `modify` (on Linux that is one `epoll_ctl` call).
//! Python twin: the `selectors` module (`DefaultSelector` is epoll on Linux).
//!
//! Run: `cargo run -p examples-async --bin io_multiplexing -- --clients 100 --rounds 3`
//!
//! You should see the table, then `main` serve the clients (threads
//! `client-1`..`client-N`, standing in for remote machines). Each client sends
//! `--rounds` lines, checks every echo, and keeps its connection open until all
//! have finished, so the single server thread holds every connection at once.
//! It ends with `check: 100 clients x 3 round trips, every echo matched; one
//! thread held 100 connections at once`. The number of `wait` calls changes
//! from run to run, because one wait can report many ready sockets.

use std::collections::HashMap;
use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Barrier;
use std::thread;
use std::time::Duration;

use anyhow::{Context, Result, ensure};
use clap::Parser;
use polling::{Event, Events, Poller};
use shared::event;

#[derive(Parser)]
#[command(about = "One thread serves many TCP clients with polling (epoll/kqueue/IOCP)")]
struct Args {
    /// Number of client connections (one client thread each).
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..=1000))]
    clients: u32,
    /// Round trips (lines echoed) per client.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=1000))]
    rounds: u32,
}

/// The notes' table: the Chinese is the notes' text word for word, then an
/// English gloss and what holds on Linux today (added here).
const TABLE: &str = "\
the notes' select / poll / epoll table (3种实现方式, \"3 ways to do it\"), with what holds on Linux today (added here):
select: 数据结构：bitmap | 最大连接数：1024 | fd拷贝：每次调用select拷贝 | 工作效率：轮询O(N)
  (data structure: bitmap | max connections: 1024 | fd copy: copied on every select call | efficiency: polling, O(N))
  Linux today: holds. fd_set is a bitmap of FD_SETSIZE = 1024 bits, so select(2) cannot watch any fd
  numbered 1024 or more (a limit on fd numbers, not only on how many); the sets are rebuilt and
  copied in and out on every call, and kernel and caller both scan up to the highest fd.
poll: 数据结构：数组 | 最大连接数：无上限 | fd拷贝：每次调用poll拷贝 | 工作效率：轮询O(N)
  (data structure: array | max connections: no limit | fd copy: copied on every poll call | efficiency: polling, O(N))
  Linux today: holds. No fixed limit, but nfds may not exceed RLIMIT_NOFILE (ulimit -n); the
  pollfd array is copied in and out on every call and scanned in full.
epool [sic: epoll]: 数据结构：红黑树 | 最大连接数：无上限 | fd拷贝：fd首次调用epool_ctl拷贝，每次调用epoll_wait不拷贝 | 工作效率：回调O(1)
  (data structure: red-black tree | max connections: no limit | fd copy: copied once at epoll_ctl,
   not on each epoll_wait | efficiency: callback, O(1))
  Linux today: holds, more precisely: the interest list is a red-black tree, so epoll_ctl
  (add/modify/delete) costs O(log n); the limits are RLIMIT_NOFILE and fs.epoll.max_user_watches.
  \"Callback O(1)\" is about notification: a ready socket's wakeup callback puts it on a ready
  list in O(1), and epoll_wait costs O(ready), not O(registered). A oneshot registration (as
  polling uses by default) pays one epoll_ctl per re-arm.
";

/// Which kernel mechanism the `polling` crate uses on this system.
const BACKEND: &str = if cfg!(target_os = "linux") || cfg!(target_os = "android") {
    "epoll"
} else if cfg!(any(
    target_os = "macos",
    target_os = "ios",
    target_os = "freebsd",
    target_os = "openbsd",
    target_os = "netbsd",
    target_os = "dragonfly"
)) {
    "kqueue"
} else if cfg!(windows) {
    "IOCP (via AFD)"
} else if cfg!(any(target_os = "illumos", target_os = "solaris")) {
    "event ports"
} else {
    "poll"
};

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
    let poller = Poller::new().context("cannot create a poller")?;
    listener.set_nonblocking(true)?;
    // Safety: `listener` outlives the poller (which is dropped at the end of this fn).
    unsafe { poller.add(listener, Event::readable(LISTENER))? };
    // Each connection with the bytes it has read but not yet written back.
    let mut conns: HashMap<usize, (TcpStream, Vec<u8>)> = HashMap::new();
    let (mut next_key, mut closed) = (LISTENER + 1, 0);
    let mut served = Served {
        echoed_bytes: 0,
        most_open: 0,
        waits: 0,
    };
    let mut events = Events::new();
    while closed < clients {
        events.clear();
        poller.wait(&mut events, None)?; // the one place this thread blocks
        served.waits += 1;
        for ev in events.iter() {
            if ev.key == LISTENER {
                // Accept every pending connection, then re-arm the listener.
                loop {
                    match listener.accept() {
                        Ok((stream, _)) => {
                            stream.set_nonblocking(true)?;
                            // Safety: the stream is deleted from the poller before it is dropped.
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

/// One client: plain blocking I/O on its own thread, standing in for a remote machine.
fn client(id: u32, addr: SocketAddr, rounds: u32, all_done: &Barrier) -> Result<()> {
    let talk = || -> Result<TcpStream> {
        let mut stream = TcpStream::connect(addr)?;
        stream.set_read_timeout(Some(Duration::from_secs(10)))?; // a stuck server fails, not hangs
        let mut reader = stream.try_clone()?;
        for round in 1..=rounds {
            let line = format!("client-{id} round {round}\n");
            stream.write_all(line.as_bytes())?;
            let mut back = vec![0; line.len()];
            reader.read_exact(&mut back)?;
            ensure!(
                back == line.as_bytes(),
                "client-{id}: sent {line:?}, got {:?}",
                String::from_utf8_lossy(&back)
            );
        }
        Ok(stream)
    };
    let result = talk();
    // Keep the connection open until every client is done, so the server holds them all at once.
    all_done.wait();
    result.map(drop) // dropping the stream closes the connection
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
            handles.push(spawn.spawn_scoped(s, move || client(id, addr, args.rounds, all_done))?);
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
