"""The load side of "one event loop, many connections" (pair: echo_server.py).

Twin of examples-async/src/bin/echo_client.rs. Opens --connections connections
one after another and holds them all open at once, then runs --rounds round
trips on each, one coroutine per connection (asyncio.gather), checking every
echo; reports round trips per second and latency percentiles (sorted
microseconds, standing in for the Rust bin's hdrhistogram). Each connection is
a file descriptor: it raises its soft RLIMIT_NOFILE to the hard limit, or says
clearly that the connections cannot fit. Without --addr it starts an echo
server in this process (added here), which doubles the descriptors needed.

Run: python3 examples-async/python/echo_client.py --connections 1000 --rounds 10
or against a running echo server: ... --addr 127.0.0.1:7000
"""

import argparse, asyncio, os, signal, sys, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "python"))
import blog_spider  # log() and the argument types: shared/python/blog_spider.py


async def round_trips(cid, reader, writer, rounds):
    """One connection's round trips: write a line, read it back, check it, time it (µs)."""
    micros = []
    for rnd in range(1, rounds + 1):
        line = f"connection {cid} round {rnd}\n".encode()
        start = time.perf_counter()
        writer.write(line)
        await writer.drain()
        try:  # a server that stops answering fails the run instead of hanging it
            back = await asyncio.wait_for(reader.readexactly(len(line)), 10)
        except asyncio.TimeoutError:
            raise RuntimeError(f"connection {cid}: no echo within 10 s") from None
        micros.append(int((time.perf_counter() - start) * 1e6))
        if back != line:
            raise RuntimeError(f"connection {cid}: sent {line!r}, got {back!r}")
    return micros


async def echo(reader, writer):
    """The stand-in echo server's connection (added here, so the default run needs nothing else)."""
    try:
        while data := await reader.read(4096):
            writer.write(data)
            await writer.drain()
    except (ConnectionResetError, asyncio.CancelledError):
        pass  # the client hung up, or the loop is closing: end quietly
    writer.close()


async def run(args):
    if args.addr is None:
        server = await asyncio.start_server(echo, "127.0.0.1", 0, backlog=1024)
        args.addr = server.sockets[0].getsockname()[:2]
        blog_spider.log(f"no --addr: started an echo server in this process on {args.addr[0]}:{args.addr[1]}")
    blog_spider.log(f"connecting {args.connections} connections to {args.addr[0]}:{args.addr[1]}")
    conns = [await asyncio.open_connection(*args.addr) for _ in range(args.connections)]
    blog_spider.log(f"holding {len(conns)} connections open at once")
    start = time.perf_counter()
    results = await asyncio.gather(*(round_trips(i, r, w, args.rounds) for i, (r, w) in enumerate(conns, 1)))
    secs = time.perf_counter() - start
    for _, writer in conns:
        writer.close()  # only now: every connection stays open until all are done
    micros, total = sorted(us for rs in results for us in rs), args.connections * args.rounds
    if len(micros) != total:
        raise RuntimeError(f"expected {total} round trips, timed {len(micros)}")
    print(f"check: {args.connections} connections x {args.rounds} rounds = {total} round trips, every echo matched")
    print(f"round trips per second: {total / secs:.0f} ({total} in {secs:.3f} s)")
    q = [micros[min(int(f * total), total - 1)] for f in (0.5, 0.9, 0.99, 0.999)]
    print(f"latency (µs): p50 {q[0]}, p90 {q[1]}, p99 {q[2]}, p99.9 {q[3]}, max {micros[-1]}")


def address(text):
    host, _, port = text.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not HOST:PORT")
    return host, int(port)


p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
p.add_argument("--connections", type=blog_spider.count(1, 1_000_000), default=1000)
p.add_argument("--rounds", type=blog_spider.count(1, 100_000), default=10, help="round trips on each")
p.add_argument("--addr", type=address, help="the echo server (default: start one in this process)")
args = p.parse_args()
per_conn = 1 if args.addr else 2  # the in-process server holds the other end
blog_spider.open_files(args.connections * per_conn + 64, per_conn)  # or one line and exit 1
# Ctrl-C ends it at once: SIGINT's default action, as for the Rust bin. asyncio.run would first
# cancel every connection's task, and Python 3.11's wait_for can lose a cancellation that meets
# a finished read: a connection then runs on through its rounds (seen: over 10 s).
signal.signal(signal.SIGINT, signal.SIG_DFL)
try:
    asyncio.run(run(args))
except (RuntimeError, OSError, asyncio.IncompleteReadError) as e:
    blog_spider.fail(e)

