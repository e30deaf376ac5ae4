"""Structured concurrency: a TaskGroup where one task fails, the others are cancelled.

Twin of examples-async/src/bin/task_group.rs (added here: the notes cancel
only the spinner of spinner_asyncio.py, which note 004 links as 协程版本, "the
coroutine version"). asyncio.TaskGroup (3.11+): when task-3 raises, the group
cancels task-1 and task-2 (CancelledError at their await: their finally runs,
and may await), waits for them, then the `async with` block raises an
ExceptionGroup holding every error (except* takes it apart).

Run: python3 examples-async/python/task_group.py
"""

import asyncio, os, sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "python"))
from blog_spider import fail, log  # log(): print with the time and the task's name

cleanups = 0


async def task(k, started):
    global cleanups
    try:
        log("started")
        await started.wait()  # all three have started before any goes on
        if k == 3:
            log("failing")
            raise ValueError(f"task-{k}: HTTP 500")
        await asyncio.Event().wait()  # a reply that never comes: only cancelling ends it
    finally:  # on CancelledError too
        cleanups += 1
        log("cleanup (finally)")


async def main():
    asyncio.current_task().set_name("main")
    started = asyncio.Barrier(3)  # 3.11+
    try:
        async with asyncio.TaskGroup() as tg:  # the block's end waits for every task
            for k in (1, 2, 3):
                tg.create_task(task(k, started), name=f"task-{k}")
    except* ValueError as group:
        log(f"the group failed: {group!r}")
    if cleanups != 3:
        fail(f"{cleanups} tasks of 3 cleaned up")
    print("check: one task failed, the group cancelled the others, all 3 cleaned up")


asyncio.run(main())
