"""A pool of worker processes hashing data: ProcessPoolExecutor + as_completed.

Twin of examples-processes/src/bin/process_pool_hash.rs. Note 004's code,
word for word (SIZE = 3 there is a placeholder; here, as in the catalogue,
sha(size) hashes size = 2**20 seeded pseudo-random bytes, the very bytes
shared::workload::sha_job hashes, so both languages print the same digests):

    with futures.ProcessPoolExecutor() as executor:
        to_do = (executor.submit(sha, SIZE) for i in range(JOBS))
        for future in futures.as_completed(to_do):
            res = future.result()
            print(res)

Added here: the PIDs, the throughput, a check of every digest against a
single-threaded run, and --threads (a ThreadPoolExecutor: hashlib releases
the GIL while it hashes, but making the bytes in Python does not).

    python3 examples-processes/python/process_pool_hash.py [--workers 2] [--jobs 12] [--size 1048576] [--threads]

For the comparison harness, as in the Rust bin: --no-check skips the final
single-threaded re-hash (it doubles the CPU work a whole-process measurement
sees), --json ends the output with one JSON line (workload "sha", params jobs,
size, workers, threads; the cost line; the answer "12 digests, sha256 of all:
<hex>", the SHA-256 of the hex digests joined in job order).
    python3 examples-processes/python/process_pool_hash.py --no-check --json
"""
import argparse
import hashlib
import json
import os
import struct
import threading
import time
from concurrent import futures

START = time.perf_counter()
MASK = (1 << 64) - 1
JOBS = 12
SIZE = 2**20


def log(msg, who=None):
    print(f"[{time.perf_counter() - START:7.3f}s {who or threading.current_thread().name}] {msg}\n", end="", flush=True)


def pseudo_random_bytes(size, seed):
    """shared::workload::pseudo_random_bytes: SplitMix64 words, little-endian."""
    state, words = seed, []
    for _ in range((size + 7) // 8):
        state = (state + 0x9E3779B97F4A7C15) & MASK
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        words.append(z ^ (z >> 31))
    return struct.pack(f"<{len(words)}Q", *words)[:size]


def sha(size, seed):
    # 计算型函数 ("a compute-bound function"): shared::workload::sha_job
    digest = hashlib.sha256(pseudo_random_bytes(size, seed)).hexdigest()
    return seed, digest, os.getpid(), threading.current_thread().name


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


def main():
    threading.current_thread().name = "main"
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--workers", type=bounded(1, 256), default=os.cpu_count() or 1, help="worker processes (or threads)")
    p.add_argument("--jobs", type=bounded(1, 1000), default=JOBS, help="how many jobs (the note's JOBS)")
    p.add_argument("--size", type=bounded(0, 2**28), default=SIZE, help="bytes hashed by each job (the note's SIZE)")
    p.add_argument("--threads", action="store_true", help="a ThreadPoolExecutor instead of processes")
    p.add_argument("--no-check", action="store_true", help="skip the final single-threaded re-hash of every job")
    p.add_argument("--json", action="store_true", help="end with one JSON line, the comparison harness's report")
    a = p.parse_args()

    begin = time.perf_counter()
    digests = [None] * a.jobs
    pool = futures.ThreadPoolExecutor if a.threads else futures.ProcessPoolExecutor
    with pool(max_workers=a.workers) as executor:
        to_do = (executor.submit(sha, a.size, seed) for seed in range(a.jobs))
        for future in futures.as_completed(to_do):
            seed, digest, pid, name = future.result()
            who = f"thread {name}" if a.threads else f"pid {pid}"
            log(f"job {seed:>2}: {digest} ({who})")
            digests[seed] = digest
    secs = time.perf_counter() - begin
    label = "multi thread" if a.threads else "multi process"
    print(f"{label}, cost = {secs:.3f} seconds", flush=True)
    print(f"{a.workers} workers, elapsed time: {secs:.2f}s", flush=True)
    print(f"throughput: {a.jobs * a.size / 1e6 / secs:.1f} MB/s ({a.jobs} jobs x {a.size} bytes)", flush=True)

    if a.no_check:
        print("check skipped (--no-check)", flush=True)
    else:
        for seed, digest in enumerate(digests):
            if digest != sha(a.size, seed)[1]:
                raise SystemExit(f"error: job {seed}: wrong digest {digest}")
        print(f"check: all {a.jobs} digests match a single-threaded sha_job", flush=True)
    if a.json:
        params = {"jobs": a.jobs, "size": a.size, "workers": a.workers, "threads": a.threads}
        of_all = hashlib.sha256("".join(digests).encode()).hexdigest()
        print(json.dumps({"program": "process_pool_hash", "lang": "python", "workload": "sha", "params": params,
                          "costs": [{"label": label, "seconds": secs}],
                          "answer": f"{len(digests)} digests, sha256 of all: {of_all}"}), flush=True)


if __name__ == "__main__":
    main()
