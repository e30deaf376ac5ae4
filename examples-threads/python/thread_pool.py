"""A thread pool and its three result orders: input order, completion order,
completion order re-sorted by index.

Twin of examples-threads/src/bin/thread_pool.rs. ThreadPoolExecutor: tasks that
sleep [3, 1, 4, 2, 0] units run through executor.map (input order), then
through submit + as_completed with the future-to-index dict (completion order),
and the completed results are re-sorted by that index (input order again).

Run: python3 examples-threads/python/thread_pool.py --unit 1 --sleeps 3,1,4,2,0 --workers 5
"""

import argparse
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed

START = time.perf_counter()


def log(msg, who=None):
    # One write per line (the newline inside, end=""), so lines from several threads never tear.
    print(f"[{time.perf_counter() - START:7.3f}s {who or threading.current_thread().name}] {msg}\n", end="", flush=True)


def timed(label, f):
    start = time.perf_counter()
    out = f()
    print(f"{label}, cost = {time.perf_counter() - start:.3f} seconds", flush=True)
    return out


def name_like_rust():
    """Pool initializer, run once in each worker thread: the executor names its
    threads pool_0, pool_1, ...; rename them pool-0, pool-1, ... as the Rust
    pool's thread_name(|i| format!("pool-{i}")) does, so the lines match."""
    me = threading.current_thread()
    me.name = me.name.replace("pool_", "pool-", 1)


def fail(msg):
    print(f"error: {msg}", file=sys.stderr)
    sys.exit(1)


def main():
    threading.current_thread().name = "main"  # the name Rust gives it, so the lines match
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sleeps", type=lambda s: [int(x) for x in s.split(",")], default=[3, 1, 4, 2, 0])
    p.add_argument("--unit", type=float, default=1.0)
    p.add_argument("--workers", type=int, default=5)
    args = p.parse_args()
    if args.unit < 0 or args.workers < 1 or any(s < 0 for s in args.sleeps):
        p.error("--unit and --sleeps must be >= 0, --workers >= 1")
    sleeps, unit, n = args.sleeps, args.unit, len(args.sleeps)

    def task(i, units):
        log(f"task {i}: sleeping {units} units")
        time.sleep(units * unit)
        log(f"task {i}: done")
        return units

    pool = ThreadPoolExecutor(max_workers=args.workers, thread_name_prefix="pool", initializer=name_like_rust)
    with pool as executor:
        # 1. map: results in input order, whatever order the tasks finish in.
        mapped = timed("map", lambda: list(executor.map(task, range(n), sleeps)))
        log(f"map (input order): {mapped}")

        # 2. submit + as_completed, with the future-to-index dict.
        def submit_all():
            futures = {executor.submit(task, i, s): i for i, s in enumerate(sleeps)}
            done = []
            for f in as_completed(futures):
                i = futures[f]
                log(f"as_completed: task {i} -> {f.result()}")
                done.append((i, f.result()))
            return done

        completed = timed("submit + as_completed", submit_all)
        log(f"as_completed (completion order, (index, result)): {completed}")

    # 3. completion order re-sorted by the index the dict gave back.
    resorted = sorted(completed)
    log(f"re-sorted by index: {resorted}")

    if mapped != sleeps:
        fail(f"map did not keep input order: {mapped}")
    if len(completed) != n:
        fail(f"{len(completed)} of {n} results came back")
    if args.workers >= n:
        # Every task started at once, so the shorter the sleep, the sooner it ends.
        if any(a[1] > b[1] for a, b in zip(completed, completed[1:])):
            fail(f"as_completed was not in order of sleep: {completed}")
        print("check: as_completed yielded the results shortest sleep first")
    else:
        print(f"check skipped: {args.workers} workers < {n} tasks, so completion order also depends on queueing")
    if [i for i, _ in resorted] != list(range(n)) or [r for _, r in resorted] != sleeps:
        fail(f"re-sorting did not restore input order: {resorted}")
    print(f"check: map and the re-sorted results are both in input order {sleeps}")


if __name__ == "__main__":
    main()
