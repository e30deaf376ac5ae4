"""Fluent Python's spinner_asyncio: a spinner task beside a slow coroutine, then cancelled.

Python twin of examples-async/src/bin/spinner_async.rs (the notes, 004, link
spinner_asyncio.py as the coroutine version of spinner_thread). spin() runs as
a Task made with asyncio.create_task; slow() awaits; supervisor() cancels the
spinner, which catches CancelledError and stops (--cancel abort, the default).
--cancel select (added here) mirrors tokio::select!: slow() and spin() race
under asyncio.wait(..., return_when=FIRST_COMPLETED), and the loser is
cancelled. On a terminal each frame redraws one line in place; otherwise (a
pipe, a test) each frame is an event line.

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
import blog_spider  # log(), argument types: shared/python/blog_spider.py


async def spin(msg, tick):
    tty, frames = sys.stdout.isatty(), 0
    for char in itertools.cycle("\\|/-"):
        frames += 1
        if tty:  # end at the line's start: the next frame, or the next (longer) log line, overwrites it
            print(f"\r{char} {msg}\r", end="", flush=True)
        else:
            blog_spider.log(f"{char} {msg}")
        try:
            await asyncio.sleep(tick)
        except asyncio.CancelledError:
            break
    blog_spider.log(f"spinner cancelled after {frames} frames")


async def slow(secs):
    blog_spider.log("slow job started", "main")  # in main's task (as the bin's main future)
    await asyncio.sleep(secs)
    blog_spider.log("slow job done", "main")
    return 42


async def supervisor(tick, slow_secs):
    spinner = asyncio.create_task(spin("thinking!", tick), name="spinner")
    blog_spider.log(f"spinner object: {spinner}", "main")
    result = await slow(slow_secs)
    spinner.cancel()
    await asyncio.gather(spinner, return_exceptions=True)  # let it finish its cleanup
    return result


async def race(tick, slow_secs):
    """--cancel select (added here): the first of the two to finish wins, the other is cancelled."""
    job = asyncio.create_task(slow(slow_secs))
    spinner = asyncio.create_task(spin("thinking!", tick), name="spinner")
    _, pending = await asyncio.wait({job, spinner}, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)  # let them finish their cleanup
    return job.result()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cancel", choices=["abort", "select"], default="abort")
    parser.add_argument("--tick", type=blog_spider.positive_seconds, default=0.1)
    parser.add_argument("--slow-secs", type=blog_spider.positive_seconds, default=3.0)
    args = parser.parse_args()
    run = supervisor if args.cancel == "abort" else race
    result = asyncio.run(run(args.tick, args.slow_secs))
    print("check: the spinner was cancelled once the slow job answered", flush=True)
    print(f"Answer: {result}", flush=True)


if __name__ == "__main__":
    main()
