"""A blocking call inside a coroutine stalls every other task; asyncio.to_thread fixes it.

Python twin of examples-async/src/bin/blocking_pitfall.rs. The notes' drawback
of asyncio: "很多库不支持，比如requests" ("many libraries don't support it, e.g.
requests"). A blocking wait stands in for requests.get: threading.Event.wait,
which returns when the reply comes or after --block seconds; the reply comes
from the ticker, after its last tick (added here, so no check rests on timing).
Called inside a coroutine (--mode stall) the wait blocks the one thread that
runs every task, so the ticker stops, the reply never comes and the wait runs
out its timeout; `await asyncio.to_thread(reply.wait, block)` (--mode
to-thread, Python 3.9+) runs it on a worker thread and the ticker keeps its pace.

Run it:
    python3 examples-async/python/blocking_pitfall.py --block 1 --tick 0.1

Under stall no tick lands between `blocking call starts` and `blocking call
returned: timed out`; under to-thread ticks 2..5 do, then `returned: answered`.
Each mode prints `ticks while blocked: N`.
"""

import argparse
import asyncio
import math
import sys
import threading
import time

START = time.perf_counter()
state = {"blocked": False, "during": 0}


def log(msg, who="main"):
    print(f"[{time.perf_counter() - START:7.3f}s {who}] {msg}", flush=True)


def secs(s):
    v = float(s)
    if not math.isfinite(v) or v < 0 or v > 3600:
        raise argparse.ArgumentTypeError(f"{s} is not a number of seconds from 0 to 3600")
    return v


def ticks(s):
    n = int(s)
    if not 2 <= n <= 1000:
        raise argparse.ArgumentTypeError(f"{s} is not in 2..=1000")
    return n


async def ticker(n, pace, reply):
    for i in range(1, n + 1):
        during = state["blocked"]
        state["during"] += during
        log(f"tick {i}{' (while blocked)' if during else ''}", "ticker")
        await asyncio.sleep(pace)
    reply.set()  # the reply the blocking call waits for


async def blocker(mode, block, reply):
    log("blocking call starts", "blocker")
    state["blocked"] = True
    if mode == "stall":
        answered = reply.wait(block)  # the pitfall: requests.get(url) blocks like this
    else:
        answered = await asyncio.to_thread(reply.wait, block)  # the fix
    state["blocked"] = False
    log(f"blocking call returned: {'answered' if answered else 'timed out'}", "blocker")


async def run(mode, args):
    reply = threading.Event()
    await asyncio.gather(ticker(args.ticks, args.tick, reply), blocker(mode, args.block, reply))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=["stall", "to-thread", "all"], default="all")
    parser.add_argument("--block", type=secs, default=1.0)
    parser.add_argument("--tick", type=secs, default=0.1)
    parser.add_argument("--ticks", type=ticks, default=5)
    args = parser.parse_args()
    for mode in ["stall", "to-thread"] if args.mode == "all" else [args.mode]:
        log(f"{mode}: a blocking call of {args.block}s beside a ticker")
        state["during"] = 0
        asyncio.run(run(mode, args))
        log(f"{mode}: ticks while blocked: {state['during']}")
        if mode == "stall":
            if state["during"] != 0:
                sys.exit("error: the ticker ran while the thread was blocked?")
            print("check: stall: the blocking call stopped every other task", flush=True)
        elif args.block > args.tick:  # else the call may end before the first tick is due
            if state["during"] == 0:
                sys.exit("error: the ticker never ran during the blocking call")
            print(f"check: {mode}: the ticker kept ticking through the blocking call", flush=True)
        else:
            print(f"note: {mode}: --block is not longer than --tick, so no tick was due during the call", flush=True)


if __name__ == "__main__":
    main()
