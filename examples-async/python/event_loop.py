"""An event loop from scratch (no asyncio) running the gather demo: 3 units, not 6.

Python twin of examples-async/src/bin/event_loop.rs. Coroutines are driven by
hand with coro.send(None): `await Sleep(d)` yields its deadline up to the loop,
which parks the coroutine in a heap of timers; a deque of ready coroutines is
the run queue. A coroutine is sent to only when it is ready (started, or its
deadline passed), never polled for nothing. asyncio does the same with
selectors (epoll/kqueue) for sockets and a heap for timers.

Run it:
    python3 examples-async/python/event_loop.py --unit 0.5

task-1..3 all `start` before any is `done`, the cost line (~3 units), then
`polls per task: [2, 2, 2], 6 in all`.
"""

import argparse
import collections
import heapq
import time
import os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "python"))
import blog_spider  # log(msg, name), timed(), argument types: shared/python/blog_spider.py


class Sleep:
    def __init__(self, d):
        self.deadline = time.monotonic() + d

    def __await__(self):
        yield self.deadline  # hand the deadline to the loop; resumed after it


class Loop:
    def __init__(self):
        self.ready, self.timers, self.polls = collections.deque(), [], {}

    def spawn(self, name, coro):  # 至尊循环引众生: a coroutine onto the run queue
        self.polls[name] = 0
        self.ready.append((name, coro))

    def run(self):  # 至尊循环驭众生
        while self.ready or self.timers:
            if not self.ready:  # nothing to run: sleep until the next deadline
                time.sleep(max(0.0, self.timers[0][0] - time.monotonic()))
            while self.timers and self.timers[0][0] <= time.monotonic():  # 至尊循环寻众生
                self.ready.append(heapq.heappop(self.timers)[1:])
            if not self.ready:
                continue
            name, coro = self.ready.popleft()
            self.polls[name] += 1
            try:
                deadline = coro.send(None)
            except StopIteration:  # 普照众生欣欣荣: this one is done
                continue
            heapq.heappush(self.timers, (deadline, name, coro))


async def myfunc(k, unit):
    """The notes' myfunc(url): start, wait k units, done."""
    blog_spider.log(f"start, waiting {k} unit(s)", f"task-{k}")  # no asyncio task here: name the row
    await Sleep(unit * k)
    blog_spider.log("done", f"task-{k}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--unit", type=blog_spider.seconds(0, 3600), default=1.0)
    args = parser.parse_args()
    loop = Loop()
    with blog_spider.timed("event_loop gather"):  # `label, cost = X seconds`
        for k in (1, 2, 3):
            loop.spawn(f"task-{k}", myfunc(k, args.unit))  # tasks = [loop.create_task(myfunc(url)) ...]
        loop.run()  # loop.run_until_complete(asyncio.wait(tasks))
    polls = list(loop.polls.values())
    print(f"polls per task: {polls}, {sum(polls)} in all", flush=True)
    if any(n > 2 for n in polls):  # once to start, at most once more when its deadline passed
        sys.exit("error: a task was polled without being ready")
    print("check: all 3 tasks ran to completion, each polled only when woken", flush=True)


if __name__ == "__main__":
    main()
