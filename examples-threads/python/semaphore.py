"""A counting semaphore caps how many threads do a job at once.

Twin of examples-threads/src/bin/semaphore.rs. The note
(notes/001_02a52d28409d88e4.txt, 信号量限制并发, "a semaphore limits
concurrency"), word for word:

    from threading import Semaphore
    semaphre = Semaphore(10)
    with semaphre:
        # do something

(the spelling `semaphre` is the note's). Added here: 20 spider threads of
2 s under Semaphore(3): at most 3 crawl at any moment, so the jobs go through
in about 7 rounds. The in-flight count is updated and printed under one lock
at each acquire and release, and checked to never exceed the permits.

--stepped takes the timing out (the tests use it): a spider keeps its permit
until main lets it go, and main lets the longest holder go only once every
permit is taken (or no spider is left to take one), so the count must reach
the permits, whatever the scheduler does.

--spans FILE (as in the Rust bin) writes one JSON line per spider's job
({"name", "what", "start", "end"}, seconds on the clock of the event lines),
on the spider's row (spider-N), opened after its permit is acquired and
closed before it is released: at no instant are more than --permits open.

Run: python3 examples-threads/python/semaphore.py --jobs 20 --permits 3 --job-secs 2 [--spans /tmp/spans.jsonl]
"""

import argparse
import json
import math
import queue
import sys
import threading
import time

START = time.perf_counter()
MAX_SECS = 3600  # the Rust bin's limit for a duration flag


def log(msg, who=None):
    # One write per line (the newline inside, end=""), so lines from several threads never tear.
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


def count_in(lo, hi):
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


count_lock = threading.Lock()
in_flight = {"now": 0, "max": 0}


def count(into):
    """Counts a spider in (after acquire) or out (before release), printing under the lock."""
    with count_lock:
        if into:
            in_flight["now"] += 1
            in_flight["max"] = max(in_flight["max"], in_flight["now"])
            log(f"acquired, in flight = {in_flight['now']}")
        else:
            in_flight["now"] -= 1
            log(f"releasing, in flight = {in_flight['now']}")


def spider(i, semaphore, job_secs, held):
    log("waiting for a permit")
    with semaphore:
        with span("job"):  # opened with the permit held, closed before it goes back
            count(True)
            if held is None:
                time.sleep(job_secs)  # the crawl
            else:
                go = threading.Event()
                held.put((i, go))
                go.wait()  # until main says go
            count(False)


def release_in_order(held, jobs, permits):
    """--stepped: lets the spiders go one at a time, longest holder first,
    each time only once `permits` of them (or all that are left) hold one."""
    holding = []
    for left in range(jobs, 0, -1):
        want = min(permits, left)
        while len(holding) < want:
            try:  # a semaphore that admits too few would leave us waiting here
                holding.append(held.get(timeout=10))
            except queue.Empty:
                sys.exit(f"error: {len(holding)} spiders got a permit, not {want}")
        i, go = holding.pop(0)
        log(f"{want} hold a permit: letting spider-{i} go")
        go.set()


def main():
    threading.current_thread().name = "main"  # the name Rust gives it, so the lines match
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--jobs", type=count_in(1, 1000), default=20)
    p.add_argument("--permits", type=count_in(1, 1000), default=3)
    p.add_argument("--job-secs", type=seconds, default=2.0)
    p.add_argument("--stepped", action="store_true", help="each spider holds its permit until main lets it go")
    p.add_argument("--spans", metavar="FILE", help="write each spider's job, permit held, to FILE as JSON lines")
    args = p.parse_args()
    if args.spans:
        global RECORDING
        try:  # created (emptied) now: a bad path fails before the work
            open(args.spans, "w").close()
        except OSError as e:
            sys.exit(f"error: cannot create the spans file {args.spans}: {e.strerror}")
        RECORDING = True

    semaphore = threading.Semaphore(args.permits)
    held = queue.Queue() if args.stepped else None
    start = time.perf_counter()
    # daemon=True only so that giving up in release_in_order can exit; they are joined otherwise.
    threads = [threading.Thread(target=spider, args=(i, semaphore, args.job_secs, held), name=f"spider-{i}", daemon=True)
               for i in range(1, args.jobs + 1)]
    for t in threads:
        t.start()
    if args.stepped:
        release_in_order(held, args.jobs, args.permits)
    for t in threads:
        t.join()
    print(f"semaphore, cost = {time.perf_counter() - start:.3f} seconds")
    if args.spans:
        write_spans(args.spans)

    rounds = math.ceil(args.jobs / args.permits)
    print(f"{args.jobs} jobs x {args.job_secs:g} s through {args.permits} permits: about {rounds} rounds")
    if in_flight["max"] > args.permits:
        print(f"error: {in_flight['max']} jobs were in flight at once, above {args.permits} permits", file=sys.stderr)
        sys.exit(1)
    print(f"check: at most {args.permits} in flight (max seen {in_flight['max']})")


if __name__ == "__main__":
    main()
