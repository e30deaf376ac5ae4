"""A counting semaphore caps how many threads do a job at once.

Twin of examples-threads/src/bin/semaphore.rs. The note
(notes/001_02a52d28409d88e4.txt, 信号量限制并发, "a semaphore limits
concurrency"), word for word:

    from threading import Semaphore
    semaphre = Semaphore(10)
    with semaphre:
        # do something

(the spelling `semaphre` is the note's). Added here: 20 spider threads of
2 s under Semaphore(3): at most 3 crawl at any moment, so the jobs go through
in about 7 rounds. The in-flight count is changed and printed under one lock.

Run: python3 examples-threads/python/semaphore.py --jobs 20 --permits 3 --job-secs 2
"""

import argparse, math, os, sys, threading, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "python"))
import blog_spider  # log(), timed(), argument types: shared/python/blog_spider.py


def spiders(jobs, permits, crawl):
    """`jobs` spider threads, each running crawl(i) while it holds one of `permits`;
    returns the most that held one at once."""
    semaphre = threading.Semaphore(permits)  # semaphre = Semaphore(10)
    lock, in_flight = threading.Lock(), [0, 0]  # holding a permit now, most seen

    def count(by, what):
        with lock:  # changed and printed under one lock, so the printed counts read in order
            in_flight[0] += by
            in_flight[1] = max(in_flight)
            blog_spider.log(f"{what}, in flight = {in_flight[0]}")

    def spider(i):
        blog_spider.log("waiting for a permit")
        with semaphre:
            count(1, "acquired")
            crawl(i)  # do something
            count(-1, "releasing")  # counted out before the permit goes back

    threads = [threading.Thread(target=spider, args=(i,), name=f"spider-{i}") for i in range(1, jobs + 1)]
    for t in threads:
        t.start()
    for t in threads:  # all of them: each may still be waiting for a permit
        t.join()
    return in_flight[1]


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--jobs", type=blog_spider.count(1, 1000), default=20)
    p.add_argument("--permits", type=blog_spider.count(1, 1000), default=3)
    p.add_argument("--job-secs", type=blog_spider.seconds(), default=2.0)
    args = p.parse_args()
    with blog_spider.timed("semaphore"):  # `semaphore, cost = X seconds`
        most = spiders(args.jobs, args.permits, lambda i: time.sleep(args.job_secs))  # the crawl: a wait
    print(f"{args.jobs} jobs x {args.job_secs:g} s through {args.permits} permits: about {math.ceil(args.jobs / args.permits)} rounds")
    if most > args.permits:
        blog_spider.fail(f"{most} jobs were in flight at once, above {args.permits} permits")
    print(f"check: at most {args.permits} in flight (max seen {most})")
