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
bytes in Python does not), --interpreters (Python 3.14's InterpreterPoolExecutor: threads
of one process, each running its own interpreter with its own GIL), and Ctrl-C: the workers
cannot be cancelled mid-job, only ended (terminate()), then `interrupted: N of 12 jobs done`
and exit 130.

    python3 examples-processes/python/process_pool_hash.py [--workers 2] [--jobs 12] [--size 1048576] [--threads]
"""
import argparse, multiprocessing, os, signal, sys
from concurrent import futures

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "python"))
import blog_spider  # log(), cost lines, answers, argument types, sha_job: shared/python/blog_spider.py


# ANCHOR: job
def sha(size, seed):
    # 计算型函数 ("a compute-bound function"), run in a worker: its digest and its PID
    return seed, blog_spider.sha_job(size, seed), os.getpid()
# ANCHOR_END: job


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--workers", type=blog_spider.count(1, 256), default=os.cpu_count() or 1)
    p.add_argument("--jobs", type=blog_spider.count(1, 1000), default=12, help="the note's JOBS")
    p.add_argument("--size", type=blog_spider.count(0, 2**28), default=2**20, help="the note's SIZE")
    kind = p.add_mutually_exclusive_group()
    kind.add_argument("--threads", action="store_true", help="a ThreadPoolExecutor instead of processes")
    if hasattr(futures, "InterpreterPoolExecutor"):  # Python 3.14+; older ones refuse the flag
        kind.add_argument("--interpreters", action="store_true", help="an InterpreterPoolExecutor")
    a = p.parse_args()
    digests = [None] * a.jobs
    label, pool, more = ("multi thread", futures.ThreadPoolExecutor, {}) if a.threads else (
        ("multi interpreter", futures.InterpreterPoolExecutor, {}) if getattr(a, "interpreters", False) else
        # workers ignore Ctrl-C: the parent ends them (below), so none dies printing a traceback
        ("multi process", futures.ProcessPoolExecutor, {"initializer": signal.signal, "initargs": (signal.SIGINT, signal.SIG_IGN)}))
    with blog_spider.timed(label) as t:
        with pool(max_workers=a.workers, **more) as executor:
            try:
                # ANCHOR: pool
                to_do = (executor.submit(sha, a.size, seed) for seed in range(a.jobs))
                for future in futures.as_completed(to_do):
                    seed, digest, pid = future.result()
                    blog_spider.log(f"job {seed:>2}: {digest} (pid {pid})")
                    digests[seed] = digest
                # ANCHOR_END: pool
            except KeyboardInterrupt:  # Ctrl-C: a running job cannot be cancelled; its process can be ended
                for child in multiprocessing.active_children():  # the pool's workers (3.14: executor.terminate_workers())
                    child.terminate()
                print(f"interrupted: {a.jobs - digests.count(None)} of {a.jobs} jobs done", flush=True)
                os._exit(130)  # at once: leaving the with block would wait for the running jobs (threads too)
    # ANCHOR: answer
    print(f"{a.workers} workers, elapsed time: {t.seconds:.2f}s")
    blog_spider.answer(blog_spider.sha_answer(digests))
    # ANCHOR_END: answer
