"""One event loop, many connections: an asyncio echo server (pair: echo_client.py).

Twin of examples-async/src/bin/echo_server.rs. asyncio.start_server runs one
coroutine per connection on one thread: the Redis shape, which the notes put
as 「处理网络请求采用单线程+使用多路I/O复用模型」 ("handles network requests with
a single thread plus I/O multiplexing"). asyncio has one loop per thread, so there
is no --flavor: the Rust bin's `current-thread` is what this is. At exit
(Ctrl-C or --max-seconds) it prints what it served and its peak RSS
(resource.getrusage; not measured on Windows).

Run, in one terminal:  python3 examples-async/python/echo_server.py --port 7000
in another:            python3 examples-async/python/echo_client.py --addr 127.0.0.1:7000 --connections 1000
then press Ctrl-C in the first.
"""

import argparse
import asyncio
import math
import sys
import threading
import time

try:
    import resource
except ImportError:  # Windows
    resource = None

START = time.perf_counter()


def log(msg, who=None):
    print(f"[{time.perf_counter() - START:7.3f}s {who or threading.current_thread().name}] {msg}\n", end="", flush=True)


def peak_rss_bytes():
    if resource is None:
        return 0
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb if sys.platform == "darwin" else kb * 1024  # macOS reports bytes, Linux KiB


class Stats:
    open = most_open = accepted = bytes = 0


async def echo(reader, writer, stats):
    """One connection: read what is there, write it back, until the client hangs up."""
    stats.accepted += 1
    stats.open += 1
    stats.most_open = max(stats.most_open, stats.open)
    try:
        while data := await reader.read(4096):
            writer.write(data)
            await writer.drain()
            stats.bytes += len(data)
    except (ConnectionResetError, asyncio.CancelledError):
        pass  # the client hung up, or the loop is closing (Ctrl-C): end quietly
    finally:
        stats.open -= 1
        writer.close()


async def serve(port, max_seconds, stats):
    server = await asyncio.start_server(lambda r, w: echo(r, w, stats), "127.0.0.1", port, backlog=1024)
    host, port = server.sockets[0].getsockname()[:2]
    log(f"listening on {host}:{port}")
    async with server:
        if max_seconds is None:
            await server.serve_forever()
        else:
            await asyncio.sleep(max_seconds)
            log("--max-seconds reached: shutting down")


def seconds(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(value) or value < 0 or value > 3600:  # the Rust bin's maximum
        raise argparse.ArgumentTypeError(f"{text} is not a number of seconds from 0 to 3600")
    return value


def port(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{value} is not in 0..=65535")
    return value


def main():
    threading.current_thread().name = "main"  # the name Rust gives it, so the lines match
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--port", type=port, default=0)
    p.add_argument("--max-seconds", type=seconds, default=None)
    args = p.parse_args()
    if resource is not None:  # each connection is a file descriptor: soft limit up to the hard one
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        log(f"up to {hard} open files (RLIMIT_NOFILE)")
    stats, rss_at_start = Stats(), peak_rss_bytes()
    try:
        asyncio.run(serve(args.port, args.max_seconds, stats))
    except KeyboardInterrupt:
        log("Ctrl-C: shutting down")
    except OSError as e:
        print(f"error: cannot listen on 127.0.0.1:{args.port}: {e}", file=sys.stderr)
        sys.exit(1)
    log(f"served {stats.accepted} connections (at most {stats.most_open} open at once), {stats.bytes} bytes echoed")
    if resource is not None:
        peak = peak_rss_bytes()
        per_conn = max(peak - rss_at_start, 0) // max(stats.most_open, 1)
        log(f"peak RSS {peak / (1 << 20):.1f} MiB; {per_conn} bytes more per connection than at start"
            if stats.most_open else f"peak RSS {peak / (1 << 20):.1f} MiB")
    else:
        log("peak RSS is not measured on this OS")


if __name__ == "__main__":
    main()
