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
the answer "8 of 8 prime").
    python3 examples-processes/python/cpu_bound_proc.py --count 8 --only processes --json
"""
import argparse
import json
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
    a = p.parse_args()
    numbers = PRIMES[: a.count]

    def on(pool):
        with pool(max_workers=a.workers) as executor:
            return list(executor.map(is_prime, numbers))

    ways = [
        ("single", "single thread", "one thread", lambda: [is_prime(n) for n in numbers]),
        ("threads", "multi thread", f"{a.workers} threads", lambda: on(ThreadPoolExecutor)),
        ("processes", "multi process", f"{a.workers} processes", lambda: on(ProcessPoolExecutor)),
    ]
    ways = [w for w in ways if a.only in (None, w[0])]
    print(f"checking {len(numbers)} numbers: {', then '.join(w[2] for w in ways)}", flush=True)
    results = [(label, timed(label, run)) for _, label, _, run in ways]

    first, answers = results[0]
    for label, other in results[1:]:
        if other != answers:
            raise SystemExit(f"error: the {first} and {label} answers differ")
    if not all(answers):
        raise SystemExit("error: some of PRIMES were judged not prime")
    if len(results) == 1:
        print(f"check: {first}: {len(numbers)} answers, all prime", flush=True)
    else:
        print(f"check: all three give the same {len(numbers)} answers (all prime)", flush=True)
    if a.json:
        params = {"count": a.count, "workers": a.workers, "only": a.only or "all"}
        print(json.dumps({"program": "cpu_bound_proc", "lang": "python", "workload": "primes", "params": params,
                          "costs": COSTS, "answer": f"{sum(answers)} of {len(answers)} prime"}), flush=True)


if __name__ == "__main__":
    main()
