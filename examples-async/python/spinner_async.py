"""Fluent Python's spinner_asyncio: a spinner task beside a slow coroutine, then cancelled.

Python twin of examples-async/src/bin/spinner_async.rs (the notes, 004, link
spinner_asyncio.py as the coroutine version of spinner_thread). spin() runs as
a Task made with asyncio.create_task; slow() awaits; supervisor() cancels the
spinner, which catches CancelledError and stops (--cancel abort, the default).
--cancel select (added here) mirrors tokio::select!: slow() and spin() both run
as tasks under asyncio.wait(..., return_when=FIRST_COMPLETED), and the loser
is cancelled. On a terminal each frame
redraws one line with \\r; otherwise (a pipe, a test) each frame is an event line.

Run it:
    python3 examples-async/python/spinner_async.py --tick 0.1 --slow-secs 3
    python3 examples-async/python/spinner_async.py --cancel select

About 30 frames, `spinner cancelled after N frames`, then `Answer: 42`.
"""

import argparse
import asyncio
import itertools
import math
import sys
import time

START = time.perf_counter()


def log(msg, who="main"):
    print(f"[{time.perf_counter() - START:7.3f}s {who}] {msg}", flush=True)


def secs(s):
    v = float(s)
    if not math.isfinite(v) or v <= 0 or v > 3600:
        raise argparse.ArgumentTypeError(f"{s} is not a number of seconds more than 0, at most 3600")
    return v


async def spin(msg, tick):
    tty = sys.stdout.isatty()
    frames = 0
    for char in itertools.cycle("\\|/-"):
        frames += 1
        if tty:
            print(f"\r{char} {msg}", end="", flush=True)
        else:
            log(f"{char} {msg}", "spinner")
        try:
            await asyncio.sleep(tick)
        except asyncio.CancelledError:
            break
    if tty:
        print(f"\r{' ' * 20}\r", end="")
    log(f"spinner cancelled after {frames} frames", "spinner")


async def slow(secs):
    log("slow job started")
    await asyncio.sleep(secs)
    log("slow job done")
    return 42


async def supervisor(tick, slow_secs):
    spinner = asyncio.create_task(spin("thinking!", tick))
    log(f"spinner object: {spinner}")
    result = await slow(slow_secs)
    spinner.cancel()
    try:
        await spinner  # let it finish its cleanup
    except asyncio.CancelledError:
        pass
    return result


async def race(tick, slow_secs):
    """--cancel select (added here): tokio::select!'s nearest asyncio form.
    Both run as tasks; the first to finish wins and the other is cancelled."""
    job = asyncio.create_task(slow(slow_secs))
    spinner = asyncio.create_task(spin("thinking!", tick))
    _, pending = await asyncio.wait({job, spinner}, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)  # let them finish their cleanup
    return job.result()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cancel", choices=["abort", "select"], default="abort")
    parser.add_argument("--tick", type=secs, default=0.1)
    parser.add_argument("--slow-secs", type=secs, default=3.0)
    args = parser.parse_args()
    run = supervisor if args.cancel == "abort" else race
    result = asyncio.run(run(args.tick, args.slow_secs))
    print("check: the spinner was cancelled once the slow job answered", flush=True)
    print(f"Answer: {result}", flush=True)


if __name__ == "__main__":
    main()
