"""Lost updates: `counter += 1` from many threads, and the Lock that fixes it.

Twin of examples-sync/src/bin/race_condition.rs (the GIL and thread-safety
note: five threads x 100,000 `counter += 1`; `dis` shows LOAD, ADD, STORE, so
a thread switch between them loses an update; a threading.Lock fixes it).

    python3 examples-sync/python/race_condition.py [--threads 5] [--increments 100000]

Honest about the interpreter: since Python 3.10 a thread switch happens only
at some bytecodes (a call, a backward jump), not between LOAD and STORE of
`counter += 1` in a loop, so on 3.11 that line usually loses nothing,
though the note shows it losing updates. The second racy version does what the
Rust bin does: load, something in between (here a call, where the GIL can be
handed over), then store; at the default size it loses updates. The fixes
are checked.
"""
import argparse
import itertools
import sys
import threading
import time

START = time.perf_counter()


def log(msg, who=None):
    # The newline goes in the same write as the text: print(..., end="\n")
    # writes them separately, so lines from two threads could interleave.
    print(f"[{time.perf_counter() - START:7.3f}s {who or threading.current_thread().name}] {msg}\n", end="", flush=True)


counter = 0


def run_together(label, threads, body):
    """Runs body on `threads` named threads that start together (a Barrier)."""
    start = threading.Barrier(threads)

    def worker():
        start.wait()
        body()

    ts = [threading.Thread(target=worker, name=f"{label}-{i}") for i in range(1, threads + 1)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()


def widen():
    pass  # a call: the interpreter may hand the GIL to another thread here


def main():
    global counter
    threading.current_thread().name = "main"  # the name Rust gives it, so the lines match
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--threads", type=int, default=5)
    p.add_argument("--increments", type=int, default=100_000)
    a = p.parse_args()
    if not 1 <= a.threads <= 1000 or a.increments < 0:
        p.error("--threads must be in 1..=1000 and --increments >= 0")
    n, expected = a.increments, a.threads * a.increments
    log(f"{a.threads} threads x {n} increments")

    def plus_equals():  # the note's code: LOAD, ADD, STORE
        global counter
        for _ in range(n):
            counter += 1

    counter = 0
    run_together("racy", a.threads, plus_equals)
    log(f"counter += 1: Counter should be {expected}, got {counter}")

    def load_then_store():  # what the Rust bin does: two steps, a gap between
        global counter
        for _ in range(n):
            v = counter  # LOAD
            widen()
            counter = v + 1  # ADD + STORE

    counter = 0
    run_together("racy", a.threads, load_then_store)
    racy = counter
    log(f"load then store: Counter should be {expected}, got {racy}")
    if racy < expected:
        log(f"load then store: lost {expected - racy} updates")
    else:
        log("load then store: no update lost this run (the race is still there; try again)")

    lock = threading.Lock()

    def with_lock():
        global counter
        for _ in range(n):
            with lock:
                counter += 1

    counter = 0
    run_together("lock", a.threads, with_lock)
    locked = counter
    log(f"Lock: Counter should be {expected}, got {locked}")

    # next() on an itertools.count is one call into C: the GIL is not
    # released inside it, so it is indivisible (CPython's fetch_add).
    ticket = itertools.count()

    def with_count():
        for _ in range(n):
            next(ticket)

    run_together("count", a.threads, with_count)
    counted = next(ticket)
    log(f"itertools.count: Counter should be {expected}, got {counted}")

    if locked != expected or counted != expected:
        print(f"error: check failed: a fix lost updates (Lock {locked}, count {counted})", file=sys.stderr)
        sys.exit(1)
    log(f"check: Lock and itertools.count both gave {expected}")


if __name__ == "__main__":
    main()
