"""Two named threads run at the same time: `sing` and `dance` interleave.

Python twin of examples-threads/src/bin/sing_dance.rs; mirrors the threading
note's threading.Thread(target=sing, args=(3,), kwargs={"interval": 0.5}, name="sing").

Run it:
    python3 examples-threads/python/sing_dance.py --iterations 3 --interval 0.5

The two threads speak once per round; the total cost is about
iterations x interval (1.5 s), not twice that.
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


def sing(n, interval):
    for i in range(1, n + 1):
        log(f"singing {i}/{n}")
        time.sleep(interval)


def dance(n, interval):
    for i in range(1, n + 1):
        log(f"dancing {i}/{n}")
        time.sleep(interval)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=3)
    parser.add_argument("--interval", type=float, default=0.5)
    args = parser.parse_args()
    if args.interval < 0:
        sys.exit(f"error: {args.interval} is not a valid number of seconds")
    threading.current_thread().name = "main"  # it is "MainThread" by default

    start = time.perf_counter()
    log("starting two threads")
    singer = threading.Thread(target=sing, args=(args.iterations,), kwargs={"interval": args.interval}, name="sing")
    dancer = threading.Thread(target=dance, args=(args.iterations,), kwargs={"interval": args.interval}, name="dance")
    singer.start()
    dancer.start()
    singer.join()
    dancer.join()
    log("both threads joined")
    print(f"sing and dance, cost = {time.perf_counter() - start:.3f} seconds")


if __name__ == "__main__":
    main()
