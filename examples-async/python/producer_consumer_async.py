"""Await 10 producers one after another (~10 s), together (~1 s), or through an asyncio.Queue.

Python twin of examples-async/src/bin/producer_consumer_async.rs:
sequential (`for i in ...: items.append(await produce(i))`), concurrent
(`await asyncio.gather(...)`), and queue: producer tasks `await q.put(item)`
into an asyncio.Queue(4) that a consumer `await q.get()`s from until a None
sentinel (an asyncio.Queue has no close before 3.13's Queue.shutdown(), unlike
tokio's mpsc, which closes when its Senders are dropped).

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
    asyncio.current_task().set_name(f"producer-{i}")  # the name log() prints for the running task
    log("start")
    await asyncio.sleep(delay)
    log(f"done: item {i * 10}")
    return i * 10


async def sequential(n, delay):
    return [await produce(i, delay) for i in range(1, n + 1)]  # each awaited before the next starts


async def concurrent(n, delay):
    return await asyncio.gather(*(produce(i, delay) for i in range(1, n + 1)))


async def through_queue(n, delay):
    q = asyncio.Queue(4)  # bounded: put() waits while it is full

    async def producer(i):
        await q.put(await produce(i, delay))

    async def close_when_done():
        await asyncio.gather(*(producer(i) for i in range(1, n + 1)))
        await q.put(None)  # the sentinel: no more items

    closer = asyncio.create_task(close_when_done())
    asyncio.current_task().set_name("consumer")
    items = []
    while (item := await q.get()) is not None:
        log(f"got item {item}")
        items.append(item)
    log("queue closed: got the sentinel")
    await closer
    return items


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--producers", type=blog_spider.count(1, 1000), default=10)
    parser.add_argument("--delay", type=blog_spider.seconds(0, 3600), default=1.0)
    args = parser.parse_args()
    n = args.producers
    for label, way in [("sequential", sequential), ("concurrent", concurrent), ("queue", through_queue)]:
        log(f"{label}: {n} producers")
        with blog_spider.timed(label):  # `label, cost = X seconds`
            items = asyncio.run(way(n, args.delay))
        if len(items) != n or sum(items) != sum(i * 10 for i in range(1, n + 1)):
            sys.exit("error: items lost")
        print(f"check: {label}: {n} items, each once", flush=True)


if __name__ == "__main__":
    main()
