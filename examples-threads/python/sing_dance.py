"""Two named threads run at the same time: `sing` and `dance` interleave.

Python twin of examples-threads/src/bin/sing_dance.rs. The notes' example
(notes/003_d0b3d7c6892ba864.txt), word for word:

    sing_thread = threading.Thread(target=sing, args=(3, ))
    dance_thread = threading.Thread(target=dance, kwargs={'num': 3})

    sing_thread.start()
    dance_thread.start()

where sing(num) prints "唱歌......" ("singing") num times, 0.5 s apart, and
dance(num) prints "跳舞......" ("dancing"). Added here: the thread names, the
numbered event lines, the flags and the cost line.

Like the note, this never calls join(): main's code ends at once, and the
interpreter waits for the two non-daemon threads before it exits. The cost
line is printed by an atexit handler, which Python runs only after that wait.
The Rust version has to join: a Rust process ends when main returns.

Run it:
    python3 examples-threads/python/sing_dance.py --iterations 3 --interval 0.5

The two threads speak once per round; the total cost is about
iterations x interval (1.5 s), not twice that.
"""

import argparse
import atexit
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
    """argparse type: 0 to 3600 seconds. float() accepts "nan", "inf" and
    "1e999", and time.sleep() would then fail inside a thread: refuse them here."""
    try:
        x = float(s)
    except ValueError:
        x = -1.0
    if not 0 <= x <= MAX_SECS:  # False for NaN too
        raise argparse.ArgumentTypeError(f"{s} is not a number of seconds from 0 to {MAX_SECS}")
    return x


def count(lo, hi):
    """argparse type: an integer in lo..=hi, as the Rust bin's clap range."""
    def parse(s):
        try:
            n = int(s)
        except ValueError:
            n = lo - 1
        if not lo <= n <= hi:
            raise argparse.ArgumentTypeError(f"{s} is not in {lo}..={hi}")
        return n
    return parse


def sing(num, interval):
    for i in range(1, num + 1):
        log(f"唱歌...... (singing {i}/{num})")
        time.sleep(interval)


def dance(num, interval):
    for i in range(1, num + 1):
        log(f"跳舞...... (dancing {i}/{num})")
        time.sleep(interval)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=count(1, 1000), default=3)
    parser.add_argument("--interval", type=seconds, default=0.5)
    args = parser.parse_args()
    threading.current_thread().name = "main"  # it is "MainThread" by default
    sys.stdout.reconfigure(encoding="utf-8")  # the note's Chinese, even into a Windows pipe

    start = time.perf_counter()
    # Runs after the interpreter has waited for every non-daemon thread.
    atexit.register(lambda: print(f"sing and dance, cost = {time.perf_counter() - start:.3f} seconds", flush=True))
    log("starting two threads")
    sing_thread = threading.Thread(target=sing, args=(args.iterations,), kwargs={"interval": args.interval}, name="sing")
    dance_thread = threading.Thread(target=dance, kwargs={"num": args.iterations, "interval": args.interval}, name="dance")
    sing_thread.start()
    dance_thread.start()
    log("main's code ends here; Python waits for the two threads (no join needed)")


if __name__ == "__main__":
    main()
