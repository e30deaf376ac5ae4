"""Subclassing threading.Thread and overriding run().

Python twin of examples-threads/src/bin/thread_subclass.rs (where there is no
inheritance: a struct owns the state and a trait gives it a run()).

Run it:
    python3 examples-threads/python/thread_subclass.py --iterations 3 --interval 0.5

counter-1 and counter-2 each count 1..=3, interleaved; run() cannot return a
value to join(), so the subclass stores its result on self.
"""

import argparse
import sys
import threading
import time

START = time.perf_counter()


def log(msg, who=None):
    # One write per line (the newline inside, end=""): print's separate write
    # of "\n" would let another thread's line slip in between.
    print(f"[{time.perf_counter() - START:7.3f}s {who or threading.current_thread().name}] {msg}\n", end="", flush=True)


class Counter(threading.Thread):
    def __init__(self, ident, n, interval):
        super().__init__(name=f"counter-{ident}")
        self.n = n
        self.interval = interval
        self.done = 0  # the result: join() returns None, so it lives on self

    def run(self):
        for i in range(1, self.n + 1):
            log(f"run: iteration {i}/{self.n}")
            self.done += 1
            time.sleep(self.interval)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=3)
    parser.add_argument("--interval", type=float, default=0.5)
    args = parser.parse_args()
    if args.interval < 0:
        sys.exit(f"error: {args.interval} is not a valid number of seconds")
    threading.current_thread().name = "main"

    threads = []
    for ident in (1, 2):
        t = Counter(ident, args.iterations, args.interval)
        log(f"starting {t.name}")
        t.start()
        threads.append(t)
    for t in threads:
        t.join()
        log(f"joined {t.name}: self.done = {t.done}")
        if t.done != args.iterations:
            sys.exit(f"error: {t.name} ran {t.done} iterations, expected {args.iterations}")
    print(f"check: each thread ran {args.iterations} iterations")


if __name__ == "__main__":
    main()
