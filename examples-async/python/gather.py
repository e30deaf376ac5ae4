"""Three coroutines that wait 1, 2 and 3 s, awaited together: ~3 s, not 6 s.

Python twin of examples-async/src/bin/gather.rs. Three forms, one after
another: gather (asyncio.gather inside asyncio.run), taskgroup
(asyncio.TaskGroup, 3.11+) and wait, the notes' own form:
loop.create_task(myfunc(url)) for each, then
loop.run_until_complete(asyncio.wait(tasks)). The notes take the loop from
asyncio.get_event_loop(); with no running loop that is deprecated (3.10-3.13)
and an error in 3.14, so `wait` makes its own with asyncio.new_event_loop().

Run it:
    python3 examples-async/python/gather.py --unit 1

For each form, task-1..3 all say `start` before any says `done`, a cost line
of about 3 units, and the results [1, 2, 3].
"""

import argparse
import asyncio
import os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "python"))
import blog_spider  # log(), timed(), argument types: shared/python/blog_spider.py


# ANCHOR: myfunc
async def myfunc(k, unit):
    """The notes' myfunc(url): start, wait k units (a stand-in for a fetch), done."""
    asyncio.current_task().set_name(f"task-{k}")  # the name log() prints (the task's row)
    blog_spider.log(f"start, waiting {k} unit(s)")
    await asyncio.sleep(unit * k)  # yields to the event loop: the others run
    blog_spider.log("done")
    return k
# ANCHOR_END: myfunc


# ANCHOR: gather
async def with_gather(unit):
    return await asyncio.gather(myfunc(1, unit), myfunc(2, unit), myfunc(3, unit))
# ANCHOR_END: gather


# ANCHOR: taskgroup
async def with_taskgroup(unit):
    async with asyncio.TaskGroup() as tg:
        tasks = [tg.create_task(myfunc(k, unit)) for k in (1, 2, 3)]
    return [t.result() for t in tasks]
# ANCHOR_END: taskgroup


# ANCHOR: wait
def with_wait(unit):
    loop = asyncio.new_event_loop()  # the notes: loop = asyncio.get_event_loop()
    tasks = [loop.create_task(myfunc(k, unit)) for k in (1, 2, 3)]
    loop.run_until_complete(asyncio.wait(tasks))
    return [t.result() for t in tasks]
# ANCHOR_END: wait


# ANCHOR: main
def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--unit", type=blog_spider.seconds(0, 3600), default=1.0)
    unit = parser.parse_args().unit
    forms = {"gather": lambda: asyncio.run(with_gather(unit)),
             "taskgroup": lambda: asyncio.run(with_taskgroup(unit)),
             "wait": lambda: with_wait(unit)}  # the notes' form runs its own loop
    for form, run in forms.items():
        blog_spider.log(f"{form}: three tasks of 1, 2 and 3 units")
        with blog_spider.timed(form):  # `form, cost = X seconds`
            results = run()
        blog_spider.log(f"{form}: results {results}")


if __name__ == "__main__":
    main()
# ANCHOR_END: main
