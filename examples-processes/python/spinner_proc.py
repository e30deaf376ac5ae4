"""The spinner in a child process, stopped by the parent through a multiprocessing.Event.

Python twin of examples-processes/src/bin/spinner_proc.rs: Fluent Python's
spinner (linked from note 004) with multiprocessing.Process in place of
threading.Thread and multiprocessing.Event for `done`, the same API across
processes. The spin process waits with done.wait(tick): the wait is the tick,
and done.set() in the parent ends it at once. Frames are printed as event
lines, not redrawn with \\r.

Run it:
    python3 examples-processes/python/spinner_proc.py --tick 0.1 --slow-secs 3
"""

import argparse
import itertools
import multiprocessing
import os
import time

# The parent's start, shared with its children through the environment (the
# spawn start method re-imports this file in each child): every process's
# lines count from the same moment, as the Rust bin's children share its clock.
os.environ.setdefault("CONCURRENCY_PAIRS_EPOCH_NS", str(time.time_ns()))
START = time.perf_counter() - (time.time_ns() - int(os.environ["CONCURRENCY_PAIRS_EPOCH_NS"])) / 1e9


def log(msg, who):
    print(f"[{time.perf_counter() - START:7.3f}s {who}] {msg}\n", end="", flush=True)


MAX_SECS = 3600  # the Rust bin's maximum


def secs(s):
    """argparse type: 0 to 3600 seconds (float() accepts "nan" and "inf": refuse them)."""
    try:
        x = float(s)
    except ValueError:
        x = -1.0
    if not 0 <= x <= MAX_SECS:  # False for NaN too
        raise argparse.ArgumentTypeError(f"{s} is not a number of seconds from 0 to {MAX_SECS}")
    return x


def positive_secs(s):
    """argparse type: more than 0, at most 3600 seconds."""
    x = secs(s)
    if x == 0:
        raise argparse.ArgumentTypeError(f"{s} is not a number of seconds more than 0, at most {MAX_SECS}")
    return x


def spin(msg, done, tick):
    log(f"running in pid {os.getpid()}", "spinner")
    frames = 0
    for ch in itertools.cycle("\\|/-"):
        frames += 1
        log(f"{ch} {msg}", "spinner")
        if done.wait(tick):  # True as soon as the parent calls done.set()
            break
    log(f"spinner stopped after {frames} frames", "spinner")


def slow(secs):
    log("slow job started", "main")
    time.sleep(secs)
    log("slow job done", "main")
    return 42


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tick", type=positive_secs, default=0.1)
    parser.add_argument("--slow-secs", type=secs, default=3.0)
    args = parser.parse_args()

    ctx = multiprocessing.get_context("spawn")
    done = ctx.Event()
    spinner = ctx.Process(target=spin, args=("thinking!", done, args.tick), name="spinner")
    spinner.start()
    log(f"started the spinner process: pid {spinner.pid}", "main")
    result = slow(args.slow_secs)
    done.set()
    spinner.join()
    if spinner.exitcode != 0:
        raise SystemExit(f"error: the spinner failed: exit code {spinner.exitcode}")
    log("spinner exited: exit status: 0", "main")
    print(f"Answer: {result}")


if __name__ == "__main__":
    main()
