"""One event loop, many connections: an asyncio echo server (pair: echo_client.py).

Twin of examples-async/src/bin/echo_server.rs. asyncio.start_server runs one
coroutine per connection on one thread: the Redis shape, which the notes put
as 「处理网络请求采用单线程+使用多路I/O复用模型」 ("handles network requests with
a single thread plus I/O multiplexing"). asyncio has one loop per thread, so
there is no --flavor: the Rust bin's `current-thread` is what this is. At exit
(Ctrl-C or --max-seconds) it says what it served and its peak RSS (getrusage;
not on Windows).

Run, in one terminal:  python3 examples-async/python/echo_server.py --port 7000
in another:            python3 examples-async/python/echo_client.py --addr 127.0.0.1:7000 --connections 1000
then press Ctrl-C in the first.
"""

import argparse, asyncio, os, sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "python"))
import blog_spider  # log() and the argument types: shared/python/blog_spider.py

stats = {"open": 0, "most_open": 0, "accepted": 0, "bytes": 0}  # one thread: no lock needed


async def echo(reader, writer):
    """One connection: read what is there, write it back, until the client hangs up."""
    stats["accepted"] += 1
    stats["open"] += 1
    stats["most_open"] = max(stats["most_open"], stats["open"])
    try:
        while data := await reader.read(4096):
            writer.write(data)
            await writer.drain()
            stats["bytes"] += len(data)
    except (ConnectionResetError, asyncio.CancelledError):
        pass  # the client hung up, or the loop is closing (Ctrl-C): end quietly
    finally:
        stats["open"] -= 1
        writer.close()


async def serve(args):
    server = await asyncio.start_server(echo, "127.0.0.1", args.port, backlog=1024)
    blog_spider.log(f"listening on 127.0.0.1:{server.sockets[0].getsockname()[1]}")
    async with server:  # serve until Ctrl-C, or for --max-seconds
        await (server.serve_forever() if args.max_seconds is None else asyncio.sleep(args.max_seconds))
    blog_spider.log("--max-seconds reached: shutting down")


p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
p.add_argument("--port", type=blog_spider.count(0, 65535), default=0, help="0 picks a free one")
p.add_argument("--max-seconds", type=blog_spider.seconds(0, 3600), help="stop by itself after this long")
args = p.parse_args()
blog_spider.open_files()  # each connection is a file descriptor: the soft limit up to the hard one
rss_at_start = blog_spider.peak_rss()  # bytes (getrusage); None where not measured
try:
    asyncio.run(serve(args))
except KeyboardInterrupt:
    blog_spider.log("Ctrl-C: shutting down")
except OSError as e:
    blog_spider.fail(f"cannot listen on 127.0.0.1:{args.port}: {e}")
most, peak = stats["most_open"], blog_spider.peak_rss()
blog_spider.log(f"served {stats['accepted']} connections (at most {most} open at once), {stats['bytes']} bytes echoed")
if peak is not None and most:  # memory, where getrusage measures it (not on Windows)
    blog_spider.log(f"peak RSS {peak / (1 << 20):.1f} MiB; {(peak - rss_at_start) // most} bytes more per connection than at start")

