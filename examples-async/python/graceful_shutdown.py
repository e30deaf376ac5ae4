"""Graceful shutdown: the async crawler stopped well by Ctrl-C (or --stop-after SECONDS).

Twin of examples-async/src/bin/graceful_shutdown.rs (added here). Two worker
tasks in a TaskGroup take pages from one iterator; loop.add_signal_handler
(SIGINT, ...) sets an Event instead of raising KeyboardInterrupt, the
workers check it between pages, so the pages in flight finish; then the
account of every URL (done / not started) and exit code 130. On Windows the
loop has no add_signal_handler (NotImplementedError); there signal.signal's
handler hands the stop to the loop with call_soon_threadsafe (without either,
asyncio.run cancels every task on Ctrl-C, in flight too).

The site must be running. In one terminal:
    cargo run -p shared --bin blog-site -- --latency-ms 500
in another (press Ctrl-C after a few pages):
    python3 examples-async/python/graceful_shutdown.py    (or --stop-after 1.2)
"""

import argparse, asyncio, os, signal, sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "python"))
import blog_spider  # the crawl client, log(), argument types: shared/python/blog_spider.py


async def worker(todo, stop):
    while not stop.is_set() and (item := next(todo, None)):  # the stop is checked between pages
        page, url = item
        blog_spider.log(f"page {page}: started")
        fetched = await blog_spider.async_fetch(url, args)  # in flight: left to finish
        blog_spider.log(f"page {page}: {len(blog_spider.parse(fetched.body))} posts" if fetched.body else f"page {page}: failed")


async def main(urls):
    stop, todo, loop = asyncio.Event(), enumerate(urls, 1), asyncio.get_running_loop()
    def stop_asked(why):
        blog_spider.log(f"{why}: no new pages; the pages in flight finish")
        stop.set()
    try:
        loop.add_signal_handler(signal.SIGINT, stop_asked, "Ctrl-C")  # the loop runs it, as a callback
    except NotImplementedError:  # Windows: a plain handler, which hands the stop to the loop
        signal.signal(signal.SIGINT, lambda *_: loop.call_soon_threadsafe(stop_asked, "Ctrl-C"))
    if args.stop_after:
        loop.call_later(args.stop_after, stop_asked, "--stop-after")
    async with asyncio.TaskGroup() as tg:
        for w in (1, 2):
            tg.create_task(worker(todo, stop), name=f"worker-{w}")
    not_started = [page for page, _ in todo]
    print(f"account: {len(urls)} pages: {len(urls) - len(not_started)} done, {len(not_started)} not started {not_started}")
    return stop.is_set()


p = blog_spider.add_crawl_args(argparse.ArgumentParser(description=__doc__.splitlines()[0]))
p.add_argument("--stop-after", type=blog_spider.positive_seconds, help="stop as a Ctrl-C does, after SECONDS")
args = p.parse_args()
sys.exit(130 if asyncio.run(main(blog_spider.urls(args))) else 0)
