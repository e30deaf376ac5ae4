"""The load side of "one event loop, many connections" (pair: echo_server.py).

Twin of examples-async/src/bin/echo_client.rs. Opens --connections connections
one after another and holds them all open at once, then runs --rounds round
trips on each, one coroutine per connection (asyncio.gather), checking every
echo; reports round trips per second and latency percentiles (sorted
microseconds, standing in for the Rust bin's hdrhistogram). On Unix it raises
its soft RLIMIT_NOFILE to the hard limit and says clearly when the
connections cannot fit. Without --addr it starts an echo server in this
process (added here), which doubles the descriptors needed.

Run: python3 examples-async/python/echo_client.py --connections 1000 --rounds 10
or against a running echo server: ... --addr 127.0.0.1:7000
"""

import argparse
import asyncio
import sys
import threading
import time

try:
    import resource
except ImportError:  # Windows: no RLIMIT_NOFILE
    resource = None

START = time.perf_counter()


def log(msg, who=None):
    print(f"[{time.perf_counter() - START:7.3f}s {who or threading.current_thread().name}] {msg}\n", end="", flush=True)


async def round_trips(cid, reader, writer, rounds, done):
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
            raise ValueError(f"connection {cid}: sent {line!r}, got {back!r}")
        done[0] += 1
    return micros


async def in_process_server():
    """The stand-in server for the self-contained run (added here)."""
    async def echo(reader, writer):
        try:
            while data := await reader.read(4096):
                writer.write(data)
                await writer.drain()
        except (ConnectionResetError, asyncio.CancelledError):
            pass  # the client hung up, or the loop is closing: end quietly
        writer.close()
    server = await asyncio.start_server(echo, "127.0.0.1", 0, backlog=1024)
    return server, server.sockets[0].getsockname()[:2]


async def run(args, done):
    server = None
    if args.addr is None:
        server, addr = await in_process_server()
        log(f"no --addr: started an echo server in this process on {addr[0]}:{addr[1]}")
    else:
        addr = args.addr
    log(f"connecting {args.connections} connections to {addr[0]}:{addr[1]}")
    conns = []
    for i in range(1, args.connections + 1):
        try:
            conns.append(await asyncio.open_connection(*addr))
        except OSError as e:
            raise RuntimeError(f"connection {i} to {addr[0]}:{addr[1]} failed: {e}") from None
    log(f"holding {len(conns)} connections open at once")
    start = time.perf_counter()
    results = await asyncio.gather(*(round_trips(i, r, w, args.rounds, done)
                                     for i, (r, w) in enumerate(conns, start=1)))
    secs = time.perf_counter() - start
    for _, w in conns:
        w.close()
    if server:
        server.close()
    micros = sorted(us for rs in results for us in rs)
    total = args.connections * args.rounds
    if len(micros) != total:
        raise RuntimeError(f"expected {total} round trips, timed {len(micros)}")
    print(f"check: {args.connections} connections x {args.rounds} rounds = {total} round trips, every echo matched")
    print(f"round trips per second: {total / secs:.0f} ({total} in {secs:.3f} s)")
    q = lambda f: micros[min(int(f * len(micros)), len(micros) - 1)]  # noqa: E731
    print(f"latency (µs): p50 {q(0.5)}, p90 {q(0.9)}, p99 {q(0.99)}, p99.9 {q(0.999)}, max {micros[-1]}")


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


def address(text):
    host, sep, port = text.rpartition(":")
    if not sep or not port.isdigit() or not 0 < int(port) <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not HOST:PORT")
    return host, int(port)


def ensure_open_files(needed, per_conn):
    """Raises the soft open-file limit as far as the hard one; a clear error if `needed` cannot fit."""
    if resource is None:
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    limit = hard if hard == resource.RLIM_INFINITY else min(max(soft, needed), hard)
    if limit > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (limit, hard))
    if hard != resource.RLIM_INFINITY and hard < needed:
        extra = (" with the in-process server", ", or run echo_server separately and pass --addr") if per_conn == 2 else ("", "")
        print(f"error: too many connections: they need {needed} open files ({per_conn} per connection{extra[0]}, "
              f"plus 64 spare), but this process may open at most {hard} (the hard limit, `ulimit -Hn`). "
              f"Ask for fewer{extra[1]}.", file=sys.stderr)
        sys.exit(1)


def main():
    threading.current_thread().name = "main"  # the name Rust gives it, so the lines match
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--connections", type=bounded(1, 1_000_000), default=1000)
    p.add_argument("--rounds", type=bounded(1, 100_000), default=10)
    p.add_argument("--addr", type=address, default=None)
    args = p.parse_args()
    per_conn = 1 if args.addr else 2
    ensure_open_files(args.connections * per_conn + 64, per_conn)
    done = [0]
    try:
        asyncio.run(run(args, done))
    except KeyboardInterrupt:
        log(f"Ctrl-C: stopping after {done[0]} round trips")
    except (RuntimeError, ValueError, OSError, asyncio.IncompleteReadError) as e:
        print(f"error: {e}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
