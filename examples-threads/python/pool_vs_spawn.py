"""Why pools: a thread per task vs a ThreadPoolExecutor that reuses its threads.

Python twin of examples-threads/src/bin/pool_vs_spawn.rs. The note
(notes/001_02a52d28409d88e4.txt), word for word:
原理：提前创建好线程/进程放在池子里，新的task到来可以重用这些资源，减少了新建、终止线程/进程的开销
("how it works: threads/processes are created in advance and kept in the
pool; a new task reuses them, saving the cost of creating and ending
threads/processes"). Added here: a measurement of that cost. The same tiny
tasks (i * i), with at most N threads alive: first a threading.Thread per
task, N at a time, each joined; then ThreadPoolExecutor(max_workers=N).map.

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
    parser.add_argument("--tasks", type=count(0, 10_000_000), default=100_000)
    parser.add_argument("--threads", type=count(1, 256), default=min(os.cpu_count() or 1, 256))
    args = parser.parse_args()
    threading.current_thread().name = "main"  # the name Rust gives it
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
