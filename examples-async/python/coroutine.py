"""Calling an async def runs none of its body: it returns a coroutine object.

Python twin of examples-async/src/bin/coroutine.rs. The coroutine runs only
when awaited; asyncio.create_task schedules it to run when main yields;
a coroutine dropped unawaited never runs (Python then warns
"RuntimeWarning: coroutine 'hello' was never awaited" on stderr; here we
close() it, which says the same thing politely). asyncio.run(main()) is the
notes' "async.run()".

Run it:
    python3 examples-async/python/coroutine.py --pause 0.5

`main` makes the coroutine and waits; `coro-1` says `body runs` only after
`awaiting it now`; `task-2` runs when main yields; `coro-3` never speaks.
"""

import argparse
import asyncio
import os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "python"))
from blog_spider import log, seconds  # log(msg, name), argument types: shared/python/blog_spider.py


async def hello(who):
    log("body runs", who)
    await asyncio.sleep(0.01)
    log("body ends", who)
    return 42


async def main_async(pause):
    coro = hello("coro-1")  # nothing printed: the body has not started
    log(f"made {coro!r}; its body has not run", "main")
    await asyncio.sleep(pause)
    log("awaiting it now", "main")
    log(f"coro-1 answered {await coro}", "main")

    task = asyncio.create_task(hello("task-2"))  # scheduled, not run yet
    log("spawned task-2 and did not await it; yielding", "main")
    await asyncio.sleep(0)  # the loop runs task-2 now
    log("awaiting task-2 now", "main")
    log(f"task-2 answered {await task}", "main")

    coro3 = hello("coro-3")
    coro3.close()  # dropped unawaited: its body never runs
    log("dropped coro-3 unawaited", "main")

    print("check: coro-1 ran only when awaited, task-2 when spawned, coro-3 never")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pause", type=seconds(0, 3600), default=0.5)
    asyncio.run(main_async(parser.parse_args().pause))  # the notes' async.run()


if __name__ == "__main__":
    main()
