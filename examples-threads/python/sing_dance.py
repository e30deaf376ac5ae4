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

--spans FILE (as in the Rust bin) writes one JSON line per sing or dance line
({"name", "what", "start", "end"}, seconds on the clock of the event lines),
from the line to the end of its sleep, on rows sing and dance; the atexit
handler writes them, after the threads have ended.

Run it:
    python3 examples-threads/python/sing_dance.py --iterations 3 --interval 0.5
    python3 examples-threads/python/sing_dance.py --spans /tmp/spans.jsonl

The two threads speak once per round; the total cost is about
iterations x interval (1.5 s), not twice that.
"""

import argparse
import atexit
import json
import sys
import threading
import time

START = time.perf_counter()
MAX_SECS = 3600  # the Rust bin's limit for a duration flag


def log(msg, who=None):
    # One write per line (the newline inside, end=""): print's separate write
    # of "\n" would let another thread's line slip in between.
    print(f"[{time.perf_counter() - START:7.3f}s {who or threading.current_thread().name}] {msg}\n", end="", flush=True)


SPANS = []  # (row, what, start, end); list.append is atomic under the GIL
RECORDING = False  # set by --spans: a span costs nothing otherwise


class span:
    """shared::spans::span: records (row, what, start, end) when the block ends."""

    def __init__(self, what, name=None):
        self.what, self.name = what, name

    def __enter__(self):
        self.start = time.perf_counter() - START
        return self

    def __exit__(self, *exc):
        if RECORDING:
            name = self.name or threading.current_thread().name
            SPANS.append((name, self.what, self.start, time.perf_counter() - START))


def write_spans(path, mode="a"):  # the file was created (emptied) at start
    lines = "".join(json.dumps({"name": n, "what": w, "start": round(s, 6), "end": round(e, 6)}) + "\n"
                    for n, w, s, e in SPANS)
    with open(path, mode) as f:
        f.write(lines)


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
        with span(f"sing {i}/{num}"):  # until the sleep ends
            log(f"唱歌...... (singing {i}/{num})")
            time.sleep(interval)


def dance(num, interval):
    for i in range(1, num + 1):
        with span(f"dance {i}/{num}"):
            log(f"跳舞...... (dancing {i}/{num})")
            time.sleep(interval)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=count(1, 1000), default=3)
    parser.add_argument("--interval", type=seconds, default=0.5)
    parser.add_argument("--spans", metavar="FILE", help="write who ran what when to FILE, as JSON lines")
    args = parser.parse_args()
    if args.spans:
        global RECORDING
        try:  # created (emptied) now: a bad path fails before the work
            open(args.spans, "w").close()
        except OSError as e:
            sys.exit(f"error: cannot create the spans file {args.spans}: {e.strerror}")
        RECORDING = True
        atexit.register(write_spans, args.spans)  # registered first, so run last: after the cost line
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
