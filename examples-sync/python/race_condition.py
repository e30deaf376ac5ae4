"""Lost updates: `counter += 1` from many threads, and the Lock that fixes it.

Twin of examples-sync/src/bin/race_condition.rs. The notes, word for word (notes 002, Chapter13):
  「競速 (Race condition): 若執行緒之間需要共享的是可變動狀態的資料，就會有可能發生競速的狀況。」
  (Race condition: if threads share mutable data, a race can happen.)
  「鎖定: 若要避免競速的情況發生，可以對資源被變更與取用時的關鍵程式碼進行鎖定。」
  (Locking: to avoid races, lock the critical code where the resource is changed and read.)
and (notes 000): 「GIL 保證的 Thread-safe 是 Bytecode 而不是 Python Code」
  (the thread safety the GIL guarantees is per bytecode, not per line).

The counter is added here (the notes give no counter code): five threads x 100,000
increments, four ways: plain `counter += 1`; the same race with some work between the
read and the write; the fix, a threading.Lock; and next() on an itertools.count, one
indivisible call into C (the Rust bin's fetch_add). The fixes are checked.

    python3 examples-sync/python/race_condition.py [--threads 5] [--increments 100000]

Measured (3 runs each at the default size): plain `counter += 1` lost updates in 2 of 3
runs on 3.9.18 and in none on 3.10.13, 3.11.7, 3.12.1 or 3.13.0; read-work-write lost
updates in every run on all five (got 100000 to 219711).
The first line names the Python and its GIL (`Python 3.11.7 (GIL)`). Without a GIL (a
free-threaded build, 3.13t or 3.14t: `(free-threaded)`) the threads really run at once: the
race still loses updates, more of them, and the Lock still fixes it; next() on the count is
then safe only where the build guards the object with a lock of its own (the check says).
"""
import argparse, itertools, os, platform, sys, threading
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "python"))
# blog_spider (shared/python/blog_spider.py): log(msg) prints `[  0.101s who] msg`;
# count: argparse types refusing bad values (exit 2); fail(msg): one error line, exit 1
from blog_spider import count, fail, log

counter, lock = 0, threading.Lock()


def plus_equals():  # 1. LOAD_GLOBAL, LOAD_CONST, BINARY_OP, STORE_GLOBAL (3.11)
    global counter
    for _ in range(N):
        counter += 1  # since 3.10 the GIL changes hands only at a jump back or a call: rarely in here


def read_work_write():  # 2. the same race, with switch points inside it
    global counter
    for _ in range(N):
        v = counter  # read into a local
        for _ in range(50):  # some work: each jump back to the top may switch threads
            pass
        counter = v + 1  # write back: overwrites what the others added meanwhile


def with_lock():  # 3. the fix: the whole read-modify-write under a Lock
    global counter
    for _ in range(N):
        with lock:
            counter += 1


def run_together(label, body):
    """body() on --threads threads that start together (a Barrier), so their loops overlap."""
    start = threading.Barrier(a.threads)
    ts = [threading.Thread(target=lambda: (start.wait(), body()), name=f"{label}-{i}") for i in range(1, a.threads + 1)]
    [t.start() for t in ts]
    [t.join() for t in ts]


p = argparse.ArgumentParser(description="Lost updates from counter += 1, fixed by a Lock")
p.add_argument("--threads", type=count(1, 1000), default=5)
p.add_argument("--increments", type=count(0, 100_000_000), default=100_000)
a = p.parse_args()
N, expected = a.increments, a.threads * a.increments
log(f"python: Python {platform.python_version()} ({'GIL' if getattr(sys, '_is_gil_enabled', lambda: True)() else 'free-threaded'})")
for label, name, body in [("counter += 1", "racy", plus_equals), ("read, work, write back", "racy", read_work_write),
                          ("Lock", "lock", with_lock)]:
    counter = 0
    run_together(name, body)
    log(f"{label}: Counter should be {expected}, got {counter} (lost {expected - counter})")
ticket = itertools.count()  # 4. next() is one call into C: the GIL is not released inside it
run_together("count", lambda: [next(ticket) for _ in range(N)])
counted = next(ticket)
log(f"itertools.count: Counter should be {expected}, got {counted}")
if counter != expected or counted != expected:  # counter: the Lock's, the last run
    fail(f"check failed: a fix lost updates (Lock {counter}, count {counted})")
log(f"check: Lock and itertools.count both gave {expected}")
