"""Await 10 producers one after another (~10 s), together (~1 s), or through an asyncio.Queue.

Python twin of examples-async/src/bin/producer_consumer_async.rs.
  sequential  for i in ...: items.append(await produce(i))
  concurrent  await asyncio.gather(*(produce(i) for i in ...))
  queue       (or --mode mpsc, the Rust name) producer tasks `await q.put(item)` into asyncio.Queue(4); the
              consumer `await q.get()`s until a None sentinel (an asyncio.Queue
              has no close before 3.13's Queue.shutdown(), unlike tokio's mpsc,
              which closes when its Senders are dropped)

Run it:
    python3 examples-async/python/producer_consumer_async.py --producers 10 --delay 1
"""

import argparse
import asyncio
import math
import sys
import time

START = time.perf_counter()


def log(msg, who="main"):
    print(f"[{time.perf_counter() - START:7.3f}s {who}] {msg}", flush=True)


def secs(s):
    v = float(s)
    if not math.isfinite(v) or v < 0 or v > 3600:
        raise argparse.ArgumentTypeError(f"{s} is not a number of seconds from 0 to 3600")
    return v


def producers(s):
    n = int(s)
    if not 1 <= n <= 1000:
        raise argparse.ArgumentTypeError(f"{s} is not in 1..=1000")
    return n


async def produce(i, delay):
    log("start", f"producer-{i}")
    await asyncio.sleep(delay)
    log(f"done: item {i * 10}", f"producer-{i}")
    return i * 10


async def run(mode, n, delay):
    if mode == "sequential":
        items = []
        for i in range(1, n + 1):
            items.append(await produce(i, delay))  # waits for this one first
    elif mode == "concurrent":
        items = await asyncio.gather(*(produce(i, delay) for i in range(1, n + 1)))
    else:
        q = asyncio.Queue(4)

        async def producer(i):
            await q.put(await produce(i, delay))

        async def close_when_done(tasks):
            await asyncio.gather(*tasks)
            await q.put(None)  # the sentinel: no more items

        closer = asyncio.create_task(close_when_done([asyncio.create_task(producer(i)) for i in range(1, n + 1)]))
        items = []
        while (item := await q.get()) is not None:
            log(f"got item {item}", "consumer")
            items.append(item)
        log("queue closed: got the sentinel", "consumer")
        await closer
    if len(items) != n or sum(items) != sum(i * 10 for i in range(1, n + 1)):
        sys.exit("error: items lost")
    print(f"check: {mode}: {n} items, each once", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # "mpsc" is the Rust bin's name for the same mode, accepted so both take the same flags.
    parser.add_argument("--mode", choices=["sequential", "concurrent", "queue", "mpsc", "all"], default="all")
    parser.add_argument("--producers", type=producers, default=10)
    parser.add_argument("--delay", type=secs, default=1.0)
    args = parser.parse_args()
    if args.mode == "mpsc":
        args.mode = "queue"
    for mode in ["sequential", "concurrent", "queue"] if args.mode == "all" else [args.mode]:
        log(f"{mode}: {args.producers} producers of {args.delay}s each")
        begin = time.perf_counter()
        asyncio.run(run(mode, args.producers, args.delay))
        print(f"{mode}, cost = {time.perf_counter() - begin:.3f} seconds", flush=True)


if __name__ == "__main__":
    main()
