"""An async generator (async def + yield) consumed with async for.

Python twin of examples-async/src/bin/async_stream.rs. The notes (Chapter13):
"可以透過 async、yield 和 AsyncIterator 實作非同步產生器，並搭配 async for 迭代非同步迭代器"
("with async, yield and AsyncIterator you can write an async generator, and
iterate the asynchronous iterator with async for"). The generator is lazy:
its body runs only when `async for` asks for the next item.

Run it:
    python3 examples-async/python/async_stream.py --count 3

For each i: `making i`, `yielding i`, then `got i`; then `stream ended`.
"""

import argparse
import asyncio
import sys
import time

START = time.perf_counter()


def log(msg, who="main"):  # shared's event line: `[  0.503s who] msg`
    print(f"[{time.perf_counter() - START:7.3f}s {who}] {msg}", flush=True)


def secs(s):
    v = float(s)
    if not 0 <= v <= 3600:  # False for NaN too
        raise argparse.ArgumentTypeError(f"{s} is not a number of seconds from 0 to 3600")
    return v


def count(s):
    n = int(s)
    if not 0 <= n <= 1000:
        raise argparse.ArgumentTypeError(f"{s} is not in 0..=1000")
    return n


async def ticker(n, delay):
    for i in range(1, n + 1):
        log(f"making {i}", "generator")
        await asyncio.sleep(delay)
        log(f"yielding {i}", "generator")
        yield i


async def main_async(n, delay):
    log("async generator: async def ... yield i")
    got = []
    async for x in ticker(n, delay):
        log(f"got {x}", "consumer")
        got.append(x)
    log("stream ended", "consumer")
    if got != list(range(1, n + 1)):
        sys.exit(f"error: items out of order: {got}")
    print(f"check: {len(got)} items, in order, each made only when asked for", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=count, default=5)
    parser.add_argument("--delay", type=secs, default=0.2)
    args = parser.parse_args()
    asyncio.run(main_async(args.count, args.delay))


if __name__ == "__main__":
    main()
