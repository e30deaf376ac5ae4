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

For the comparison harness, as in the Rust bin: --only single, --only pool or
--only process runs one of the three, with its check (the Rust bin's --only
has single and pool only: it has no process pool); --json ends the output
with one JSON line, the run's report (params count, threads, only; a cost per
cost line; the answer "N of N prime", the Rust bin's very string); --spans
FILE writes one JSON line per is_prime call, labelled "is_prime #k": on row
main for the single thread, on the pool thread's row (pool-0, pool-1, ...)
for the thread pool, and on row "process <pid>" for the process pool, whose
workers time each call on the parent's clock (the parent's START, handed to
each worker as it starts) and send the times back with the answer.

Run it (the full 100 numbers take minutes; try fewer):
    python3 examples-threads/python/cpu_bound.py --count 8 --threads 2
    python3 examples-threads/python/cpu_bound.py --count 8 --only process --json --spans /tmp/spans.jsonl

Expect the thread pool's speedup near 1.00x (or below: the GIL lets one
thread at a time run bytecode, so the threads take turns), and the process
pool's near the number of cores (each process has its own interpreter and
its own GIL), less the cost of starting the processes. With --spans, the
thread pool's spans take turns (one thread runs at a time), the processes'
run side by side.
"""

import argparse
import concurrent.futures
import json
import math
import multiprocessing
import os
import threading
import time

PRIMES = [112272535095293] * 100
START = time.perf_counter()  # the clock of the spans
SPANS = []  # (row, what, start, end); list.append is atomic under the GIL


def write_spans(path, mode="a"):  # the file was created (emptied) at start
    lines = "".join(json.dumps({"name": n, "what": w, "start": round(s, 6), "end": round(e, 6)}) + "\n"
                    for n, w, s, e in SPANS)
    with open(path, mode) as f:
        f.write(lines)


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


def checked(n):
    """One call of the job, timed on the clock of the spans: (answer, start, end, row), the row
    being the thread that ran it, or in a pool's worker process `process <pid>`."""
    start = time.perf_counter() - START
    answer = is_prime(n)
    in_worker = multiprocessing.parent_process() is not None
    row = f"process {os.getpid()}" if in_worker else threading.current_thread().name
    return answer, start, time.perf_counter() - START, row


def name_like_rust():
    """Thread pool initializer: pool_0 -> pool-0, as the Rust pool names its threads."""
    me = threading.current_thread()
    me.name = me.name.replace("pool_", "pool-", 1)


def share_clock(start):
    """Process pool initializer: the parent's START, so the worker's spans are on its clock.
    (The default fork start method on Linux keeps START anyway; spawn and forkserver
    re-import this module, which would reset it. perf_counter is one clock for the whole machine.)"""
    global START
    START = start


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
    parser.add_argument("--only", choices=["single", "pool", "process", "all"], default="all",
                        help="run one of the three only, with its check (default: all); "
                             "the Rust bin's --only has single and pool only")
    parser.add_argument("--json", action="store_true", help="end with one JSON line: the run's report")
    parser.add_argument("--spans", metavar="FILE", help="write who ran which is_prime call when to FILE, as JSON lines")
    args = parser.parse_args()
    threading.current_thread().name = "main"  # the name Rust gives it
    if args.spans:
        try:  # created (emptied) now: a bad path fails before the work
            open(args.spans, "w").close()
        except OSError as e:
            raise SystemExit(f"error: cannot create the spans file {args.spans}: {e.strerror}")
    numbers = PRIMES[: args.count]
    plan = {"single": "one thread", "pool": f"a pool of {args.threads} threads",
            "process": f"a pool of {args.threads} processes",
            "all": f"one thread, then pools of {args.threads} threads and {args.threads} processes"}[args.only]
    print(f"checking {len(numbers)} numbers: {plan}")

    def job(map_):
        """is_prime over numbers with map_ (map, or an executor's map); with --spans, each call
        timed and recorded on the row of the thread (or process) that ran it."""
        if not args.spans:
            return list(map_(is_prime, numbers))
        answers = []
        for k, (answer, start, end, row) in enumerate(map_(checked, numbers), start=1):
            answers.append(answer)
            SPANS.append((row, f"is_prime #{k}", start, end))
        return answers

    def on(executor_class, **kw):
        with executor_class(max_workers=args.threads, **kw) as executor:
            return job(executor.map)

    runs = [  # (label, who for the check line, the run)
        ("single", "single thread", "the single thread gives", lambda: job(map)),
        ("pool", "thread pool", "the thread pool gives",
         lambda: on(concurrent.futures.ThreadPoolExecutor, thread_name_prefix="pool", initializer=name_like_rust)),
        ("process", "process pool", "the process pool gives",
         lambda: on(concurrent.futures.ProcessPoolExecutor, initializer=share_clock, initargs=(START,))),
    ]
    done = {}  # label: (who, answers, seconds)
    for only, label, who, run in runs:
        if args.only in (only, "all"):
            answers, secs = timed(label, run)
            done[label] = (who, answers, secs)
    if args.spans:
        write_spans(args.spans)

    # All three timings come from this one run, so the ratios are fair.
    if len(done) == 3:
        single_secs = done["single thread"][2]
        print(f"speedup = {single_secs / done['thread pool'][2]:.2f}x (thread pool vs single thread)")
        print(f"speedup = {single_secs / done['process pool'][2]:.2f}x (process pool vs single thread)")
        print("the GIL: the pool's threads take turns on one interpreter; each process has its own")
    (who, answers, _), *others = done.values()
    if any(a != answers for _, a, _ in others):
        raise SystemExit("error: the single-thread and pool answers differ")
    if not all(answers):
        raise SystemExit("error: some of PRIMES were judged not prime")
    who = "all three give the same" if len(done) == 3 else who
    print(f"check: {who} {len(numbers)} answers (all prime)")
    if args.json:
        print(json.dumps({"program": "cpu_bound", "lang": "python", "workload": "primes",
                          "params": {"count": args.count, "threads": args.threads, "only": args.only},
                          "costs": [{"label": label, "seconds": secs} for label, (_, _, secs) in done.items()],
                          "answer": f"{sum(answers)} of {len(answers)} prime"}), flush=True)


if __name__ == "__main__":  # needed where workers are spawned (macOS, Windows): they import this module
    main()
