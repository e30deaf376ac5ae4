"""Results in completion order (asyncio.as_completed) versus input order (gather).

Python twin of examples-async/src/bin/as_completed.rs: five coroutines that
wait 3, 1, 4, 0 and 2 s come back shortest wait first from as_completed, and
in input order from gather.

Run it:
    python3 examples-async/python/as_completed.py --delays 3,1,4,0,2

[4, 2, 5, 1, 3] from as_completed, then [1, 2, 3, 4, 5] from gather, and
the `check:` line. Equal delays may come in either order.
"""

import argparse
import asyncio
import os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "python"))
import blog_spider  # log(), argument types: shared/python/blog_spider.py


async def task(i, d):
    asyncio.current_task().set_name(f"task-{i}")  # the name log() prints
    await asyncio.sleep(d)
    blog_spider.log(f"done after {d}s")
    return i


async def main_async(ds):
    n = len(ds)
    got = [await f for f in asyncio.as_completed([task(i, d) for i, d in enumerate(ds, 1)])]
    blog_spider.log(f"as_completed: completion order {got}", "main")
    waits = [ds[i - 1] for i in got]
    if waits != sorted(waits) or sorted(got) != list(range(1, n + 1)):
        sys.exit("error: not every task once, shortest wait first")
    got = await asyncio.gather(*(task(i, d) for i, d in enumerate(ds, 1)))
    blog_spider.log(f"gather: input order {got}", "main")
    if got != list(range(1, n + 1)):
        sys.exit("error: gather lost input order")
    print(f"check: {n} tasks came back once each: shortest wait first, or in input order", flush=True)


def delays(s):
    return [blog_spider.seconds(0, 3600)(part) for part in s.split(",")]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delays", type=delays, default=[3, 1, 4, 0, 2])
    asyncio.run(main_async(parser.parse_args().delays))


if __name__ == "__main__":
    main()
