"""Sing and dance in two child processes, each printing its own PID.

Python twin of examples-processes/src/bin/sing_dance_proc.rs; the note's code
(003) word for word:

    sing_process = multiprocessing.Process(target=sing, args=(3, ))
    dance_process = multiprocessing.Process(target=dance, kwargs={'num': 3})

with sing printing 唱歌...... ("singing......") and dance 跳舞...... ("dancing......").
Added here: the "spawn" start method (the default on macOS and Windows), which
starts a fresh interpreter that re-imports this file, as the Rust bin runs
itself again; that is why the `if __name__ == "__main__":` guard is needed.
Also added: the PIDs, the joins and the check, and --spans FILE: each child
records every line it prints (the print and its sleep) as a span on its row,
"sing (pid P)" / "dance (pid P)", and appends them to FILE in one write as it
ends; main creates FILE first. The children count from main's START (passed
through the environment, so it holds for fork and spawn alike).

Run it:
    python3 examples-processes/python/sing_dance_proc.py --num 3 --interval 0.5
    python3 examples-processes/python/sing_dance_proc.py --spans /tmp/sing_dance.jsonl
"""

import argparse
import contextlib
import json
import multiprocessing
import os
import sys
import time

# The parent's start, shared with its children through the environment (the
# spawn start method re-imports this file in each child): every process's
# lines count from the same moment, as the Rust bin's children share its clock.
os.environ.setdefault("CONCURRENCY_PAIRS_EPOCH_NS", str(time.time_ns()))
START = time.perf_counter() - (time.time_ns() - int(os.environ["CONCURRENCY_PAIRS_EPOCH_NS"])) / 1e9


def log(msg, who=None):
    # One write per line, so lines from several processes never tear.
    who = who or multiprocessing.current_process().name
    print(f"[{time.perf_counter() - START:7.3f}s {who}] {msg}\n", end="", flush=True)


SPANS = []  # (row, what, start, end): this process's spans, written at its end


class span:
    """shared::spans::span_as: records (row, what, start, end) when the block ends."""

    def __init__(self, what, name):
        self.what, self.name = what, name

    def __enter__(self):
        self.start = time.perf_counter() - START
        return self

    def __exit__(self, *exc):
        SPANS.append((self.name, self.what, self.start, time.perf_counter() - START))


def write_spans(path, mode="a"):
    # One write, so the lines of processes sharing the file never interleave.
    lines = "".join(json.dumps({"name": n, "what": w, "start": round(s, 6), "end": round(e, 6)}) + "\n"
                    for n, w, s, e in SPANS)
    with open(path, mode) as f:
        f.write(lines)


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


def count(s):
    """argparse type: a whole number from 1 to 100 (the Rust bin's range)."""
    try:
        n = int(s)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{s!r} is not a whole number") from None
    if not 1 <= n <= 100:
        raise argparse.ArgumentTypeError(f"{s} is not in 1..=100")
    return n


def perform(line, num, interval, spans):
    log(f"running in pid {os.getpid()}")
    row = f"{multiprocessing.current_process().name} (pid {os.getpid()})"
    for i in range(num):
        # Recorded only under --spans; otherwise a context manager that does nothing.
        with span(line, row) if spans else contextlib.nullcontext():
            log(line)
            time.sleep(interval)
    if spans:
        write_spans(spans)


def sing(num, interval=0.5, spans=None):
    perform("唱歌......", num, interval, spans)


def dance(num, interval=0.5, spans=None):
    perform("跳舞......", num, interval, spans)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--num", type=count, default=3)
    parser.add_argument("--interval", type=secs, default=0.5)
    parser.add_argument("--spans", metavar="FILE", help="write who ran when to FILE (JSON lines)")
    args = parser.parse_args()
    if args.spans:
        try:
            open(args.spans, "w").close()  # created (emptied) now: a bad path fails before the work
        except OSError as e:
            print(f"error: cannot create the spans file {args.spans}: {e}", file=sys.stderr)
            sys.exit(1)
    ctx = multiprocessing.get_context("spawn")

    log(f"main process pid {os.getpid()}", "main")
    sing_process = ctx.Process(target=sing, args=(args.num, args.interval, args.spans), name="sing")
    dance_process = ctx.Process(target=dance, kwargs={"num": args.num, "interval": args.interval, "spans": args.spans},
                                name="dance")
    sing_process.start()
    log(f"started sing_process: pid {sing_process.pid}", "main")
    dance_process.start()
    log(f"started dance_process: pid {dance_process.pid}", "main")
    for name, p in [("sing", sing_process), ("dance", dance_process)]:
        p.join()
        if p.exitcode != 0:
            raise SystemExit(f"error: {name}_process failed: exit code {p.exitcode}")
        log(f"{name}_process (pid {p.pid}) exited: exit status: 0", "main")
    if len({os.getpid(), sing_process.pid, dance_process.pid}) != 3:
        raise SystemExit("error: expected 3 distinct PIDs")
    print("check: 3 processes, 3 distinct PIDs")


if __name__ == "__main__":
    main()
