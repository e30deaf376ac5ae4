"""The GIL: one thread runs bytecode at a time, switching every 5 ms.

Twin of examples-sync/src/bin/gil.rs, which simulates the GIL with a lock
handed over every 5 ms. The notes, word for word:
  「當一個執行緒沒有直譯超過 1000 個 bytecode 指令 (Python 2)，或是超過 5 ms (Python 3.2後) 的時候，執行緒將會釋放 GIL 來讓其他執行緒使用。」
  (notes 000: a thread releases the GIL for other threads once it has
  interpreted more than 1000 bytecode instructions (Python 2) or run more
  than 5 ms (since Python 3.2))
  「任何时刻仅有一个线程在执行。」 (notes 001: only one thread runs at any moment)
  「规避方法2： 使用multiprocessing多进程，对CPU密集型计算，单独启动子进程解释器去执行」
  (notes 001, "workaround 2" (the note numbers both workarounds 2): use
  multiprocessing; for CPU-bound work, start a separate interpreter in a
  child process)

Here the GIL is real: the same CPU job (is_prime calls, trial division:
the catalogue's CPU job, added here) on 1 thread, then split over 2 threads, which take turns holding
the GIL (sys.getswitchinterval() = 0.005 s: a waiting thread asks for the GIL
after that long, and the holder gives it up at its next check point) and so
are no faster; then split over 2 processes, each with its own interpreter and
GIL, which scale (the note's workaround). Process start-up is inside that
cost. The Rust bin's hand-over count has no twin: CPython does not count.

    python3 examples-sync/python/gil.py [--numbers 4000] [--threads 2] [--switch-interval 0.005]
    python3 examples-sync/python/gil.py --spans /tmp/spans.jsonl

--spans FILE writes when each thread (and each worker process) ran, as JSON
lines ({"name", "what", "start", "end"}, seconds on the clock of the event
lines), rows main, gil-1, gil-2, ... and "process <pid>". What these spans
are, and are not: CPython's GIL cannot be watched from Python, so they are
not the GIL's holds as the Rust bin records them (from taking the lock to
handing it over). Each thread times every unit of its work (one is_prime
call, about 0.24 ms) on the wall clock and on its own CPU clock
(time.thread_time()); a unit whose wall time exceeds its CPU time by more
than 1 ms was switched out part-way and is dropped, and the units kept in a
row are merged into one span. So a span is a stretch in which the thread
surely ran all along (and so held the GIL, labelled "holds the GIL"; a
process "holds its own GIL"), short of the real hold by up to a unit at
each end; a thread the operating system preempts on a busy machine shows a
gap too. The picture: gil-1 and gil-2 take turns, about 5 ms each; the
processes run side by side.

--numbers defaults to 4000, not the Rust bin's 50,000: one is_prime call is
some 20-25x slower here than in Rust's release build (about 0.24 ms against
10 us on this machine), so 4000 calls take about as long, a second or so per
run.

The pool's worker processes must not outlive the twin: they inherit its
stdout, and a test harness reading that pipe would wait for them. The `with`
block terminates them when the pool is done or on an error; if the twin is
killed outright, each worker notices (die_with_parent) and exits.
"""
import argparse
import json
import math
import multiprocessing
import multiprocessing.connection
import os
import sys
import threading
import time

START = time.perf_counter()


def log(msg, who=None):
    # The newline goes in the same write as the text: print(..., end="\n")
    # writes them separately, so lines from two threads could interleave.
    print(f"[{time.perf_counter() - START:7.3f}s {who or threading.current_thread().name}] {msg}\n", end="", flush=True)


N = 100_000_007  # a 9-digit prime: one is_prime call is ~5,000 trial divisions


def is_prime(n):
    if n < 2:
        return False
    if n == 2:
        return True
    if n % 2 == 0:
        return False
    sqrt_n = int(math.floor(math.sqrt(n)))
    for i in range(3, sqrt_n + 1, 2):
        if n % i == 0:
            return False
    return True


def job(count):
    return sum(1 for _ in range(count) if is_prime(N))


SWITCHED_OUT = 0.001  # a unit's wall time above its CPU time: more, and the thread did not run all of it


def job_spans(count, row, what):
    """job(count), and the spans in which this thread surely ran: (found, [(row, what, start, end)]).
    Each unit is timed from the end of the one before (no gap for a switch to hide in)."""
    found, spans, run = 0, [], None  # run: [start, end] of the units kept in a row
    t0, c0 = time.perf_counter(), time.thread_time()
    for _ in range(count):
        found += is_prime(N)
        t1, c1 = time.perf_counter(), time.thread_time()
        if (t1 - t0) - (c1 - c0) <= SWITCHED_OUT:  # ran all of it: the span goes on
            run = [t0, t1] if run is None else [run[0], t1]
        elif run is not None:  # switched out part-way: the span ended before this unit
            spans.append((row, what, run[0] - START, run[1] - START))
            run = None
        t0, c0 = t1, c1
    if run is not None:
        spans.append((row, what, run[0] - START, run[1] - START))
    return found, spans


SPANS = []  # (row, what, start, end); list.append is atomic under the GIL
RECORDING = False  # set by --spans: nothing is timed otherwise


def counted(count):
    """The job on this thread: job(count), or with --spans job_spans, its spans kept."""
    if not RECORDING:
        return job(count)
    found, spans = job_spans(count, threading.current_thread().name, "holds the GIL")
    SPANS.extend(spans)
    return found


def in_process(count):
    """The job in a pool's worker process: (found, spans), the spans on row `process <pid>`."""
    if not RECORDING:
        return job(count), []
    return job_spans(count, f"process {os.getpid()}", "holds its own GIL")


def write_spans(path, mode="a"):  # the file was created (emptied) at start
    lines = "".join(json.dumps({"name": n, "what": w, "start": round(s, 6), "end": round(e, 6)}) + "\n"
                    for n, w, s, e in SPANS)
    with open(path, mode) as f:
        f.write(lines)


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


def positive_seconds(s):
    """An argparse type: seconds more than 0, at most 3600 (the Rust bin's
    range); rejects NaN and the infinities, as the Rust bin does."""
    try:
        x = float(s)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{s!r} is not a number of seconds") from None
    if not 0 < x <= 3600:  # False for NaN
        raise argparse.ArgumentTypeError(f"{s} is not a number of seconds more than 0, at most 3600")
    return x


def die_with_parent(start=None, recording=False):
    """Pool initializer, run first in each worker: a daemon thread waits until
    the parent (the twin) is gone, then ends this worker. The sentinel becomes
    ready when the parent exits, however it exits, even if it was killed.
    Also takes the parent's clock and --spans: the default fork start method
    on Linux keeps both, spawn and forkserver re-import this module."""
    global START, RECORDING
    START, RECORDING = start if start is not None else START, recording

    def watch():
        multiprocessing.connection.wait([multiprocessing.parent_process().sentinel])
        os._exit(1)

    threading.Thread(target=watch, name="die-with-parent", daemon=True).start()


def shares(numbers, threads):
    return [numbers // threads + (1 if i < numbers % threads else 0) for i in range(threads)]


def on_threads(numbers, threads):
    found = []
    ts = [threading.Thread(target=lambda c=c: found.append(counted(c)), name=f"gil-{i + 1}")
          for i, c in enumerate(shares(numbers, threads))]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return sum(found)


def timed(label, f):
    start = time.perf_counter()
    out = f()
    secs = time.perf_counter() - start
    print(f"{label}, cost = {secs:.3f} seconds", flush=True)
    return out, secs


def main():
    threading.current_thread().name = "main"  # the name Rust gives it, so the lines match
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--numbers", type=int_in(0, 10_000_000), default=4000,
                   help="total number of is_prime calls (Rust's default is 50000: a call is ~20-25x slower in Python)")
    p.add_argument("--threads", type=int_in(1, 64), default=2, help="threads (and processes) for the split runs")
    p.add_argument("--switch-interval", type=positive_seconds, default=0.005,
                   help="sys.setswitchinterval, seconds (more than 0, at most 3600)")
    p.add_argument("--spans", metavar="FILE", help="write when each thread and process ran to FILE, as JSON lines")
    a = p.parse_args()
    if a.spans:
        global RECORDING
        try:  # created (emptied) now: a bad path fails before the work
            open(a.spans, "w").close()
        except OSError as e:
            sys.exit(f"error: cannot create the spans file {a.spans}: {e.strerror}")
        RECORDING = True
    sys.setswitchinterval(a.switch_interval)
    t, n = a.threads, a.numbers
    print(f"job: {n} x is_prime({N}); GIL switch interval {sys.getswitchinterval() * 1000:g}ms")

    one, single = timed("1 thread", lambda: counted(n))
    with_gil, gil_cost = timed(f"{t} threads with GIL", lambda: on_threads(n, t))

    def on_processes():
        # Leaving the with block calls pool.terminate(), on success or error.
        with multiprocessing.Pool(t, initializer=die_with_parent, initargs=(START, RECORDING)) as pool:
            done = pool.map(in_process, shares(n, t))
        for _, spans in done:
            SPANS.extend(spans)
        return sum(found for found, _ in done)

    without, free_cost = timed(f"{t} processes without a shared GIL", on_processes)
    if a.spans:
        write_spans(a.spans)
    print(f"speedup with GIL = {single / max(gil_cost, 1e-9):.2f}x")
    print(f"speedup without GIL = {single / max(free_cost, 1e-9):.2f}x")

    if (one, with_gil, without) != (n, n, n):
        sys.exit(f"error: check failed: expected {n} primes in every run, got {one}, {with_gil}, {without}")
    print(f"check: every run found {n} of {n} primes")


if __name__ == "__main__":
    main()
