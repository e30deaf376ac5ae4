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
import os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "python"))
from blog_spider import count, log, seconds  # log(msg, name), argument types: shared/python/blog_spider.py


async def ticker(n, delay):
    for i in range(1, n + 1):
        log(f"making {i}", "generator")  # one task, two speakers: name each line
        await asyncio.sleep(delay)
        log(f"yielding {i}", "generator")
        yield i


async def main_async(n, delay):
    log("async generator: async def ... yield i", "main")
    async for x in ticker(n, delay):
        log(f"got {x}", "consumer")
    log("stream ended", "consumer")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=count(0, 1000), default=5)
    parser.add_argument("--delay", type=seconds(0, 3600), default=0.2)
    args = parser.parse_args()
    asyncio.run(main_async(args.count, args.delay))


if __name__ == "__main__":
    main()
