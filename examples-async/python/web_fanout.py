"""A web handler that runs its three waits at once: ~0.3 s, not 0.1 + 0.2 + 0.3 = 0.6 s.

Twin of examples-async/src/bin/web_fanout.rs. The catalogue's Flask view
(added here; the notes only say gevent's pywsgi "可以封装flask", "can wrap
Flask") submits read_file() (0.1 s), read_db() (0.2 s) and read_api() (0.3 s)
to a ThreadPoolExecutor. In asyncio the handler awaits asyncio.gather of the
three coroutines instead: one task waits on all three at once. /sequential
awaits them one after another, the slow version to compare against. Standard
library only, so the server is a minimal HTTP/1.1 one on asyncio.start_server
and the client speaks HTTP/1.1 over asyncio.open_connection.

Run: python3 examples-async/python/web_fanout.py            (requests both routes, exits)
     python3 examples-async/python/web_fanout.py --serve --port 8080   (then curl it)
"""

import argparse
import asyncio
import sys
import threading
import time

START = time.perf_counter()
ANSWER = "read_file ok, read_db ok, read_api ok\n"


def log(msg, who=None):
    print(f"[{time.perf_counter() - START:7.3f}s {who or threading.current_thread().name}] {msg}\n", end="", flush=True)


async def read(name, ms):
    """One backend call: a wait of `ms`, standing in for a file, a database or an API."""
    log(f"started ({ms} ms)", name)
    await asyncio.sleep(ms / 1000)
    log("done", name)
    return f"{name} ok"


async def fanout():
    """The lesson: all three waits in flight at once; the answer comes after the longest."""
    file, db, api = await asyncio.gather(read("read_file", 100), read("read_db", 200), read("read_api", 300))
    return f"{file}, {db}, {api}\n"


async def sequential():
    """The slow version: each wait starts when the one before has finished."""
    file = await read("read_file", 100)
    db = await read("read_db", 200)
    api = await read("read_api", 300)
    return f"{file}, {db}, {api}\n"


async def handle(reader, writer):
    """A minimal HTTP/1.1 server: one request per connection."""
    try:
        request = await reader.readuntil(b"\r\n\r\n")
        path = request.split(b" ")[1].decode()
        routes = {"/fanout": fanout, "/sequential": sequential}
        status, body = ("200 OK", await routes[path]()) if path in routes else ("404 Not Found", "not found\n")
        data = body.encode()
        writer.write(f"HTTP/1.1 {status}\r\nContent-Length: {len(data)}\r\n"
                     f"Content-Type: text/plain\r\nConnection: close\r\n\r\n".encode() + data)
        await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError, IndexError):
        pass
    writer.close()


async def get(host, port, path):
    """HTTP/1.1 GET over asyncio.open_connection; returns the body (errors on non-200)."""
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n\r\n".encode())
    await writer.drain()
    response = await reader.read()  # the server closes the connection after the body
    writer.close()
    head, _, body = response.partition(b"\r\n\r\n")
    status = head.split(b"\r\n")[0].decode()
    if " 200 " not in status + " ":
        raise RuntimeError(f"GET {path}: {status}")
    return body.decode()


async def main_async(args):
    server = await asyncio.start_server(handle, "127.0.0.1", args.port)
    host, port = server.sockets[0].getsockname()[:2]
    base = f"http://{host}:{port}"
    log(f"serving {base}/fanout and {base}/sequential")
    if args.serve:
        async with server:
            await server.serve_forever()
    worst = {}
    for route in ["sequential", "fanout"]:
        for n in range(1, args.requests + 1):
            start = time.perf_counter()
            body = await get(host, port, f"/{route}")
            took = time.perf_counter() - start
            if body != ANSWER:
                raise RuntimeError(f"unexpected answer {body!r}")
            log(f"GET /{route} #{n}: answered in {took:.3f} s")
            worst[route] = max(worst.get(route, 0), took)
    server.close()
    print(f"check: every answer complete; slowest /sequential {worst['sequential']:.3f} s, "
          f"slowest /fanout {worst['fanout']:.3f} s (the longest wait is 0.300 s)")


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
    p.add_argument("--serve", action="store_true")
    p.add_argument("--port", type=bounded(0, 65535), default=0)
    p.add_argument("--requests", type=bounded(1, 100), default=2)
    args = p.parse_args()
    try:
        asyncio.run(main_async(args))
    except KeyboardInterrupt:
        log("Ctrl-C: shutting down")
    except (OSError, RuntimeError) as e:
        print(f"error: {e}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
