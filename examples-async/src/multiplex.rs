//! What `io_multiplexing` prints, the non-blocking echo of one ready socket,
//! and the clients it serves; the event loop itself (the lesson) stays in the
//! bin.

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Barrier;
use std::thread;
use std::time::Duration;

use anyhow::{Context, Result, ensure};

/// What the event loop did.
#[derive(Debug, Default)]
pub struct Served {
    /// Bytes written back.
    pub echoed_bytes: usize,
    /// The most connections open at once.
    pub most_open: usize,
    /// Calls to `wait`.
    pub waits: usize,
    /// Connections the clients have closed.
    pub closed: usize,
}

impl Served {
    /// Says what the loop did, checks that it held all `clients` connections
    /// at once, and says so.
    ///
    /// # Errors
    /// Fewer connections were open at once.
    pub fn check(&self, clients: usize, rounds: u32) -> Result<()> {
        shared::event!(
            "{} bytes echoed in {} calls to wait; at most {} connections open at once",
            self.echoed_bytes,
            self.waits,
            self.most_open
        );
        ensure!(
            self.most_open == clients,
            "expected all {clients} connections open at once, saw {}",
            self.most_open
        );
        println!(
            "check: {clients} clients x {rounds} round trips, every echo matched; one thread held {clients} connections at once"
        );
        Ok(())
    }
}

/// Reads whatever `stream` has ready and writes back as much of `pending`
/// (the bytes read, not yet written back) as the socket takes, never
/// blocking. Returns true when the peer has closed its end.
///
/// # Errors
/// A read or write failed (other than "would block" or a reset peer).
pub fn echo_ready(
    stream: &mut TcpStream,
    pending: &mut Vec<u8>,
    served: &mut Served,
) -> Result<bool> {
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
    served.echoed_bytes += wrote;
    Ok(eof)
}

/// Starts threads `client-1`..`client-N` ([`line_client`], standing in for
/// remote machines) against `addr`, runs `serve` on this thread meanwhile,
/// then joins every client.
///
/// # Errors
/// `serve` failed, a thread could not start, or a client failed.
pub fn with_clients<T>(
    addr: SocketAddr,
    clients: u32,
    rounds: u32,
    serve: impl FnOnce() -> Result<T>,
) -> Result<T> {
    let all_done = Barrier::new(clients as usize);
    thread::scope(|s| {
        let mut handles = Vec::new();
        for id in 1..=clients {
            let all_done = &all_done;
            let spawn = thread::Builder::new().name(format!("client-{id}"));
            handles.push(spawn.spawn_scoped(s, move || line_client(id, addr, rounds, all_done))?);
        }
        let served = serve()?;
        for h in handles {
            h.join().unwrap()?; // unwrap on join(): a client that panicked re-raises it here
        }
        Ok(served)
    })
}

/// The notes' select / poll / epoll table: the Chinese is the notes' text word
/// for word (`001_02a52d28409d88e4.txt`, "3种实现方式"), each row followed by an
/// English gloss and what holds on Linux today (added here). The note spells
/// epoll "epool", a typo kept and marked `[sic]`.
pub const TABLE: &str = "\
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

/// Which kernel mechanism the `polling` crate uses on the system this was built for.
pub const BACKEND: &str = if cfg!(any(target_os = "linux", target_os = "android")) {
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

/// One client of the echo loop: plain blocking I/O on its own thread, standing
/// in for a remote machine. Connects to `addr`, sends `rounds` lines
/// (`client-{id} round {r}\n`), checks every echo (10 s read timeout, so a
/// stuck server fails instead of hanging), then waits on `all_done` with the
/// connection still open, so the server holds every client's connection at once.
///
/// # Errors
/// A failed connect, read or write, or an echo that differs from the line sent.
pub fn line_client(id: u32, addr: SocketAddr, rounds: u32, all_done: &Barrier) -> Result<()> {
    let talk = || -> Result<TcpStream> {
        let mut stream = TcpStream::connect(addr)?;
        stream.set_read_timeout(Some(Duration::from_secs(10)))?;
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
    all_done.wait(); // every client waits here, even a failed one, so none is left waiting
    result.map(drop) // dropping the stream closes the connection
}
