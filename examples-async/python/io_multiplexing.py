"""I/O multiplexing: one thread serves many TCP clients with a hand-written event loop.

Twin of examples-async/src/bin/io_multiplexing.rs. The standard library's
selectors module plays the part of the `polling` crate: DefaultSelector is
epoll on Linux, kqueue on macOS, select() on Windows. select() blocks until a
registered socket is ready; the loop then accepts, reads and writes only the
sockets it was told about, without blocking. (asyncio runs the same kind of
loop for you.) Clients are threads standing in for remote machines; each sends
--rounds lines, checks every echo, and holds its connection open until all are
done, so the one server thread holds every connection at once. It prints:

the notes' select / poll / epoll table (3种实现方式, "3 ways to do it"; what holds on Linux today: io_multiplexing.rs):
select: 数据结构：bitmap | 最大连接数：1024 | fd拷贝：每次调用select拷贝 | 工作效率：轮询O(N)
  (data structure: bitmap | max connections: 1024 | fd copy: copied on every select call | efficiency: polling, O(N))
poll: 数据结构：数组 | 最大连接数：无上限 | fd拷贝：每次调用poll拷贝 | 工作效率：轮询O(N)
  (data structure: array | max connections: no limit | fd copy: copied on every poll call | efficiency: polling, O(N))
epool [sic: epoll]: 数据结构：红黑树 | 最大连接数：无上限 | fd拷贝：fd首次调用epool_ctl拷贝，每次调用epoll_wait不拷贝 | 工作效率：回调O(1)
  (data structure: red-black tree | max connections: no limit | fd copy: once, at epoll_ctl | efficiency: callback, O(1))

Run: python3 examples-async/python/io_multiplexing.py --clients 100 --rounds 3
"""

import argparse, os, selectors, signal, socket, sys, threading
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "python"))
import blog_spider  # log() and the argument types: shared/python/blog_spider.py


def serve(listener, clients):
    """The event loop: wait for ready sockets, then serve only those."""
    sel = selectors.DefaultSelector()
    listener.setblocking(False)
    sel.register(listener, selectors.EVENT_READ)
    closed = echoed = most_open = waits = 0
    while closed < clients:
        if not (ready := sel.select(timeout=10)):  # the one place this thread blocks
            raise RuntimeError(f"no socket ready for 10 s; {closed} clients done")
        waits += 1
        for key, mask in ready:  # only the ready ones: none of the calls below blocks
            if key.fileobj is listener:  # a client is connecting
                conn, _ = listener.accept()
                conn.setblocking(False)
                sel.register(conn, selectors.EVENT_READ, bytearray())  # bytes read, not yet written back
                most_open = max(most_open, len(sel.get_map()) - 1)
                continue
            conn, pending = key.fileobj, key.data
            if mask & selectors.EVENT_READ:
                data = conn.recv(4096)
                if not data:  # the client hung up
                    sel.unregister(conn)
                    conn.close()
                    closed += 1
                    continue
                pending += data
            try:
                sent = conn.send(pending)  # write back what the socket takes
            except BlockingIOError:
                sent = 0
            echoed += sent
            del pending[:sent]
            # Wait to write while its send buffer is full, else to read (selectors are level-triggered).
            sel.modify(conn, selectors.EVENT_WRITE if pending else selectors.EVENT_READ, pending)
    return echoed, most_open, waits


def client(cid, addr, rounds, all_done):
    """One client: plain blocking I/O on its own thread, standing in for a remote machine."""
    with socket.create_connection(addr, timeout=10) as sock:  # a stuck server fails the run, not hangs it
        for rnd in range(1, rounds + 1):
            line = f"client-{cid} round {rnd}\n".encode()
            sock.sendall(line)
            if (back := sock.recv(len(line), socket.MSG_WAITALL)) != line:
                raise RuntimeError(f"client-{cid}: sent {line!r}, got {back!r}")
        all_done.wait()  # hold the connection until every client is done


p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
p.add_argument("--clients", type=blog_spider.count(1, 1000), default=100, help="one client thread each")
p.add_argument("--rounds", type=blog_spider.count(1, 1000), default=3, help="lines echoed per client")
args = p.parse_args()
# Ctrl-C ends it at once: SIGINT's default action, as for the Rust bin (a KeyboardInterrupt
# would leave the pool's `with` waiting for the client threads, up to their 10 s timeout).
signal.signal(signal.SIGINT, signal.SIG_DFL)
print(__doc__[__doc__.index("the notes'"):__doc__.index("\nRun:")], end="")  # the table above
print(f"this program's selector: {selectors.DefaultSelector.__name__}\n")
listener = socket.create_server(("127.0.0.1", 0), backlog=1024)
addr = listener.getsockname()
blog_spider.log(f"serving {args.clients} clients on {addr[0]}:{addr[1]} from this one thread")
all_done = threading.Barrier(args.clients, timeout=30)
try:
    with ThreadPoolExecutor(args.clients, thread_name_prefix="client") as pool:
        clients = pool.map(lambda i: client(i, addr, args.rounds, all_done), range(1, args.clients + 1))
        echoed, most_open, waits = serve(listener, args.clients)
        list(clients)  # a client's error is raised here
except (OSError, RuntimeError, threading.BrokenBarrierError) as e:
    blog_spider.fail(e)
blog_spider.log(f"{echoed} bytes echoed in {waits} calls to wait; at most {most_open} connections open at once")
if most_open != args.clients:
    blog_spider.fail(f"expected all {args.clients} connections open at once, saw {most_open}")
print(f"check: {args.clients} clients x {args.rounds} round trips, every echo matched; one thread held {most_open} connections at once")

