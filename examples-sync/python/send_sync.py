"""What "thread-safe" means: Python checks nothing, Rust's Send and Sync do.

Twin of examples-sync/src/bin/send_sync.rs. The note, word for word (notes
000, 三. 什麼是 thread-safe？, "what is thread-safe?"):
  「當多執行緒同時運行，並對同一資源進行讀寫操作的修改時，必須保證其執行緒與執行緒間不會發生衝突，和數據修改不會發生錯誤，稱為 thread-safe。」
  (When several threads run at once and read and modify the same resource,
  guaranteeing that they do not conflict and that the data is not modified
  wrongly is called thread-safe.)
The rest is added here. Python has no Send or Sync: any object may be passed to any thread and shared between threads, and
nothing is checked (so the Rust bin's table of which types are Send and Sync
has no twin). This twin runs what the Rust compiler rejects, and shows the
result at run time:

1. A list read by several threads: fine in Python, whose reference counts are
   kept under the GIL, so every object behaves like Rust's Arc (an Rc sent to
   a thread is error E0277 in Rust).
2. `count += 1` on one variable from several threads, no lock: Python runs it
   and loses updates, at run time, if at all (in Rust two threads mutating one
   variable is error E0499, and the same through a Cell is E0277: neither
   compiles). As in race_condition.py, some work sits between the read and
   the write (a short loop, whose jumps back are points where the GIL can
   change hands), so the loss shows; plain `count += 1` has the same bug but
   on 3.10 and later seldom shows it (race_condition.py says why).
3. The fixes, as in the Rust bin: a threading.Lock around the mutation (the
   Rust bin's Mutex), and next() on an itertools.count, one indivisible call
   into C (the Rust bin's AtomicUsize::fetch_add). Both are checked.

The Rust versions that do not compile are the `compile_fail` doctests in
examples-sync/src/send_sync.rs (`cargo test -p examples-sync --doc`).

    python3 examples-sync/python/send_sync.py [--threads 4] [--increments 100000]

--increments (Python only) sizes the unsynchronised counter and its Lock fix;
the Rust version of that counter does not compile, so it has no workload.
The order of the reader-N lines varies between runs.
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


def on_threads(label, threads, body):
    """Runs body(i) on `threads` threads named label-1.. that start together."""
    start = threading.Barrier(threads)

    def worker(i):
        start.wait()
        body(i)

    ts = [threading.Thread(target=worker, args=(i,), name=f"{label}-{i + 1}") for i in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()


def int_in(lo, hi):
    """An argparse type: a whole number in lo..=hi (the Rust bin's range)."""

    def parse(s):
        try:
            n = int(s)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{s!r} is not a whole number") from None
        if not lo <= n <= hi:
            raise argparse.ArgumentTypeError(f"{s} is not in {lo}..={hi}")
        return n

    return parse


def main():
    threading.current_thread().name = "main"  # the name Rust gives it, so the lines match
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--threads", type=int_in(1, 64), default=4, help="threads in each demonstration")
    p.add_argument("--increments", type=int_in(0, 10_000_000), default=100_000,
                   help="increments per thread of the shared counter (Python only)")
    a = p.parse_args()
    n = a.threads
    log("Python has no Send or Sync: any object may go to any thread, nothing is checked")

    # 1. Sharing a read-only list: Rust needs Arc, not Rc; here any object will do.
    data = [1, 2, 3]
    before = sys.getrefcount(data)
    sums = []

    def reader(shared):  # this thread's own reference (Rust: its Arc clone)
        log(f"sum = {sum(shared)}, sys.getrefcount now {sys.getrefcount(shared)}")
        sums.append(sum(shared))  # list.append: one call into C, indivisible

    ts = [threading.Thread(target=reader, args=(data,), name=f"reader-{i}") for i in range(1, n + 1)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()  # a finished Thread drops its args: the references go
    after = sys.getrefcount(data)
    if sums != [6] * n or after != before:
        sys.exit(f"error: check failed: sums {sums}, refcount {before} before, {after} after")
    log(f"check: list read by {n} threads, every sum 6, refcount back to {after}")

    # 2. Unsynchronised mutation of one variable: E0499 / E0277 in Rust.
    count = 0
    expected = n * a.increments

    def racy(_i):
        nonlocal count
        for _ in range(a.increments):
            v = count  # read into a local
            for _ in range(50):  # some work; each pass back up may switch threads
                pass
            count = v + 1  # write back: may overwrite other threads' updates

    on_threads("racy", n, racy)
    log(f"no lock (does not compile in Rust): count should be {expected}, got {count}")
    if count < expected:
        log(f"no lock: lost {expected - count} updates, found only by running it")
    else:
        log("no lock: no update lost this run (the race is still there; try again)")

    # 3. The fixes: a Lock (Rust: Mutex) and one indivisible call (Rust: an atomic).
    lock = threading.Lock()
    count = 0

    def locked(_i):
        nonlocal count
        for _ in range(a.increments):
            with lock:
                count += 1

    on_threads("lock", n, locked)
    log(f"Lock: count should be {expected}, got {count}")

    pushes, hits = [], itertools.count()

    def push(i):
        with lock:  # list.append alone is indivisible; the Lock is the general fix
            pushes.append(i)
        next(hits)

    on_threads("push", n, push)
    got_hits = next(hits)
    if count != expected or sorted(pushes) != list(range(n)) or got_hits != n:
        sys.exit(f"error: check failed: count {count}, pushes {sorted(pushes)}, hits {got_hits}")
    log(f"check: Lock gave {expected}; list under a Lock got all {n} pushes, itertools.count counted {n} hits")
    log("in Rust the unsynchronised versions do not compile: src/send_sync.rs, `cargo test -p examples-sync --doc`")


if __name__ == "__main__":
    main()
