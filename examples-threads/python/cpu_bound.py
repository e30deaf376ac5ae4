"""The GIL lesson: a thread pool does not speed up CPU-bound Python code.

Python twin of examples-threads/src/bin/cpu_bound.rs (where a rayon pool does
speed it up). The note's is_prime over PRIMES = [112272535095293] * 100, on one
thread, then with ThreadPoolExecutor().map(is_prime, PRIMES).

Run it (the full 100 numbers take minutes; try fewer):
    python3 examples-threads/python/cpu_bound.py --count 4 --threads 2

Expect `speedup = 1.00x` or a little less: the GIL lets one thread at a time
run Python bytecode, so the pool's threads take turns.
"""

import argparse
import concurrent.futures
import math
import os
import sys
import time

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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100, choices=range(1, 101), metavar="1..100")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    if args.threads < 1:
        sys.exit(f"error: --threads {args.threads} is not in 1..")
    numbers = PRIMES[: args.count]
    print(f"checking {len(numbers)} numbers: one thread, then a pool of {args.threads} threads")

    start = time.perf_counter()
    single = [is_prime(n) for n in numbers]
    single_secs = time.perf_counter() - start
    print(f"single thread, cost = {single_secs:.3f} seconds")

    start = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.threads) as executor:
        pooled = list(executor.map(is_prime, numbers))
    pool_secs = time.perf_counter() - start
    print(f"thread pool, cost = {pool_secs:.3f} seconds")

    print(f"speedup = {single_secs / pool_secs:.2f}x")
    if single != pooled:
        sys.exit("error: the single-thread and pool answers differ")
    if not all(single):
        sys.exit("error: some of PRIMES were judged not prime")
    print(f"check: both give the same {len(numbers)} answers (all prime)")


if __name__ == "__main__":
    main()
