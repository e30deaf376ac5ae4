"""A counting semaphore caps how many threads do a job at once.

Twin of examples-threads/src/bin/semaphore.rs. threading.Semaphore(3) around
20 spider threads of 2 s each: at most 3 crawl at any moment, so the jobs go
through in about 7 rounds. The in-flight count is updated and printed under
one lock at each acquire and release, and checked to never exceed the permits.

Run: python3 examples-threads/python/semaphore.py --jobs 20 --permits 3 --job-secs 2
"""

import argparse
import math
import sys
import threading
import time

START = time.perf_counter()


def log(msg, who=None):
    # One write per line (the newline inside, end=""), so lines from several threads never tear.
    print(f"[{time.perf_counter() - START:7.3f}s {who or threading.current_thread().name}] {msg}\n", end="", flush=True)


count_lock = threading.Lock()
in_flight = {"now": 0, "max": 0}


def count(into):
    """Counts a spider in (after acquire) or out (before release), printing under the lock."""
    with count_lock:
        if into:
            in_flight["now"] += 1
            in_flight["max"] = max(in_flight["max"], in_flight["now"])
            log(f"acquired, in flight = {in_flight['now']}")
        else:
            in_flight["now"] -= 1
            log(f"releasing, in flight = {in_flight['now']}")


def spider(semaphore, job_secs):
    log("waiting for a permit")
    with semaphore:
        count(True)
        time.sleep(job_secs)  # the crawl
        count(False)


def main():
    threading.current_thread().name = "main"  # the name Rust gives it, so the lines match
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--jobs", type=int, default=20)
    p.add_argument("--permits", type=int, default=3)
    p.add_argument("--job-secs", type=float, default=2.0)
    args = p.parse_args()
    if not (1 <= args.jobs <= 1000 and 1 <= args.permits <= 1000 and args.job_secs >= 0):
        p.error("--jobs and --permits must be 1..1000, --job-secs >= 0")

    semaphore = threading.Semaphore(args.permits)
    start = time.perf_counter()
    threads = [threading.Thread(target=spider, args=(semaphore, args.job_secs), name=f"spider-{i}")
               for i in range(1, args.jobs + 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(f"semaphore, cost = {time.perf_counter() - start:.3f} seconds")

    rounds = math.ceil(args.jobs / args.permits)
    print(f"{args.jobs} jobs x {args.job_secs:g} s through {args.permits} permits: about {rounds} rounds")
    if in_flight["max"] > args.permits:
        print(f"error: {in_flight['max']} jobs were in flight at once, above {args.permits} permits", file=sys.stderr)
        sys.exit(1)
    print(f"check: at most {args.permits} in flight (max seen {in_flight['max']})")


if __name__ == "__main__":
    main()
