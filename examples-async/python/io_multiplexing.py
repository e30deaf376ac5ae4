"""I/O multiplexing: one thread serves many TCP clients with a hand-written event loop.

Twin of examples-async/src/bin/io_multiplexing.rs. The standard library's
selectors module plays the part of the `polling` crate: DefaultSelector is
epoll on Linux, kqueue on macOS, select() on Windows. select() blocks until a
registered socket is ready; the loop then accepts, reads and writes only the
sockets it was told about, without blocking. (asyncio runs the same kind of
loop for you.) Clients are threads standing in for remote machines; each sends
--rounds lines, checks every echo, and holds its connection open until all are
done, so the one server thread holds every connection at once.

Run: python3 examples-async/python/io_multiplexing.py --clients 100 --rounds 3
"""

import argparse
import selectors
import socket
import sys
import threading
import time

START = time.perf_counter()

TABLE = """\
the notes' select / poll / epoll table (3种实现方式, "3 ways to do it"), with what holds on Linux today (added here):
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
  "Callback O(1)" is about notification: a ready socket's wakeup callback puts it on a ready
  list in O(1), and epoll_wait costs O(ready), not O(registered). A oneshot registration (as
  polling uses by default) pays one epoll_ctl per re-arm.
"""


def log(msg, who=None):
    # One write per line (the newline inside, end=""), so lines from several threads never tear.
    print(f"[{time.perf_counter() - START:7.3f}s {who or threading.current_thread().name}] {msg}\n", end="", flush=True)


def serve(listener, clients):
    """The event loop: wait for ready sockets, then serve only those."""
    sel = selectors.DefaultSelector()
    listener.setblocking(False)
    sel.register(listener, selectors.EVENT_READ, data=None)
    pending = {}  # each connection -> bytes read but not yet written back
    closed = echoed = most_open = waits = 0
    while closed < clients:
        ready = sel.select()  # the one place this thread blocks
        waits += 1
        for key, _mask in ready:
            if key.data is None:  # the listener: accept every pending connection
                while True:
                    try:
                        conn, _ = listener.accept()
                    except BlockingIOError:
                        break
                    conn.setblocking(False)
                    pending[conn] = b""
                    sel.register(conn, selectors.EVENT_READ, data="conn")
                most_open = max(most_open, len(pending))
                continue
            conn, eof = key.fileobj, False
            while True:
                try:
                    data = conn.recv(4096)
                except BlockingIOError:
                    break
                except ConnectionResetError:
                    data, pending[conn] = b"", b""
                if not data:
                    eof = True
                    break
                pending[conn] += data
            try:
                wrote = conn.send(pending[conn]) if pending[conn] else 0
            except BlockingIOError:
                wrote = 0
            echoed += wrote
            pending[conn] = pending[conn][wrote:]
            if eof and not pending[conn]:
                sel.unregister(conn)  # the client hung up
                conn.close()
                del pending[conn]
                closed += 1
            elif pending[conn]:
                sel.modify(conn, selectors.EVENT_WRITE, data="conn")  # its send buffer is full
            else:
                sel.modify(conn, selectors.EVENT_READ, data="conn")
    sel.close()
    return echoed, most_open, waits


def client(cid, addr, rounds, all_done, errors):
    """One client: plain blocking I/O on its own thread, standing in for a remote machine."""
    sock = None
    try:
        sock = socket.create_connection(addr, timeout=10)  # a stuck server fails, not hangs
        for rnd in range(1, rounds + 1):
            line = f"client-{cid} round {rnd}\n".encode()
            sock.sendall(line)
            back = b""
            while len(back) < len(line):
                chunk = sock.recv(len(line) - len(back))
                if not chunk:
                    raise ConnectionError("server closed the connection")
                back += chunk
            if back != line:
                raise ValueError(f"client-{cid}: sent {line!r}, got {back!r}")
    except Exception as e:  # noqa: BLE001 - reported by main
        errors.append(e)
        if sock:
            sock.close()
            sock = None
    # Keep the connection open until every client is done, so the server holds them all at once.
    all_done.wait()
    if sock:
        sock.close()


def bounded(lo, hi):
    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if not lo <= value <= hi:
            raise argparse.ArgumentTypeError(f"{value} is not in {lo}..={hi}")
        return value
    return parse


def main():
    threading.current_thread().name = "main"  # the name Rust gives it, so the lines match
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--clients", type=bounded(1, 1000), default=100)
    p.add_argument("--rounds", type=bounded(1, 1000), default=3)
    args = p.parse_args()
    print(TABLE, end="")
    print(f"this program's selector: {selectors.DefaultSelector.__name__}\n")

    listener = socket.create_server(("127.0.0.1", 0), backlog=1024)
    addr = listener.getsockname()
    log(f"serving {args.clients} clients on {addr[0]}:{addr[1]} from this one thread")
    all_done, errors = threading.Barrier(args.clients), []
    threads = [threading.Thread(target=client, args=(i, addr, args.rounds, all_done, errors), name=f"client-{i}")
               for i in range(1, args.clients + 1)]
    for t in threads:
        t.start()
    echoed, most_open, waits = serve(listener, args.clients)
    for t in threads:
        t.join()
    listener.close()
    if errors:
        print(f"error: {errors[0]}", file=sys.stderr)
        sys.exit(1)
    log(f"{echoed} bytes echoed in {waits} calls to wait; at most {most_open} connections open at once")
    if most_open != args.clients:
        print(f"error: expected all {args.clients} connections open at once, saw {most_open}", file=sys.stderr)
        sys.exit(1)
    print(f"check: {args.clients} clients x {args.rounds} round trips, every echo matched; "
          f"one thread held {most_open} connections at once")


if __name__ == "__main__":
    main()
