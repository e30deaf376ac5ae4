"""Three coroutines that wait 1, 2 and 3 s, awaited together: ~3 s, not 6 s.

Python twin of examples-async/src/bin/gather.rs. Three forms (--form):
  gather     asyncio.gather(a, b, c) inside asyncio.run (tokio::join!'s twin)
  taskgroup  asyncio.TaskGroup, a task each (3.11; JoinSet's twin)
  wait       the notes' form: loop.create_task(...) for each, then
             loop.run_until_complete(asyncio.wait(tasks))
The notes take the loop from asyncio.get_event_loop(); with no running loop
that is deprecated (3.10/3.12) and an error in 3.14, so `wait` makes its own
with asyncio.new_event_loop(). asyncio.wait needs tasks, not bare coroutines,
since 3.11 (the notes pass tasks, so their line still works).

--spans FILE writes each task's wait as one JSON line, on rows task-1..task-3
(the names the log uses), three per form, as the Rust bins do.

Run it:
    python3 examples-async/python/gather.py --form all --unit 1
(add --spans /tmp/spans.jsonl to draw it).

For each form, task-1..3 all say `start` before any says `done`, a cost line
of about 3 units, and the `check:` line. With --spans, task-k's spans last
about k units each.
"""

import argparse
import asyncio
import json
import math
import sys
import threading
import time

START = time.perf_counter()
started = 0
SPANS = []  # (row, what, start, end); list.append is atomic under the GIL
RECORDING = False  # set by --spans: no span costs anything otherwise


class span:
    """shared::spans::span: records (row, what, start, end) when the block ends."""
    def __init__(self, what, name=None):
        self.what, self.name = what, name

    def __enter__(self):
        self.start = time.perf_counter() - START
        return self

    def __exit__(self, *exc):
        if RECORDING:
            name = self.name or threading.current_thread().name
            SPANS.append((name, self.what, self.start, time.perf_counter() - START))


def write_spans(path, mode="a"):  # the file was created (emptied) at start: open(path, "w").close()
    lines = "".join(json.dumps({"name": n, "what": w, "start": round(s, 6), "end": round(e, 6)}) + "\n"
                    for n, w, s, e in SPANS)
    with open(path, mode) as f:
        f.write(lines)


def log(msg, who="main"):
    print(f"[{time.perf_counter() - START:7.3f}s {who}] {msg}", flush=True)


def unit(s):
    v = float(s)
    if not math.isfinite(v) or v < 0 or v > 3600:
        raise argparse.ArgumentTypeError(f"{s} is not a number of seconds from 0 to 3600")
    return v


async def task(k, unit):
    """The notes' myfunc(url): start, wait k units, done."""
    global started
    started += 1
    log(f"start, waiting {k} unit(s)", f"task-{k}")
    with span(f"wait {k} unit(s)", f"task-{k}"):
        await asyncio.sleep(unit * k)  # yields to the event loop: the others run
    seen = started
    log("done", f"task-{k}")
    return k, seen


async def with_gather(unit):
    return list(await asyncio.gather(task(1, unit), task(2, unit), task(3, unit)))


async def with_taskgroup(unit):
    async with asyncio.TaskGroup() as tg:
        tasks = [tg.create_task(task(k, unit)) for k in (1, 2, 3)]
    return [t.result() for t in tasks]


def with_wait(unit):
    loop = asyncio.new_event_loop()  # the notes: asyncio.get_event_loop()
    try:
        tasks = [loop.create_task(task(k, unit)) for k in (1, 2, 3)]
        loop.run_until_complete(asyncio.wait(tasks))
        return [t.result() for t in tasks]
    finally:
        loop.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--form", choices=["gather", "taskgroup", "wait", "all"], default="all")
    parser.add_argument("--unit", type=unit, default=1.0)
    parser.add_argument("--spans", metavar="FILE", help="write each task's wait to FILE, as JSON lines")
    args = parser.parse_args()
    global started, RECORDING
    if args.spans:
        try:
            open(args.spans, "w").close()  # a bad path fails now, not after the work
        except OSError as e:
            sys.exit(f"error: cannot create the spans file {args.spans}: {e.strerror}")
        RECORDING = True
    forms = ["gather", "taskgroup", "wait"] if args.form == "all" else [args.form]
    for form in forms:
        log(f"{form}: three tasks of 1, 2 and 3 units")
        started = 0
        begin = time.perf_counter()
        if form == "gather":
            results = asyncio.run(with_gather(args.unit))
        elif form == "taskgroup":
            results = asyncio.run(with_taskgroup(args.unit))
        else:
            results = with_wait(args.unit)
        print(f"{form}, cost = {time.perf_counter() - begin:.3f} seconds", flush=True)
        log(f"{form}: results {[k for k, _ in results]}")
        least = min(seen for _, seen in results)
        if least != 3:
            sys.exit(f"error: a task ended when only {least} had started")
        print(f"check: {form}: all 3 tasks started before the first ended", flush=True)
    if args.spans:
        write_spans(args.spans)


if __name__ == "__main__":
    main()
