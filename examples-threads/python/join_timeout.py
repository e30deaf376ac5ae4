"""thread.join(timeout): the wait ends, the thread keeps running.

Python twin of examples-threads/src/bin/join_timeout.rs (where JoinHandle has
no timeout and std's mpsc::Receiver::recv_timeout plays join(timeout)).

The note (notes/002_bdfb11ea434acb50.txt), word for word:
thread.join([timeout])，timeout 參數為可選參數，可指定 thread 線程最多可以霸占 CPU 資源的時間(以秒為單位)，默認直到 thread 執行結束 (進入死亡狀態) 才釋放 CPU 資源。
("timeout is optional: it sets the longest time, in seconds, the thread may
hog the CPU; by default the CPU is released only when the thread has ended.")
That is wrong: the timeout is how long the caller waits. The thread is not
stopped and keeps any CPU it uses; join() returns None either way, so ask
t.is_alive() afterwards, as below. The worker and the flags are added here.

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
MAX_SECS = 3600  # the Rust bin's limit for a duration flag


def log(msg, who=None):
    # One write per line (the newline inside, end=""): print's separate write
    # of "\n" would let another thread's line slip in between.
    print(f"[{time.perf_counter() - START:7.3f}s {who or threading.current_thread().name}] {msg}\n", end="", flush=True)


def seconds(s):
    """argparse type: 0 to 3600 seconds (float() accepts "nan" and "inf": refuse them)."""
    try:
        x = float(s)
    except ValueError:
        x = -1.0
    if not 0 <= x <= MAX_SECS:  # False for NaN too
        raise argparse.ArgumentTypeError(f"{s} is not a number of seconds from 0 to {MAX_SECS}")
    return x


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
    parser.add_argument("--work-secs", type=seconds, default=3.0)
    parser.add_argument("--timeout", type=seconds, default=1.0)
    args = parser.parse_args()
    threading.current_thread().name = "main"

    result = []
    t = threading.Thread(target=worker, args=(args.work_secs / STEPS, result), name="worker")
    t.start()
    log(f"join(timeout={args.timeout:g}): waiting at most {args.timeout:g} s")
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
