"""Fluent Python's spinner_asyncio: a spinner task beside a slow coroutine, then cancelled.

Python twin of examples-async/src/bin/spinner_async.rs (the notes, 004, link
spinner_asyncio.py as the coroutine version of spinner_thread). spin() runs as
a Task made with asyncio.create_task; slow() awaits; supervisor() cancels the
spinner, which catches CancelledError and stops (--cancel abort, the default).
--cancel select (added here) mirrors tokio::select!: slow() and spin() race
under asyncio.wait(..., return_when=FIRST_COMPLETED), and the spinner, which
never ends by itself, is cancelled. On a terminal each frame redraws one line
in place; otherwise (a pipe, a test) each frame is an event line.

Run it:
    python3 examples-async/python/spinner_async.py --tick 0.1 --slow-secs 3
    python3 examples-async/python/spinner_async.py --cancel select

About 30 frames, `spinner cancelled after N frames`, then `Answer: 42`.
"""

import argparse
import asyncio
import itertools
import os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "python"))
from blog_spider import log, positive_seconds  # log(msg, name): `[  0.101s task] msg`, shared/python/blog_spider.py


async def spin(msg, tick):
    frames = 0
    for char in itertools.cycle("\\|/-"):
        frames += 1
        if sys.stdout.isatty():  # end at the line's start: the next frame, or the next (longer) log line, overwrites it
            print(f"\r{char} {msg}\r", end="", flush=True)
        else:
            log(f"{char} {msg}")
        try:
            await asyncio.sleep(tick)
        except asyncio.CancelledError:
            break
    log(f"spinner cancelled after {frames} frames")


async def slow(secs):
    log("slow job started", "main")  # in main's task (as the bin's main future)
    await asyncio.sleep(secs)
    log("slow job done", "main")
    return 42


async def supervisor(args):
    spinner = asyncio.create_task(spin("thinking!", args.tick), name="spinner")
    log(f"spinner object: {spinner}", "main")
    if args.cancel == "abort":
        result = await slow(args.slow_secs)
    else:  # select (added here): the first of the two to finish wins
        job = asyncio.create_task(slow(args.slow_secs))
        await asyncio.wait({job, spinner}, return_when=asyncio.FIRST_COMPLETED)
        result = job.result()
    spinner.cancel()  # asyncio.run lets it finish its cleanup before it returns
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cancel", choices=["abort", "select"], default="abort")
    parser.add_argument("--tick", type=positive_seconds, default=0.1)
    parser.add_argument("--slow-secs", type=positive_seconds, default=3.0)
    result = asyncio.run(supervisor(parser.parse_args()))
    print("check: the spinner was cancelled once the slow job answered")
    print(f"Answer: {result}")


if __name__ == "__main__":
    main()
