"""An event loop from scratch (no asyncio) running the gather demo.

Python twin of examples-async/src/bin/event_loop.rs. Coroutines are driven
by hand with coro.send(None): `await sleep(d)` yields its deadline up to the
loop, which parks the coroutine in a heap of timers; a ready deque is the run
queue. The notes' rhyme, line by line:
  至尊循环驭众生 (the one loop rules them all)    run(): pop a ready task, send(None)
  至尊循环寻众生 (the one loop finds them)        a due timer puts its task back on `ready`
  至尊循环引众生 (the one loop brings them in)    spawn(): a coroutine onto `ready`
  普照众生欣欣荣 (it shines on them all; they thrive) run() ends when every task has finished
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


class Task:
    def __init__(self, coro):
        self.coro, self.done, self.result, self.joiners = coro, False, None, []

    def __await__(self):
        if not self.done:
            yield self  # park until this task is done
        return self.result


class Loop:
    def __init__(self):
        self.ready, self.timers, self.polls, self.seq = collections.deque(), [], 0, 0

    def spawn(self, coro):  # 至尊循环引众生
        task = Task(coro)
        self.ready.append(task)
        return task

    def run(self, main):  # 至尊循环驭众生
        root = self.spawn(main)
        while self.ready or self.timers:
            if not self.ready:  # nothing to run: sleep until the next deadline
                time.sleep(max(0.0, self.timers[0][0] - time.monotonic()))
            while self.timers and self.timers[0][0] <= time.monotonic():  # 至尊循环寻众生
                self.ready.append(heapq.heappop(self.timers)[2])
            if not self.ready:
                continue
            task = self.ready.popleft()
            self.polls += 1
            try:
                waiting_on = task.coro.send(None)
            except StopIteration as stop:  # 普照众生欣欣荣
                task.done, task.result = True, stop.value
                self.ready.extend(task.joiners)
                continue
            if isinstance(waiting_on, Task):
                waiting_on.joiners.append(task)
            else:
                self.seq += 1
                heapq.heappush(self.timers, (waiting_on, self.seq, task))
        return root.result


async def work(k, unit):
    log(f"start, waiting {k} unit(s)", f"task-{k}")
    await Sleep(unit * k)
    log("done", f"task-{k}")
    return k


def unit(s):
    v = float(s)
    if not math.isfinite(v) or v < 0 or v > 60:
        raise argparse.ArgumentTypeError(f"{s} is not a number of seconds in 0..=60")
    return v


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--unit", type=unit, default=1.0)
    args = parser.parse_args()
    loop = Loop()

    async def gather():
        tasks = [loop.spawn(work(k, args.unit)) for k in (1, 2, 3)]
        return [await t for t in tasks]

    begin = time.perf_counter()
    results = loop.run(gather())
    print(f"event_loop gather, cost = {time.perf_counter() - begin:.3f} seconds", flush=True)
    log(f"results {results}, the loop polled {loop.polls} times")
    if results != [1, 2, 3]:
        sys.exit("error: a task did not finish")
    print("check: all 4 tasks (main and 3 spawned) ran to completion", flush=True)


if __name__ == "__main__":
    main()
