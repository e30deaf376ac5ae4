"""The GIL lesson: a thread pool does not speed up CPU-bound Python code; a process pool does.

Python twin of examples-threads/src/bin/cpu_bound.rs (where a pool of
threads does speed it up). The notes (notes/001_02a52d28409d88e4.txt), word
for word: 即使使用了多线程，同一时刻也只有单个线程使用CPU，导致多核CPU的浪费
("even with many threads, only one thread uses the CPU at a time, wasting a
multi-core CPU") and the way around it:
使用multiprocessing多进程，对CPU密集型计算，单独启动子进程解释器去执行
("use multiprocessing: for CPU-bound work, start a separate child
interpreter process to run it"). The job is the course's well-known one (not
in the notes' text): is_prime over PRIMES = [112272535095293] * 100, on one
thread, with ThreadPoolExecutor().map(is_prime, PRIMES), and with
ProcessPoolExecutor().map(is_prime, PRIMES).

Run it (the full 100 numbers take minutes; try fewer):
    python3 examples-threads/python/cpu_bound.py --count 8 --threads 2

Expect the thread pool's speedup near 1.00x (or below: the GIL lets one
thread at a time run bytecode, so the threads take turns), and the process
pool's near the number of cores (each process has its own interpreter and
its own GIL), less the cost of starting the processes.
"""

import argparse
import concurrent.futures
import math
import os
import threading
import time

PRIMES = [112272535095293] * 100


def count(lo, hi):
    """argparse type: an integer in lo..=hi, as the Rust bin's clap range."""
    def parse(s):
        try:
            n = int(s)
        except ValueError:
            n = lo - 1
        if not lo <= n <= hi:
            raise argparse.ArgumentTypeError(f"{s} is not in {lo}..={hi}")
        return n
    return parse


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


def timed(label, f):
    """Runs f(), prints the notes' `<label>, cost = X seconds`, returns (result, seconds)."""
    start = time.perf_counter()
    result = f()
    secs = time.perf_counter() - start
    print(f"{label}, cost = {secs:.3f} seconds", flush=True)
    return result, secs


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=count(1, 100), default=100, help="how many of the 100 PRIMES to check")
    parser.add_argument("--threads", type=count(1, 256), default=min(os.cpu_count() or 1, 256),
                        help="workers in each pool (default: one per CPU)")
    args = parser.parse_args()
    threading.current_thread().name = "main"  # the name Rust gives it
    numbers = PRIMES[: args.count]
    print(f"checking {len(numbers)} numbers: one thread, then pools of {args.threads} threads and {args.threads} processes")

    single, single_secs = timed("single thread", lambda: [is_prime(n) for n in numbers])

    def on(executor_class):
        with executor_class(max_workers=args.threads) as executor:
            return list(executor.map(is_prime, numbers))

    threads, thread_secs = timed("thread pool", lambda: on(concurrent.futures.ThreadPoolExecutor))
    processes, process_secs = timed("process pool", lambda: on(concurrent.futures.ProcessPoolExecutor))

    # All three timings come from this one run, so the ratios are fair.
    print(f"speedup = {single_secs / thread_secs:.2f}x (thread pool vs single thread)")
    print(f"speedup = {single_secs / process_secs:.2f}x (process pool vs single thread)")
    print("the GIL: the pool's threads take turns on one interpreter; each process has its own")
    if not single == threads == processes:
        raise SystemExit("error: the single-thread and pool answers differ")
    if not all(single):
        raise SystemExit("error: some of PRIMES were judged not prime")
    print(f"check: all three give the same {len(numbers)} answers (all prime)")


if __name__ == "__main__":  # needed where workers are spawned (macOS, Windows): they import this module
    main()
