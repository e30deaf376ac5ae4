"""The CPU-bound job three ways: one thread, a thread pool, a process pool.

Twin of examples-processes/src/bin/cpu_bound_proc.rs. is_prime over
PRIMES = [112272535095293] * 100: a loop, ThreadPoolExecutor().map and
ProcessPoolExecutor().map, each timed with the notes' print. With the GIL
the thread pool is no faster than the loop (often a little slower); the
process pool is about as many times faster as there are cores (note 001:
CPU密集型 ... 使用多进程multithreading, "CPU-bound: use multiple processes";
the note writes "multithreading" where it means multiprocessing).

One is_prime(112272535095293) takes about 0.25 s here, so the full 100 take
about 25 s on one thread and about a minute for the three runs; try fewer:
    python3 examples-processes/python/cpu_bound_proc.py --count 8 --workers 2
"""
import argparse
import math
import os
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

PRIMES = [112272535095293] * 100


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


def bounded(lo, hi):
    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if not lo <= value <= hi:
            raise argparse.ArgumentTypeError(f"{value} is not in {lo}..={hi}")
        return value
    return parse


def timed(label, f):
    begin = time.perf_counter()
    result = f()
    print(f"{label}, cost = {time.perf_counter() - begin:.3f} seconds", flush=True)
    return result


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--count", type=bounded(1, 100), default=100, help="how many of the 100 PRIMES to check")
    p.add_argument("--workers", type=bounded(1, 256), default=os.cpu_count() or 1, help="threads / processes in the pools")
    a = p.parse_args()
    numbers = PRIMES[: a.count]
    print(f"checking {len(numbers)} numbers: one thread, then {a.workers} threads, then {a.workers} processes", flush=True)

    single = timed("single thread", lambda: [is_prime(n) for n in numbers])

    def on(pool):
        with pool(max_workers=a.workers) as executor:
            return list(executor.map(is_prime, numbers))

    multi_thread = timed("multi thread", lambda: on(ThreadPoolExecutor))
    multi_process = timed("multi process", lambda: on(ProcessPoolExecutor))

    if single != multi_thread or single != multi_process:
        raise SystemExit("error: the three answers differ")
    if not all(single):
        raise SystemExit("error: some of PRIMES were judged not prime")
    print(f"check: all three give the same {len(numbers)} answers (all prime)", flush=True)


if __name__ == "__main__":
    main()
