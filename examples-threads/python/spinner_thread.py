"""A spinner thread while the main thread runs a slow job (Fluent Python).

Python twin of examples-threads/src/bin/spinner_thread.rs. spin() runs in a
Thread and waits on a threading.Event with done.wait(tick): the wait is the
tick, and set() ends it at once. Frames are printed as event lines, not
redrawn with \\r, so the output stays readable.

Run it:
    python3 examples-threads/python/spinner_thread.py --tick 0.1 --slow-secs 3

About 30 spinner frames while slow() runs, then `Answer: 42`.
"""

import argparse
import itertools
import sys
import threading
import time

START = time.perf_counter()


def log(msg, who=None):
    # One write per line (the newline inside, end=""): print's separate write
    # of "\n" would let another thread's line slip in between.
    print(f"[{time.perf_counter() - START:7.3f}s {who or threading.current_thread().name}] {msg}\n", end="", flush=True)


def spin(msg, done, tick, out):
    frames = 0
    for ch in itertools.cycle("\\|/-"):
        if done.is_set():
            break
        frames += 1
        log(f"{ch} {msg}")
        if done.wait(tick):  # True as soon as done.set() is called
            break
    log(f"spinner stopped after {frames} frames")
    out.append(frames)


def slow(secs):
    log("slow job started")
    time.sleep(secs)
    log("slow job done")
    return 42


def supervisor(tick, slow_secs):
    done = threading.Event()
    out = []
    spinner = threading.Thread(target=spin, args=("thinking!", done, tick, out), name="spinner")
    log(f"spinner object: {spinner}")
    spinner.start()
    result = slow(slow_secs)
    done.set()
    spinner.join()
    return result, out[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tick", type=float, default=0.1)
    parser.add_argument("--slow-secs", type=float, default=3.0)
    args = parser.parse_args()
    if args.tick <= 0 or args.slow_secs < 0:
        sys.exit("error: --tick must be more than 0 and --slow-secs not negative")
    threading.current_thread().name = "main"

    result, frames = supervisor(args.tick, args.slow_secs)
    if frames == 0 and args.slow_secs >= args.tick:
        sys.exit("error: the spinner never drew a frame")
    print(f"check: the spinner drew {frames} frames while main worked")
    print(f"Answer: {result}")


if __name__ == "__main__":
    main()
