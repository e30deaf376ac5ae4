"""A pool of worker processes hashing data: ProcessPoolExecutor + as_completed.

Twin of examples-processes/src/bin/process_pool_hash.rs. Note 004's code,
word for word:

    with futures.ProcessPoolExecutor() as executor:
        to_do = (executor.submit(sha, SIZE) for i in range(JOBS))
        for future in futures.as_completed(to_do):
            res = future.result()
            print(res)

The note's SIZE = 3 is a placeholder: here sha hashes 2**20 pseudo-random
bytes seeded by the job's number (blog_spider.sha_job, the very bytes of
shared::workload::sha_job), so both languages print the same digests. Added
here: each worker returns its PID with its digest, and --threads (a
ThreadPoolExecutor: hashlib releases the GIL while it hashes, but making the
bytes in Python does not).

    python3 examples-processes/python/process_pool_hash.py [--workers 2] [--jobs 12] [--size 1048576] [--threads]
"""
import argparse, os, sys
from concurrent import futures

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "python"))
import blog_spider  # log(), cost lines, answers, argument types, sha_job: shared/python/blog_spider.py


def sha(size, seed):
    # 计算型函数 ("a compute-bound function"), run in a worker: its digest and its PID
    return seed, blog_spider.sha_job(size, seed), os.getpid()


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--workers", type=blog_spider.count(1, 256), default=os.cpu_count() or 1)
    p.add_argument("--jobs", type=blog_spider.count(1, 1000), default=12, help="the note's JOBS")
    p.add_argument("--size", type=blog_spider.count(0, 2**28), default=2**20, help="the note's SIZE")
    p.add_argument("--threads", action="store_true", help="a ThreadPoolExecutor instead of processes")
    a = p.parse_args()
    digests = [None] * a.jobs
    pool = futures.ThreadPoolExecutor if a.threads else futures.ProcessPoolExecutor
    with blog_spider.timed("multi thread" if a.threads else "multi process") as t:
        with pool(max_workers=a.workers) as executor:
            to_do = (executor.submit(sha, a.size, seed) for seed in range(a.jobs))
            for future in futures.as_completed(to_do):
                seed, digest, pid = future.result()
                blog_spider.log(f"job {seed:>2}: {digest} (pid {pid})")
                digests[seed] = digest
    print(f"{a.workers} workers, elapsed time: {t.seconds:.2f}s")
    blog_spider.answer(blog_spider.sha_answer(digests))
