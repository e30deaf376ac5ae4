"""A blocking call inside a coroutine stalls every other task; asyncio.to_thread fixes it.

Python twin of examples-async/src/bin/blocking_pitfall.rs. The notes' drawback
of asyncio: "很多库不支持，比如requests" ("many libraries don't support it, e.g.
requests"). A blocking wait stands in for requests.get: threading.Event.wait,
which returns when the reply comes or after --block seconds; the reply comes
from the ticker, after its last tick (added here, so the outcome proves who
ran). Called inside a coroutine (stall) the wait blocks the one thread
that runs every task, so the ticker stops, the reply never comes and the wait
runs out its timeout; `await asyncio.to_thread(reply.wait, block)` (to-thread,
Python 3.9+) runs it on a worker thread and the ticker keeps its pace.

Run it:
    python3 examples-async/python/blocking_pitfall.py --block 1 --tick 0.1

Under stall no tick lands between `blocking call starts` and `blocking call
returned: timed out`; under to-thread ticks 2..5 do, then `returned: answered`.
"""

import argparse
import asyncio
import threading
import os, signal, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "python"))
from blog_spider import log, seconds  # log(msg): `[  0.101s task] msg`, argument types: shared/python/blog_spider.py

CHECKS = {  # what each mode must show: (did the reply come, the check line)
    "stall": (False, "the blocking call stopped every other task"),
    "to-thread": (True, "the ticker kept ticking through the blocking call"),
}


async def ticker(tick, reply):
    for i in range(1, 6):
        log(f"tick {i}")
        await asyncio.sleep(tick)
    reply.set()  # the reply the blocking call waits for: after the last tick, so it comes only if the ticker ran


async def blocker(mode, block, reply):
    log("blocking call starts")
    if mode == "stall":
        answered = reply.wait(block)  # the pitfall: requests.get(url) blocks like this
    else:
        answered = await asyncio.to_thread(reply.wait, block)  # the fix
    log(f"blocking call returned: {'answered' if answered else 'timed out'}")
    return answered


async def side_by_side(mode, args):
    reply = threading.Event()
    tick = asyncio.create_task(ticker(args.tick, reply), name="ticker")
    block = asyncio.create_task(blocker(mode, args.block, reply), name="blocker")
    return (await asyncio.gather(tick, block))[1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--block", type=seconds(0, 3600), default=1.0)
    parser.add_argument("--tick", type=seconds(0, 3600), default=0.1)
    args = parser.parse_args()
    # Ctrl-C ends it at once: SIGINT's default action, as for the Rust bin. In "stall" mode
    # asyncio's own Ctrl-C handling could not run before the blocking call returned, and in
    # "to-thread" mode asyncio.run would wait for the thread: the pitfall, once more.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    for mode, (want, check) in CHECKS.items():
        log(f"{mode}: a blocking call of {args.block}s beside a ticker")
        if asyncio.run(side_by_side(mode, args)) != want:
            sys.exit(f"error: {mode}: the reply {'did not come' if want else 'came'} (give --block longer than 5 ticks)")
        print(f"check: {mode}: {check}")


if __name__ == "__main__":
    main()
