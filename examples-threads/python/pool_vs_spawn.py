"""Why pools: a thread per task vs a ThreadPoolExecutor that reuses its threads.

Twin of examples-threads/src/bin/pool_vs_spawn.rs. The note
(notes/001_02a52d28409d88e4.txt), word for word:
原理：提前创建好线程/进程放在池子里，新的task到来可以重用这些资源，减少了新建、终止线程/进程的开销
("how it works: threads/processes are created in advance and kept in the
pool; a new task reuses them, saving the cost of creating and ending
threads/processes"). Added here: a measurement of that cost. The same tiny
tasks (i * i), with at most N threads alive: first a threading.Thread per
task, N at a time, each joined; then ThreadPoolExecutor(max_workers=N).map.

Run: python3 examples-threads/python/pool_vs_spawn.py [--tasks 100000]
"""

import argparse, concurrent.futures, os, sys, threading, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "python"))
import blog_spider  # cost() prints `label, cost = X seconds`; argument types: shared/python/blog_spider.py


def task(i):
    return i * i


def spawn_per_task(tasks, batch):
    results = [0] * tasks  # a Thread's target cannot return a value to join()

    def run(i):
        results[i] = task(i)

    for first in range(0, tasks, batch):  # `batch` threads alive at a time, each started and joined
        alive = [threading.Thread(target=run, args=(i,)) for i in range(first, min(first + batch, tasks))]
        for t in alive:
            t.start()
        for t in alive:
            t.join()
    return sum(results)


def thread_pool(tasks, workers):
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as executor:
        return sum(executor.map(task, range(tasks)))


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--tasks", type=blog_spider.count(0, 10_000_000), default=100_000)
    p.add_argument("--threads", type=blog_spider.count(1, 256), default=min(os.cpu_count() or 1, 256))
    args = p.parse_args()
    print(f"{args.tasks} tasks, at most {args.threads} threads alive at a time")
    with blog_spider.timed("spawn per task") as spawn:
        spawned = spawn_per_task(args.tasks, args.threads)
    with blog_spider.timed("thread pool") as pool:
        pooled = thread_pool(args.tasks, args.threads)
    print(f"ratio = {spawn.seconds / pool.seconds:.2f}x (spawn per task / thread pool)")
    expected = sum(map(task, range(args.tasks)))  # on this thread, one by one
    if spawned != expected or pooled != expected:
        blog_spider.fail("the sums differ")
    print(f"check: both sums = {expected}")
