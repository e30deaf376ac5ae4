"""What "thread-safe" means: Python checks nothing, Rust's Send and Sync do.

Twin of examples-sync/src/bin/send_sync.rs. The note, word for word (notes 000,
三. 什麼是 thread-safe？, "what is thread-safe?"):
  「當多執行緒同時運行，並對同一資源進行讀寫操作的修改時，必須保證其執行緒與執行緒間不會發生衝突，和數據修改不會發生錯誤，稱為 thread-safe。」
  (When several threads run at once and read and modify the same resource,
  guaranteeing that they do not conflict and that the data is not modified wrongly
  is called thread-safe.)
The rest is added here. Python has no Send or Sync: any object may go to any thread,
and nothing is checked (so the Rust bin's table has no twin). This twin runs what the
Rust compiler rejects, and shows the result at run time:
1. a list read by several threads: fine (reference counts are kept under the GIL, so
   every object behaves like Rust's Arc; an Rc sent to a thread is error E0277);
2. one counter mutated from several threads with no lock (E0499, or E0277 through a
   Cell, in Rust): it runs and loses updates (some work between the read and the
   write makes the loss show; race_condition.py says why plain += seldom does).
The fixes, a threading.Lock (Rust's Mutex) and next() on an itertools.count (an
atomic), are race_condition.py's, as the Rust bin leaves them to race_condition.rs.

    python3 examples-sync/python/send_sync.py [--threads 4] [--increments 100000]

--increments (Python only) sizes the unsynchronised counter. The
order of the reader-N lines varies between runs.
"""
import argparse, os, sys, threading
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "python"))
# blog_spider (shared/python/blog_spider.py): log(msg) prints `[  0.101s who] msg`;
# count: argparse types refusing bad values (exit 2); fail(msg): one error line, exit 1
from blog_spider import count, fail, log

data, sums = [1, 2, 3], []
counter = 0


def reader():  # 1. a read-only list shared by several threads (Rust needs Arc, not Rc)
    log(f"sum = {sum(data)}, sys.getrefcount now {sys.getrefcount(data)}")
    sums.append(sum(data))  # list.append: one call into C, indivisible


def racy():  # 2. unsynchronised mutation of one variable: E0499 / E0277 in Rust
    global counter
    for _ in range(a.increments):
        v = counter  # read into a local
        for _ in range(50):  # some work: each jump back to the top may switch threads
            pass
        counter = v + 1  # write back: may overwrite other threads' updates


def on_threads(label, body):
    """body() on threads label-1 .. label-N, started together (a Barrier), so they overlap."""
    start = threading.Barrier(a.threads)
    ts = [threading.Thread(target=lambda: (start.wait(), body()), name=f"{label}-{i}") for i in range(1, a.threads + 1)]
    [t.start() for t in ts]
    [t.join() for t in ts]


p = argparse.ArgumentParser(description="Python checks nothing; Rust's Send and Sync do")
p.add_argument("--threads", type=count(1, 64), default=4, help="threads in each demonstration")
p.add_argument("--increments", type=count(0, 10_000_000), default=100_000, help="Python only")
a = p.parse_args()
n, expected = a.threads, a.threads * a.increments
log("Python has no Send or Sync: any object may go to any thread, nothing is checked")
before = sys.getrefcount(data)
on_threads("reader", reader)
after = sys.getrefcount(data)
if sums != [6] * n or after != before:
    fail(f"check failed: sums {sums}, refcount {before} before, {after} after")
log(f"check: list read by {n} threads, every sum 6, refcount back to {after}")
on_threads("racy", racy)
log(f"no lock (does not compile in Rust): count should be {expected}, got {counter} (lost {expected - counter})")
log("in Rust the unsynchronised versions do not compile: src/send_sync.rs, `cargo test -p examples-sync --doc`")
