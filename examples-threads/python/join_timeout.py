"""thread.join(timeout): the wait ends, the thread keeps running.

Python twin of examples-threads/src/bin/join_timeout.rs (where JoinHandle has
no timeout and a channel's recv_timeout plays join(timeout)).

Run it:
    python3 examples-threads/python/join_timeout.py --work-secs 3 --timeout 1

join(timeout=1) returns after 1 s with the worker still alive; more worker
steps follow; a final join() waits for the end.
"""

import argparse
import sys
import threading
import time

START = time.perf_counter()
STEPS = 6


def log(msg, who=None):
    # One write per line (the newline inside, end=""): print's separate write
    # of "\n" would let another thread's line slip in between.
    print(f"[{time.perf_counter() - START:7.3f}s {who or threading.current_thread().name}] {msg}\n", end="", flush=True)


def worker(step, result):
    done = 0  # the steps really done: what main checks after join()
    for i in range(1, STEPS + 1):
        log(f"step {i}/{STEPS}")
        time.sleep(step)
        done += 1
    log("worker done")
    result.append(done)  # a thread's target cannot return a value to join()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work-secs", type=float, default=3.0)
    parser.add_argument("--timeout", type=float, default=1.0)
    args = parser.parse_args()
    if args.work_secs < 0 or args.timeout < 0:
        sys.exit("error: seconds must not be negative")
    threading.current_thread().name = "main"

    result = []
    t = threading.Thread(target=worker, args=(args.work_secs / STEPS, result), name="worker")
    t.start()
    log(f"join(timeout={args.timeout}): waiting at most {args.timeout} s")
    t.join(timeout=args.timeout)  # returns None either way: ask is_alive()
    if t.is_alive():
        log("timed out; the worker is not stopped by that")
        log(f"is_alive() = {str(t.is_alive()).lower()}")
    else:
        log("worker finished in time")

    log("now a plain join(): waits as long as it takes")
    t.join()
    steps = result[0] if result else 0
    log(f"joined: the worker ran {steps} steps")
    if steps != STEPS:
        sys.exit(f"error: the worker ran {steps} steps, expected {STEPS}")
    print(f"check: worker ran all {STEPS} steps")


if __name__ == "__main__":
    main()
