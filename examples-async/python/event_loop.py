"""An event loop from scratch (no asyncio) running the gather demo: 3 units, not 6.

Python twin of examples-async/src/bin/event_loop.rs. Coroutines are driven by
hand with coro.send(None): `await sleep(d)` yields its deadline up to the loop,
which parks the coroutine in a heap of timers; a deque of ready coroutines is
the run queue. A coroutine is sent to only when it is ready (started, or its
deadline passed), never polled for nothing; sleep() parks again if sent to
early, as a Rust future returns Pending, so a wake for nothing would show in
the count. asyncio does the same with selectors (epoll/kqueue) for sockets
and a heap for timers.

Run it:
    python3 examples-async/python/event_loop.py --unit 0.5

task-1..3 all `start` before any is `done`, the cost line (~3 units), then
`polls per task: [2, 2, 2], 6 in all`.
"""

import argparse
import collections
import heapq
import time
import types
import os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "python"))
import blog_spider  # log(msg, name), timed(), argument types: shared/python/blog_spider.py


# ANCHOR: sleep
@types.coroutine
def sleep(d):
    deadline = time.monotonic() + d
    while time.monotonic() < deadline:  # polled before its deadline (woken for nothing): not ready yet
        yield deadline  # hand the deadline to the loop; resumed after it
# ANCHOR_END: sleep


# ANCHOR: loop
def run(tasks):  # 至尊循环驭众生: tasks = {name: coroutine}; returns how often each was polled
    ready, timers, polls = collections.deque(tasks.items()), [], dict.fromkeys(tasks, 0)
    while ready or timers:
        if not ready:  # 至尊循环寻众生: nothing to run, so sleep until the next deadline and wake that one
            deadline, name, coro = heapq.heappop(timers)
            time.sleep(max(0.0, deadline - time.monotonic()))
            ready.append((name, coro))
        name, coro = ready.popleft()
        polls[name] += 1
        try:
            heapq.heappush(timers, (coro.send(None), name, coro))  # parked until its deadline
        except StopIteration:  # 普照众生欣欣荣: this one is done
            pass
    return polls
# ANCHOR_END: loop


# ANCHOR: myfunc
async def myfunc(k, unit):
    """The notes' myfunc(url): start, wait k units, done."""
    blog_spider.log(f"start, waiting {k} unit(s)", f"task-{k}")  # no asyncio task here: name the row
    await sleep(unit * k)
    blog_spider.log("done", f"task-{k}")
# ANCHOR_END: myfunc


# ANCHOR: main
def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--unit", type=blog_spider.seconds(0, 3600), default=1.0)
    unit = parser.parse_args().unit
    with blog_spider.timed("event_loop gather"):  # `label, cost = X seconds`
        # tasks = [loop.create_task(myfunc(url)) ...]; loop.run_until_complete(asyncio.wait(tasks))
        polls = list(run({f"task-{k}": myfunc(k, unit) for k in (1, 2, 3)}).values())
    print(f"polls per task: {polls}, {sum(polls)} in all")
    if any(n > 2 for n in polls):  # once to start, at most once more when its deadline passed
        sys.exit("error: a task was polled without being ready")
    print("check: all 3 tasks ran to completion, each polled only when woken")


if __name__ == "__main__":
    main()
# ANCHOR_END: main
