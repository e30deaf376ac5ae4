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

For the comparison harness, as in the Rust bin: --only single|threads|processes
runs one of the three (with its own check), --json ends the output with one
JSON line (workload "primes", params count, workers, only; every cost line;
the answer "8 of 8 prime"), and --spans FILE writes who ran when, one span
per number, "is_prime #k", on the rows main, pool_0.. (the thread pool's
threads) and "worker (pid P)" (each process-pool worker times its own and
sends the times back with the answer; perf_counter is one clock for every
process of the machine).
    python3 examples-processes/python/cpu_bound_proc.py --count 8 --only processes --json
    python3 examples-processes/python/cpu_bound_proc.py --count 8 --spans /tmp/cpu.jsonl
"""
import argparse
import json
import math
import multiprocessing
import os
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

START = time.perf_counter()

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


def timed_is_prime(job):
    """is_prime(n) for job (k, n), with who checked it and when, as
    (answer, (row, what, begin, end)); begin and end are raw perf_counter()
    readings, which main turns into seconds since its START."""
    k, n = job
    begin = time.perf_counter()
    answer = is_prime(n)
    end = time.perf_counter()
    if multiprocessing.parent_process() is not None:  # a process-pool worker
        row = f"worker (pid {os.getpid()})"
    else:
        row = threading.current_thread().name
    return answer, (row, f"is_prime #{k}", begin, end)


COSTS = []  # every cost line printed, as the --json report's "costs"


def timed(label, f):
    begin = time.perf_counter()
    result = f()
    secs = time.perf_counter() - begin
    print(f"{label}, cost = {secs:.3f} seconds", flush=True)
    COSTS.append({"label": label, "seconds": secs})
    return result


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--count", type=bounded(1, 100), default=100, help="how many of the 100 PRIMES to check")
    p.add_argument("--workers", type=bounded(1, 256), default=os.cpu_count() or 1, help="threads / processes in the pools")
    p.add_argument("--only", choices=["single", "threads", "processes"], help="run only one of the three")
    p.add_argument("--json", action="store_true", help="end with one JSON line, the comparison harness's report")
    p.add_argument("--spans", metavar="FILE", help="write who checked which number when to FILE, as JSON lines")
    a = p.parse_args()
    threading.current_thread().name = "main"  # the name Rust gives it, so the rows match
    if a.spans:
        try:  # created (emptied) now: a bad path fails before the work
            open(a.spans, "w").close()
        except OSError as e:
            print(f"error: cannot create the spans file {a.spans}: {e.strerror}", file=sys.stderr)
            sys.exit(1)
    jobs = list(enumerate(PRIMES[: a.count]))

    def on(pool, **kw):
        with pool(max_workers=a.workers, **kw) as executor:
            return list(executor.map(timed_is_prime, jobs))

    ways = [
        ("single", "single thread", "one thread", lambda: [timed_is_prime(j) for j in jobs]),
        ("threads", "multi thread", f"{a.workers} threads", lambda: on(ThreadPoolExecutor, thread_name_prefix="pool")),
        ("processes", "multi process", f"{a.workers} processes", lambda: on(ProcessPoolExecutor)),
    ]
    ways = [w for w in ways if a.only in (None, w[0])]
    print(f"checking {len(jobs)} numbers: {', then '.join(w[2] for w in ways)}", flush=True)
    timed_runs = [(label, timed(label, run)) for _, label, _, run in ways]
    results = [(label, [answer for answer, _ in run]) for label, run in timed_runs]
    if a.spans:
        with open(a.spans, "a") as f:
            for _, run in timed_runs:
                for _, (row, what, begin, end) in run:
                    f.write(json.dumps({"name": row, "what": what, "start": begin - START, "end": end - START}) + "\n")

    first, answers = results[0]
    for label, other in results[1:]:
        if other != answers:
            raise SystemExit(f"error: the {first} and {label} answers differ")
    if not all(answers):
        raise SystemExit("error: some of PRIMES were judged not prime")
    if len(results) == 1:
        print(f"check: {first}: {len(jobs)} answers, all prime", flush=True)
    else:
        print(f"check: all three give the same {len(jobs)} answers (all prime)", flush=True)
    if a.json:
        params = {"count": a.count, "workers": a.workers, "only": a.only or "all"}
        print(json.dumps({"program": "cpu_bound_proc", "lang": "python", "workload": "primes", "params": params,
                          "costs": COSTS, "answer": f"{sum(answers)} of {len(answers)} prime"}), flush=True)


if __name__ == "__main__":
    main()
