"""The GIL: one thread runs bytecode at a time, switching every 5 ms.

Twin of examples-sync/src/bin/gil.rs, which simulates the GIL with a lock handed over
every 5 ms. The notes, word for word:
  「當一個執行緒沒有直譯超過 1000 個 bytecode 指令 (Python 2)，或是超過 5 ms (Python 3.2後) 的時候，執行緒將會釋放 GIL 來讓其他執行緒使用。」
  (notes 000: a thread releases the GIL for other threads once it has interpreted
  more than 1000 bytecode instructions (Python 2) or run more than 5 ms (since 3.2))
  「任何时刻仅有一个线程在执行。」 (notes 001: only one thread runs at any moment)
  「规避方法2： 使用multiprocessing多进程，对CPU密集型计算，单独启动子进程解释器去执行」
  (notes 001, "workaround 2" (the note numbers both workarounds 2): use
  multiprocessing; for CPU-bound work, start a separate interpreter in a child process)

Here the GIL is real: the same CPU job (is_prime calls, added here) on 1 thread, then
split over 2 threads, which take turns holding the GIL (a thread that has waited
sys.getswitchinterval() = 0.005 s asks for it, and the holder gives it up at its next
check point) and so are no faster; then over 2 processes, each with its own
interpreter and GIL, which scale (the note's workaround; process start-up is inside
that cost). The Rust bin's hand-over count has no twin: CPython does not count.
The first line names the Python and its GIL: `Python 3.11.7 (GIL)`. On a free-threaded
build (3.13t, 3.14t: `Python 3.14.0 (free-threaded)`) there is no GIL to take turns on:
the 2 threads run in parallel and scale like the processes, so the lesson is then the
Rust bin's simulated GIL, and a statement about the default build only.

    python3 examples-sync/python/gil.py [--numbers 4000] [--threads 2] [--switch-interval 0.005]

--numbers defaults to 4000, not the Rust bin's 50,000: one is_prime call is some
20-25x slower here than in Rust's release build, so 4000 take about as long.
"""
import argparse, multiprocessing, os, platform, sys, threading
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "python"))
# blog_spider (shared/python/blog_spider.py): is_prime, the course's trial division; timed(label)
# prints `label, cost = X seconds`; count, positive_seconds: argparse types refusing bad values;
# fail(msg): one error line, exit 1
from blog_spider import count, fail, is_prime, positive_seconds, timed

N = 100_000_007  # a 9-digit prime: one is_prime call is ~5,000 trial divisions


def job(calls):
    return sum(1 for _ in range(calls) if is_prime(N))


def main():
    p = argparse.ArgumentParser(description="The GIL makes 2 threads no faster than 1; 2 processes scale")
    p.add_argument("--numbers", type=count(0, 10_000_000), default=4000, help="is_prime calls in the job")
    p.add_argument("--threads", type=count(1, 64), default=2, help="threads (and processes) for the split runs")
    p.add_argument("--switch-interval", type=positive_seconds, default=0.005, help="sys.setswitchinterval, seconds")
    a = p.parse_args()
    sys.setswitchinterval(a.switch_interval)
    n, t = a.numbers, a.threads
    gil = getattr(sys, "_is_gil_enabled", lambda: True)()  # False only on a free-threaded build (3.13+)
    print(f"python: Python {platform.python_version()} ({'GIL' if gil else 'free-threaded'})")
    shares = [len(range(i, n, t)) for i in range(t)]  # n calls in t near-equal shares
    print(f"job: {n} x is_prime({N}); GIL switch interval {sys.getswitchinterval() * 1000:g}ms")
    with timed("1 thread") as single:
        one = job(n)
    with timed(f"{t} threads {'with' if gil else 'without'} GIL") as threads:
        found = []  # list.append is one call into C: indivisible under the GIL
        ts = [threading.Thread(target=lambda c=c: found.append(job(c)), name=f"gil-{i + 1}") for i, c in enumerate(shares)]
        [th.start() for th in ts]
        [th.join() for th in ts]
    with timed(f"{t} processes without a shared GIL") as processes:
        with multiprocessing.Pool(t) as pool:  # leaving the block terminates the workers
            without = sum(pool.map(job, shares))
    print(f"speedup {'with' if gil else 'without'} GIL = {single.seconds / max(threads.seconds, 1e-9):.2f}x")
    print(f"speedup without GIL = {single.seconds / max(processes.seconds, 1e-9):.2f}x")
    if (one, sum(found), without) != (n, n, n):
        fail(f"check failed: expected {n} primes in every run, got {one}, {sum(found)}, {without}")
    print(f"check: every run found {n} of {n} primes")


if __name__ == "__main__":  # the pool's workers import this file: only the parent runs main
    main()
