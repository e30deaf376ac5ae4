"""Await 10 producers one after another (~10 s), or together (~1 s).

Python twin of examples-async/src/bin/producer_consumer_async.rs:
sequential (`[await produce(i) for i in ...]`: each awaited before the next
starts) against concurrent (`await asyncio.gather(...)`). Producers feeding a
consumer through an asyncio.Queue: async_queue.py.

Run it:
    python3 examples-async/python/producer_consumer_async.py --producers 10 --delay 1
"""

import argparse
import asyncio
import os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "python"))
import blog_spider  # log(), timed(), argument types: shared/python/blog_spider.py
from blog_spider import log


async def produce(i, delay):
    log("start", f"producer-{i}")  # log(msg, name): this line's row
    await asyncio.sleep(delay)
    log(f"done: item {i * 10}", f"producer-{i}")
    return i * 10


async def sequential(n, delay):
    return [await produce(i, delay) for i in range(1, n + 1)]  # each awaited before the next starts


async def concurrent(n, delay):
    return await asyncio.gather(*(produce(i, delay) for i in range(1, n + 1)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--producers", type=blog_spider.count(1, 1000), default=10)
    parser.add_argument("--delay", type=blog_spider.seconds(0, 3600), default=1.0)
    args = parser.parse_args()
    n = args.producers
    for label, way in [("sequential", sequential), ("concurrent", concurrent)]:
        log(f"{label}: {n} producers")
        with blog_spider.timed(label):  # `label, cost = X seconds`
            items = asyncio.run(way(n, args.delay))
        if len(items) != n or sum(items) != sum(i * 10 for i in range(1, n + 1)):
            sys.exit("error: items lost")
        print(f"check: {label}: {n} items, each once", flush=True)


if __name__ == "__main__":
    main()
