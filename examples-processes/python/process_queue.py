"""q.put([42, None, 'hello']) to a child process, which puts it back on a second Queue.

Python twin of examples-processes/src/bin/process_queue.rs. The note (001),
word for word:

    from multiprocessing import Queue
    q = Queue()
    q.put([42, None, 'hello'])
    item = q.get()

A multiprocessing.Queue pickles what you put and sends it through a pipe to
the other process. Added here: the child gets the item from `q` and puts it on
`back`, the parent checks it came back equal; None is the sentinel that ends
the child.

Run it:
    python3 examples-processes/python/process_queue.py
"""

import argparse
import multiprocessing
import os
import queue
import sys
import time

# The parent's start, shared with its children through the environment (the
# spawn start method re-imports this file in each child): every process's
# lines count from the same moment, as the Rust bin's children share its clock.
os.environ.setdefault("CONCURRENCY_PAIRS_EPOCH_NS", str(time.time_ns()))
START = time.perf_counter() - (time.time_ns() - int(os.environ["CONCURRENCY_PAIRS_EPOCH_NS"])) / 1e9


def log(msg, who, file=sys.stdout):
    print(f"[{time.perf_counter() - START:7.3f}s {who}] {msg}\n", end="", file=file, flush=True)


def child(q, back):
    while (item := q.get()) is not None:
        log(f"pid {os.getpid()} got {item!r}; putting it back", "child", sys.stderr)
        back.put(item)


def main():
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()  # no flags; --help
    ctx = multiprocessing.get_context("spawn")
    q, back = ctx.Queue(), ctx.Queue()
    p = ctx.Process(target=child, args=(q, back), name="child")
    p.start()
    log(f"started the child: pid {p.pid}", "main")

    item = [42, None, "hello"]
    log(f"put {item!r}", "main")
    q.put(item)
    try:
        got = back.get(timeout=30)
    except queue.Empty:  # the child died, say: one message, not a traceback
        p.kill()
        p.join()
        raise SystemExit(f"error: nothing came back in 30 s (child exit code {p.exitcode})") from None
    log(f"got back {got!r}", "main")

    q.put(None)  # the sentinel: the child's loop ends
    p.join()
    log(f"child exited: exit code {p.exitcode}", "main")
    if p.exitcode != 0:
        raise SystemExit(f"error: the child failed: exit code {p.exitcode}")
    if got != item:
        raise SystemExit(f"error: sent {item!r} but got back {got!r}")
    print("check: the item came back unchanged")


if __name__ == "__main__":
    main()
