"""A spinner thread while the main thread runs a slow job (Fluent Python).

Python twin of examples-threads/src/bin/spinner_thread.rs. The notes
(notes/004_204d9a897d7f9bf9.txt) only link the program: fluent python 中一个线程和协程对比的例子
("Fluent Python's example comparing a thread and a coroutine"), 线程版本
spinner_thread.py ("thread version"). That program: spin(msg, signal) runs
in a Thread and prints each frame of |/-\\ with end='\\r', so the next frame
overwrites it, every 0.1 s until signal.go is False; slow_function() sleeps
3 s and returns 42; supervisor() runs it and main prints `Answer: 42`.

Added here: the flag is a threading.Event and the spinner waits with
done.wait(tick), so set() stops it at once (as Fluent Python's second
edition does); on a terminal the frames redraw one line in place with \\r,
into a pipe or a file (tests, `| cat`) each frame is an event line instead.

Run it:
    python3 examples-threads/python/spinner_thread.py --tick 0.1 --slow-secs 3

A spinner turns for 3 s (about 30 frame lines in a pipe), then `Answer: 42`.
"""

import argparse
import itertools
import sys
import threading
import time

START = time.perf_counter()
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


def positive_seconds(s):
    """argparse type: as seconds(), but 0 is refused too (a zero tick would flood the output)."""
    try:
        x = seconds(s)
    except argparse.ArgumentTypeError:
        x = 0.0
    if x == 0:
        raise argparse.ArgumentTypeError(f"{s} is not a number of seconds more than 0, at most {MAX_SECS}")
    return x


def spin(msg, done, tick, out):
    tty = sys.stdout.isatty()
    frames = 0
    for ch in itertools.cycle("|/-\\"):
        if done.is_set():
            break
        frames += 1
        if tty:
            # End at the line's start (\r): the next frame, or main's next
            # log line (which is longer), overwrites this one.
            print(f"\r{ch} {msg}\r", end="", flush=True)
        else:
            log(f"{ch} {msg}")
        if done.wait(tick):  # True as soon as done.set() is called
            break
    if tty:
        print("\r" + " " * (len(msg) + 2) + "\r", end="")  # blank the line
    log(f"spinner stopped after {frames} frames")
    out.append(frames)


def slow(secs):
    log("slow job started")
    time.sleep(secs)
    log("slow job done")
    return 42


def supervisor(tick, slow_secs):
    done = threading.Event()
    out = []  # a Thread's target cannot return a value to join()
    spinner = threading.Thread(target=spin, args=("thinking!", done, tick, out), name="spinner")
    log(f"spinner object: {spinner}")
    spinner.start()
    result = slow(slow_secs)
    done.set()
    spinner.join()
    return result, out[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tick", type=positive_seconds, default=0.1)
    parser.add_argument("--slow-secs", type=seconds, default=3.0)
    args = parser.parse_args()
    threading.current_thread().name = "main"

    result, frames = supervisor(args.tick, args.slow_secs)
    if frames == 0 and args.slow_secs >= args.tick:
        sys.exit("error: the spinner never drew a frame")
    print(f"check: the spinner drew {frames} frames while main worked")
    print(f"Answer: {result}")


if __name__ == "__main__":
    main()
