"""A timeout around a group of tasks: asyncio.timeout cancels the TaskGroup, cleanup included.

Twin of examples-async/src/bin/group_timeout.rs (added here). None of the
three tasks fails or ends; at the deadline asyncio.timeout (3.11+) cancels the
block, the TaskGroup cancels its tasks and waits for their finally, and
TimeoutError comes out of the `async with asyncio.timeout(t)` block.

Run: python3 examples-async/python/group_timeout.py [--timeout 0.5]
"""

import argparse, asyncio, os, sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "python"))
from blog_spider import fail, log, positive_seconds  # log(): print with the time and the task's name

cleanups = 0


async def task():
    global cleanups
    try:
        log("started")
        await asyncio.Event().wait()  # a reply that never comes: only cancelling ends it
    finally:  # on CancelledError too
        cleanups += 1
        log("cleanup (finally)")


async def main(t):
    asyncio.current_task().set_name("main")
    try:
        async with asyncio.timeout(t):
            async with asyncio.TaskGroup() as tg:  # the block's end waits for every task
                for k in (1, 2, 3):
                    tg.create_task(task(), name=f"task-{k}")
    except TimeoutError:
        log(f"timed out after {t:g} s: the group was cancelled")
    if cleanups != 3:
        fail(f"{cleanups} tasks of 3 cleaned up")
    print("check: the group timed out, its 3 tasks were cancelled and cleaned up")


p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
p.add_argument("--timeout", type=positive_seconds, default=0.5)
asyncio.run(main(p.parse_args().timeout))
