"""Results in completion order (asyncio.as_completed) versus input order (gather).

Python twin of examples-async/src/bin/as_completed.rs: five coroutines that
wait 3, 1, 4, 0 and 2 s come back shortest wait first from as_completed, and
in input order from gather.

--paused (added here) stands in for tokio's paused clock, which asyncio does
not have: VirtualClock.sleep() takes no real time; once every task is asleep
it wakes them in deadline order (ties in input order). The event loop runs
woken tasks first come, first served, so they finish in that order.

Run it:
    python3 examples-async/python/as_completed.py --delays 3,1,4,0,2

task-4 task-2 task-5 task-1 task-3 from as_completed, then task-1 .. task-5
from gather, and the `check:` line.
"""

import argparse
import asyncio
import math
import sys
import time

START = time.perf_counter()


def log(msg, who="main"):
    print(f"[{time.perf_counter() - START:7.3f}s {who}] {msg}", flush=True)


def delays(s):
    out = []
    for part in s.split(","):
        v = float(part)
        if not math.isfinite(v) or v < 0 or v > 3600:
            raise argparse.ArgumentTypeError(f"{part} is not a number of seconds from 0 to 3600")
        out.append(v)
    return out


class VirtualClock:
    """A paused clock for n sleepers, each sleeping once (tokio's start_paused, in small)."""

    def __init__(self, n):
        self.n = n
        self.asleep = []  # (deadline, task number, future)

    async def sleep(self, d, i):
        fut = asyncio.get_running_loop().create_future()
        self.asleep.append((d, i, fut))
        if len(self.asleep) == self.n:  # everyone waits: jump through the deadlines
            asyncio.get_running_loop().call_soon(self._wake)  # after this task yields too
        await fut

    def _wake(self):
        for _, _, f in sorted(self.asleep, key=lambda s: s[:2]):
            f.set_result(None)  # each waiter resumes in this order (the loop is FIFO)
        self.asleep = []


async def real_sleep(d, _i):
    await asyncio.sleep(d)


async def task(i, d, sleep, t0):
    await sleep(d, i)
    elapsed = d if sleep is not real_sleep else time.perf_counter() - t0  # virtual: its deadline
    log(f"done at t={elapsed:.3f}", f"task-{i}")
    return i, d


async def main_async(ds, paused):
    n = len(ds)

    def clock():
        return VirtualClock(n).sleep if paused else real_sleep

    log(f"as_completed: {n} tasks")
    t0 = time.perf_counter()
    sleep = clock()
    got = []
    for fut in asyncio.as_completed([task(i, d, sleep, t0) for i, d in enumerate(ds, 1)]):
        got.append(await fut)
    if any(a[1] > b[1] for a, b in zip(got, got[1:])) or sorted(i for i, _ in got) != list(range(1, n + 1)):
        sys.exit("error: not every task once, shortest wait first")
    log("as_completed: completion order " + " ".join(f"task-{i}" for i, _ in got))

    log("gather: the same, gathered")
    t0 = time.perf_counter()
    sleep = clock()
    got = await asyncio.gather(*(task(i, d, sleep, t0) for i, d in enumerate(ds, 1)))
    log("gather: input order " + " ".join(f"task-{i}" for i, _ in got))
    if [i for i, _ in got] != list(range(1, n + 1)):
        sys.exit("error: gather lost input order")
    print(f"check: {n} tasks came back once each: shortest wait first, or in input order", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delays", type=delays, default=[3, 1, 4, 0, 2])
    parser.add_argument("--paused", action="store_true")
    args = parser.parse_args()
    asyncio.run(main_async(args.delays, args.paused))


if __name__ == "__main__":
    main()
