"""Producers put items into an asyncio.Queue while a consumer gets them as they come.

Python twin of examples-async/src/bin/async_queue.rs: producer tasks
`await q.put(item)` into an asyncio.Queue(4) (bounded: put() waits while it
is full); the consumer `await q.get()`s until a None sentinel, put once every
producer is done: an asyncio.Queue has no close before 3.13's
Queue.shutdown(), unlike tokio's mpsc, which closes when its Senders are dropped.

Run it:
    python3 examples-async/python/async_queue.py --producers 10 --delay 1
"""

import argparse
import asyncio
import os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "python"))
import blog_spider  # log(), timed(), argument types: shared/python/blog_spider.py
from blog_spider import log


async def produce(i, delay):
    log("start")
    await asyncio.sleep(delay)
    log(f"done: item {i * 10}")
    return i * 10


async def main_async(n, delay):
    q = asyncio.Queue(4)

    async def producer(i):
        await q.put(await produce(i, delay))

    async def close_when_done():
        await asyncio.gather(*(asyncio.create_task(producer(i), name=f"producer-{i}") for i in range(1, n + 1)))
        await q.put(None)  # the sentinel: no more items

    closer = asyncio.create_task(close_when_done())
    items = []
    while (item := await q.get()) is not None:
        log(f"got item {item}", "consumer")
        items.append(item)
    log("queue closed: got the sentinel", "consumer")
    await closer
    return items


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--producers", type=blog_spider.count(1, 1000), default=10)
    parser.add_argument("--delay", type=blog_spider.seconds(0, 3600), default=1.0)
    args = parser.parse_args()
    log(f"queue: {args.producers} producers")
    with blog_spider.timed("queue"):  # `queue, cost = X seconds`
        items = asyncio.run(main_async(args.producers, args.delay))
    if sorted(items) != [i * 10 for i in range(1, args.producers + 1)]:
        sys.exit("error: items lost")
    print(f"check: queue: {len(items)} items, each once")


if __name__ == "__main__":
    main()
