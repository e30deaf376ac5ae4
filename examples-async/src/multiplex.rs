//! What `io_multiplexing` prints and the clients it serves; the event loop
//! itself (the lesson) stays in the bin.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Barrier;
use std::time::Duration;

use anyhow::{Result, ensure};

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
