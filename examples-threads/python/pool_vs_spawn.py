"""Why pools: a thread per task vs a ThreadPoolExecutor that reuses its threads.

Python twin of examples-threads/src/bin/pool_vs_spawn.rs. The same tiny tasks
(i * i), with at most N threads alive: first a threading.Thread per task, N at
a time, each joined; then ThreadPoolExecutor(max_workers=N).map(task, ...).

Run it:
    python3 examples-threads/python/pool_vs_spawn.py --tasks 100000

Prints both costs and `ratio = X.XXx (spawn per task / thread pool)`.
"""

import argparse
import concurrent.futures
import os
import sys
import threading
import time


def task(i):
    return i * i


def spawn_per_task(tasks, batch):
    results = [0] * tasks  # a Thread's target cannot return a value to join()

    def run(i):
        results[i] = task(i)

    alive = []
    for i in range(tasks):
        t = threading.Thread(target=run, args=(i,))
        t.start()
        alive.append(t)
        if len(alive) == batch or i + 1 == tasks:
            for t in alive:
                t.join()
            alive.clear()
    return sum(results)


def thread_pool(tasks, workers):
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as executor:
        return sum(executor.map(task, range(tasks)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    if args.tasks < 0 or args.threads < 1:
        sys.exit("error: --tasks must be >= 0 and --threads >= 1")
    print(f"{args.tasks} tasks, at most {args.threads} threads alive at a time")

    start = time.perf_counter()
    spawned = spawn_per_task(args.tasks, args.threads)
    spawn_secs = time.perf_counter() - start
    print(f"spawn per task, cost = {spawn_secs:.3f} seconds")

    start = time.perf_counter()
    pooled = thread_pool(args.tasks, args.threads)
    pool_secs = time.perf_counter() - start
    print(f"thread pool, cost = {pool_secs:.3f} seconds")

    print(f"ratio = {spawn_secs / pool_secs:.2f}x (spawn per task / thread pool)")
    n = args.tasks
    expected = (n - 1) * n * (2 * n - 1) // 6 if n else 0
    if spawned != expected or pooled != expected:
        sys.exit(f"error: sums differ: spawn {spawned}, pool {pooled}, expected {expected}")
    print(f"check: both sums = {expected}")


if __name__ == "__main__":
    main()
