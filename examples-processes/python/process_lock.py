"""4 processes x 1,000 increments of a counter in a file: lost without a Lock, none lost with one.

Python twin of examples-processes/src/bin/process_lock.rs. The note (001),
word for word:

    from multiprocessing import Lock
    lock = Lock()
    with lock:
        # do something

Here "do something" is read the number from the file, sleep --window-us
(added here, to widen the race window), write the number plus one. The Rust
bin locks the file itself (flock through fs4), since Rust has no
multiprocessing.Lock; the Lock here is a semaphore the OS shares between the
processes. The workers wait on an Event so that all start together.

Run it:
    python3 examples-processes/python/process_lock.py
    python3 examples-processes/python/process_lock.py --mode no-lock --window-us 0
"""

import argparse
import contextlib
import multiprocessing
import os
import tempfile
import time

START = time.perf_counter()


def log(msg, who):
    print(f"[{time.perf_counter() - START:7.3f}s {who}] {msg}\n", end="", flush=True)


def bounded(lo, hi):
    def parse(s):
        try:
            n = int(s)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{s!r} is not a whole number") from None
        if not lo <= n <= hi:
            raise argparse.ArgumentTypeError(f"{s} is not in {lo}..={hi}")
        return n

    return parse


def read_counter(f):
    f.seek(0)
    return int(f.read().strip())


def write_counter(f, n):
    f.seek(0)
    f.write(f"{n:020}\n")  # fixed width: every byte a digit
    f.flush()


def worker(path, increments, window, lock, go, done):
    with open(path, "r+") as f:
        go.wait()
        for _ in range(increments):
            with lock or contextlib.nullcontext():
                n = read_counter(f)
                time.sleep(window)
                write_counter(f, n + 1)
    done.put((os.getpid(), increments))


def run(args, use_lock):
    ctx = multiprocessing.get_context("spawn")
    fd, path = tempfile.mkstemp(prefix="process_lock-", suffix=".txt")
    with os.fdopen(fd, "w") as f:
        write_counter(f, 0)
    lock = ctx.Lock() if use_lock else None
    go, done = ctx.Event(), ctx.Queue()
    window = args.window_us / 1e6
    workers = [ctx.Process(target=worker, args=(path, args.increments, window, lock, go, done)) for _ in range(args.processes)]
    try:
        for w in workers:
            w.start()
        go.set()  # all start together
        for _ in workers:
            pid, increments = done.get(timeout=120)
            log(f"worker pid {pid} done: {increments} increments", "main")
        for w in workers:
            w.join()
        with open(path) as f:
            return read_counter(f)
    finally:
        for w in workers:
            if w.is_alive():
                w.kill()
        os.remove(path)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=bounded(1, 64), default=4)
    parser.add_argument("--increments", type=bounded(1, 100_000), default=1000)
    parser.add_argument("--window-us", type=bounded(0, 100_000), default=100)
    parser.add_argument("--mode", choices=["both", "no-lock", "lock"], default="both")
    args = parser.parse_args()

    expected = args.processes * args.increments
    for use_lock, label in [(False, "no lock"), (True, "Lock")]:
        if args.mode in ("both", "lock" if use_lock else "no-lock"):
            count = run(args, use_lock)
            print(f"{label}: counter = {count}, expected {expected}: lost {expected - count} updates")
            if use_lock and count != expected:
                raise SystemExit("error: updates were lost under the lock")
    if args.mode != "no-lock":
        print("check: with the Lock no update was lost")


if __name__ == "__main__":
    main()
