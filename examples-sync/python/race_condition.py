"""Lost updates: `counter += 1` from many threads, and the Lock that fixes it.

Twin of examples-sync/src/bin/race_condition.rs. The notes, word for word
(notes 002, Chapter13):
  「競速 (Race condition): 若執行緒之間需要共享的是可變動狀態的資料，就會有可能發生競速的狀況。」
  (Race condition: if threads share mutable data, a race can happen.)
  「鎖定: 若要避免競速的情況發生，可以對資源被變更與取用時的關鍵程式碼進行鎖定。」
  (Locking: to avoid races, lock the critical code where the resource is
  changed and read.)
and (notes 000): 「GIL 保證的 Thread-safe 是 Bytecode 而不是 Python Code」
  (the thread safety the GIL guarantees is per bytecode, not per line).

The counter itself is added here (the notes give no counter code): five
threads x 100,000 increments, four ways:

1. plain `counter += 1` (LOAD_GLOBAL, LOAD_CONST, BINARY_OP, STORE_GLOBAL on
   3.11). On Python 3.11 this usually loses NOTHING: since 3.10 CPython looks
   for a request to hand over the GIL only at certain bytecodes (a backward
   jump, i.e. the top of the loop, and function calls), not between every two
   instructions, so the load-add-store of `counter += 1` in a loop is almost
   never split. Python 3.9 checked before most instructions and does lose
   updates here. The line is still a race: the language promises nothing,
   and any call or loop inside the read-modify-write reopens it.
2. the same race made visible (added here): read the counter into a local,
   do some work (a short loop: every jump back to its top is a point where
   the GIL may change hands), write back `v + 1`. When a switch falls between
   the read and the write, the other threads' increments made meanwhile are
   overwritten: at the default size this loses updates on every run.
3. the fix, a threading.Lock around the increment (`with lock:`);
4. next() on an itertools.count: one call into C that does not release the
   GIL, so indivisible (the Rust bin's fetch_add).
The fixes are checked.

    python3 examples-sync/python/race_condition.py [--threads 5] [--increments 100000]

Measured (3 runs each at the default size, the pyenv builds of this machine):
plain `counter += 1` lost updates in 2 of 3 runs on 3.9.18 (got 400000 and
319681) and in none on 3.10.13, 3.11.7, 3.12.1 or 3.13.0 (500000 every time);
read-work-write lost updates in every run on all five (got 100000 to 219711).
    for v in 3.9.18 3.10.13 3.11.7; do
        ~/.pyenv/versions/$v/bin/python3 examples-sync/python/race_condition.py; done
"""
import argparse
import itertools
import sys
import threading
import time

START = time.perf_counter()
WORK = 50  # passes of the work loop between the read and the write


def log(msg, who=None):
    # The newline goes in the same write as the text: print(..., end="\n")
    # writes them separately, so lines from two threads could interleave.
    print(f"[{time.perf_counter() - START:7.3f}s {who or threading.current_thread().name}] {msg}\n", end="", flush=True)


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


def main():
    global counter
    threading.current_thread().name = "main"  # the name Rust gives it, so the lines match
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--threads", type=int_in(1, 1000), default=5)
    p.add_argument("--increments", type=int_in(0, 100_000_000), default=100_000)
    a = p.parse_args()
    n, expected = a.increments, a.threads * a.increments
    log(f"{a.threads} threads x {n} increments")

    def plus_equals():  # 1. LOAD, ADD, STORE, with no switch point between
        global counter
        for _ in range(n):
            counter += 1

    counter = 0
    run_together("racy", a.threads, plus_equals)
    plain = counter
    log(f"counter += 1: Counter should be {expected}, got {plain} (lost {expected - plain})")

    def read_work_write():  # 2. the same race, with switch points inside it
        global counter
        for _ in range(n):
            v = counter  # read into a local
            for _ in range(WORK):  # some work; each pass back up may switch threads
                pass
            counter = v + 1  # write back: overwrites whatever others added meanwhile

    counter = 0
    run_together("racy", a.threads, read_work_write)
    racy = counter
    log(f"read, work, write back: Counter should be {expected}, got {racy}")
    if racy < expected:
        log(f"read, work, write back: lost {expected - racy} updates")
    else:
        log("read, work, write back: no update lost this run (the race is still there; try again)")

    lock = threading.Lock()

    def with_lock():  # 3. the fix: the whole read-modify-write under a Lock
        global counter
        for _ in range(n):
            with lock:
                counter += 1

    counter = 0
    run_together("lock", a.threads, with_lock)
    locked = counter
    log(f"Lock: Counter should be {expected}, got {locked}")

    # 4. next() on an itertools.count is one call into C: the GIL is not
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
