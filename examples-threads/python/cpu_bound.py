"""The GIL lesson: a thread pool does not speed up CPU-bound Python code; a process pool does.

Twin of examples-threads/src/bin/cpu_bound.rs (where a pool of threads does
speed it up). The notes (notes/001_02a52d28409d88e4.txt), word for word:
即使使用了多线程，同一时刻也只有单个线程使用CPU，导致多核CPU的浪费
("even with many threads, only one thread uses the CPU at a time, wasting a
multi-core CPU") and the way around it:
使用multiprocessing多进程，对CPU密集型计算，单独启动子进程解释器去执行
("use multiprocessing: for CPU-bound work, start a separate child
interpreter process to run it"). The code is the course's lesson 06
(thread_process_cpu_bound.py): is_prime over PRIMES = [112272535095293] * 100
(both in blog_spider here) on one thread, on a ThreadPoolExecutor and on a
ProcessPoolExecutor. Added here: the flags, the speedups, the check.

Run (the full 100 numbers take minutes; try fewer):
    python3 examples-threads/python/cpu_bound.py --count 8 --threads 2 [--only process]

Expect the thread pool's speedup near 1.00x (the GIL lets one thread at a
time run bytecode) and the process pool's near the number of cores. The first
line names the Python: `Python 3.11.7 (GIL)`. On a free-threaded build
(3.13t, 3.14t: `(free-threaded)`) there is no GIL and the thread pool scales
like the processes. Python 3.14 adds a fourth way, `--only interpreters`
(concurrent.futures.InterpreterPoolExecutor: one interpreter per thread, each
with its own GIL, in one process); older Pythons refuse that choice.
"""

import argparse, os, platform, sys
from concurrent import futures

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "python"))
import blog_spider  # PRIMES, is_prime, timed(), answer(), argument types: shared/python/blog_spider.py


def is_prime(number):  # the pools' task, defined here: 3.14 loads this file (not its __main__ block) into each interpreter
    return blog_spider.is_prime(number)


def single_thread(numbers, workers):  # workers: unused, the same call as the pools'
    return [is_prime(number) for number in numbers]


def multi_thread(numbers, workers):
    with futures.ThreadPoolExecutor(workers, thread_name_prefix="pool") as pool:
        return list(pool.map(is_prime, numbers))


def multi_process(numbers, workers):
    with futures.ProcessPoolExecutor(workers) as pool:  # each process has its own interpreter and its own GIL
        return list(pool.map(is_prime, numbers))


def interpreters(numbers, workers):  # Python 3.14+: threads of one process, each with its own interpreter and GIL
    with futures.InterpreterPoolExecutor(workers) as pool:
        return list(pool.map(is_prime, numbers))


RUNS = {"single": ("single thread", single_thread), "pool": ("thread pool", multi_thread),
        "process": ("process pool", multi_process)}  # --only: (cost label, run)
if hasattr(futures, "InterpreterPoolExecutor"):  # 3.14+
    RUNS["interpreters"] = ("interpreter pool", interpreters)
GIL = getattr(sys, "_is_gil_enabled", lambda: True)()  # False only on a free-threaded build (3.13+)

if __name__ == "__main__":  # needed where workers are spawned (macOS, Windows): they import this module
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--count", type=blog_spider.count(1, 100), default=100, help="how many of the 100 PRIMES")
    p.add_argument("--threads", type=blog_spider.count(1, 256), default=min(os.cpu_count() or 1, 256))
    p.add_argument("--only", choices=[*RUNS, "all"], default="all", help="interpreters: Python 3.14+")
    args = p.parse_args()
    print(f"python: Python {platform.python_version()} ({'GIL' if GIL else 'free-threaded'})")
    done = {}  # label: (answers, its timer)
    for only, (label, run) in RUNS.items():
        if args.only in (only, "all"):
            with blog_spider.timed(label) as timer:  # prints `label, cost = X seconds` at its end
                done[label] = run(blog_spider.PRIMES[:args.count], args.threads), timer
    if args.only == "all":  # every timing comes from this one run, so the ratios are fair
        for label in list(done)[1:]:
            print(f"speedup = {done['single thread'][1].seconds / done[label][1].seconds:.2f}x ({label} vs single thread)")
        print("the GIL: the pool's threads take turns on one interpreter; each process has its own" if GIL
              else "no GIL: the pool's threads run in parallel, as the processes do")
    answers = next(iter(done.values()))[0]
    if any(a != answers for a, _ in done.values()) or not all(answers):
        blog_spider.fail("the answers differ, or one is not prime")
    who = f"all {len(done)} give the same" if len(done) > 1 else f"the {next(iter(done))} gives"
    print(f"check: {who} {args.count} answers (all prime)")
    blog_spider.answer(blog_spider.primes_answer(answers))
