"""An event loop from scratch (no asyncio) running the gather demo.

Python twin of examples-async/src/bin/event_loop.rs. Coroutines are driven
by hand with coro.send(None): `await sleep(d)` yields its deadline up to the
loop, which parks the coroutine in a heap of timers; a ready deque is the run
queue. The notes' rhyme, line by line:
  至尊循环驭众生 (the one loop rules them all)    run(): pop a ready task, send(None)
  至尊循环寻众生 (the one loop finds them)        a due timer puts its task back on `ready`
  至尊循环引众生 (the one loop brings them in)    spawn(): a coroutine onto `ready`
  普照众生欣欣荣 (it shines on them all and all thrive) run() ends when every task has finished
spawn() is the notes' loop.create_task(myfunc(url)); run() their
loop.run_until_complete(asyncio.wait(tasks)).
asyncio does the same with selectors (epoll/kqueue) for sockets and a heap
for timers.

Run it:
    python3 examples-async/python/event_loop.py --unit 0.5

task-1..3 all `start` before any is `done`, then the cost line (~3 units).
"""

import argparse
import collections
import heapq
import math
import sys
import time

START = time.perf_counter()


def log(msg, who="main"):
    print(f"[{time.perf_counter() - START:7.3f}s {who}] {msg}", flush=True)


class Sleep:
    def __init__(self, d):
        self.deadline = time.monotonic() + d

    def __await__(self):
        yield self.deadline  # hand the deadline to the loop; resumed after it


class Loop:
    def __init__(self):
        self.ready, self.timers, self.polls, self.seq = collections.deque(), [], 0, 0

    def spawn(self, coro):  # 至尊循环引众生
        self.ready.append(coro)

    def run(self):  # 至尊循环驭众生
        while self.ready or self.timers:
            if not self.ready:  # nothing to run: sleep until the next deadline
                time.sleep(max(0.0, self.timers[0][0] - time.monotonic()))
            while self.timers and self.timers[0][0] <= time.monotonic():  # 至尊循环寻众生
                self.ready.append(heapq.heappop(self.timers)[2])
            if not self.ready:
                continue
            coro = self.ready.popleft()
            self.polls += 1
            try:
                deadline = coro.send(None)
            except StopIteration:  # 普照众生欣欣荣: this one is done
                continue
            self.seq += 1
            heapq.heappush(self.timers, (deadline, self.seq, coro))


finished = []


async def work(k, unit):
    """The notes' myfunc(url): start, wait k units, done."""
    log(f"start, waiting {k} unit(s)", f"task-{k}")
    await Sleep(unit * k)
    log("done", f"task-{k}")
    finished.append(k)


def unit(s):
    v = float(s)
    if not math.isfinite(v) or v < 0 or v > 3600:
        raise argparse.ArgumentTypeError(f"{s} is not a number of seconds from 0 to 3600")
    return v


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--unit", type=unit, default=1.0)
    args = parser.parse_args()
    loop = Loop()
    begin = time.perf_counter()
    for k in (1, 2, 3):
        loop.spawn(work(k, args.unit))  # tasks = [loop.create_task(myfunc(url)) ...]
    loop.run()  # loop.run_until_complete(asyncio.wait(tasks))
    print(f"event_loop gather, cost = {time.perf_counter() - begin:.3f} seconds", flush=True)
    log(f"finished {finished}, the loop polled {loop.polls} times")
    if sorted(finished) != [1, 2, 3]:
        sys.exit("error: not every task finished once")
    print("check: all 3 tasks ran to completion", flush=True)


if __name__ == "__main__":
    main()
