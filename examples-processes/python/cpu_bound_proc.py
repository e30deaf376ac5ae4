"""The CPU-bound job three ways: one thread, a thread pool, a process pool.

Twin of examples-processes/src/bin/cpu_bound_proc.rs: the course's lesson
06 (thread_process_cpu_bound.py), is_prime over PRIMES = [112272535095293] *
100 by single_thread(), ThreadPoolExecutor().map and ProcessPoolExecutor().map,
each timed. With the GIL the thread pool is no faster than the loop (often a
little slower); the process pool is about as many times faster as there are
cores (note 001: CPU密集型 ... 使用多进程, "CPU-bound: use multiple processes").

One is_prime(112272535095293) takes about 0.25 s here, so the full 100 take
about 25 s on one thread and about a minute for the three runs; try fewer:
    python3 examples-processes/python/cpu_bound_proc.py --count 8 --workers 2
--only single|threads|processes runs one of the three. Each worker process
says it has started. Ctrl-C ends every process at once (the workers die of
the SIGINT silently: blog_spider), exit code 130.
"""
import argparse, os, sys
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "python"))
import blog_spider  # cost lines, answers, argument types, PRIMES, is_prime: shared/python/blog_spider.py
from blog_spider import PRIMES, is_prime


def single_thread(numbers, workers):
    return [is_prime(number) for number in numbers]


def multi_thread(numbers, workers):
    with ThreadPoolExecutor(workers, thread_name_prefix="pool") as pool:
        return list(pool.map(is_prime, numbers))


def multi_process(numbers, workers):
    with ProcessPoolExecutor(workers, initializer=blog_spider.log, initargs=("worker process started",)) as pool:
        return list(pool.map(is_prime, numbers))


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--count", type=blog_spider.count(1, 100), default=100, help="how many of the 100 PRIMES")
    p.add_argument("--workers", type=blog_spider.count(1, 256), default=os.cpu_count() or 1)
    p.add_argument("--only", choices=["single", "threads", "processes"], help="run only one of the three")
    a = p.parse_args()
    ways = [("single", "single thread", single_thread), ("threads", "multi thread", multi_thread),
            ("processes", "multi process", multi_process)]
    answers = []
    for way, label, run in ways:
        if a.only in (None, way):
            with blog_spider.timed(label):
                answers.append(run(PRIMES[:a.count], a.workers))
    if any(other != answers[0] for other in answers):
        blog_spider.fail("the three ways disagree")
    blog_spider.answer(blog_spider.primes_answer(answers[0]))
