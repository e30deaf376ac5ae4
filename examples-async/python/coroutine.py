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


async def hello(who):
    log("body runs", who)
    await asyncio.sleep(0.01)
    log("body ends", who)
    return 42


async def main_async(pause):
    coro = hello("coro-1")  # nothing printed: the body has not started
    log(f"made {coro!r}; its body has not run")
    await asyncio.sleep(pause)
    log("awaiting it now")
    answer = await coro
    log(f"coro-1 answered {answer}")

    task = asyncio.create_task(hello("task-2"))  # scheduled, not run yet
    log("spawned task-2 and did not await it; yielding")
    await asyncio.sleep(0)  # the loop runs task-2 now
    log("awaiting task-2 now")
    answer2 = await task
    log(f"task-2 answered {answer2}")

    coro3 = hello("coro-3")
    coro3.close()  # dropped unawaited: its body never runs
    log("dropped coro-3 unawaited")

    if answer != 42 or answer2 != 42:
        sys.exit("error: wrong answers")
    print("check: coro-1 ran only when awaited, task-2 when spawned, coro-3 never", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pause", type=secs, default=0.5)
    args = parser.parse_args()
    asyncio.run(main_async(args.pause))  # the notes' async.run()


if __name__ == "__main__":
    main()
