"""Producers and consumers over queue.Queue(10), with task_done() and join().

Python twin of examples-threads/src/bin/producer_consumer.rs (a crossbeam
bounded(10) channel that closes when its senders are dropped).

The notes, word for word: notes/001_02a52d28409d88e4.txt has
    import queue
    q = queue.Queue()
    q.put(item)
    item = q.get()
and notes/002_bdfb11ea434acb50.txt: 透過 queue.Queue 配合 threading.Thread 可以達到一進一出 (wait / notify) 的效果。
("queue.Queue with threading.Thread gives one-in, one-out (wait / notify).")
Added here: the bound (Queue(10): put() blocks while 10 items wait), several
producers and consumers, and task_done() / join(), which the notes do not
mention: q.join() waits until task_done() has been called once per item got.

A Queue never closes, so each consumer stops on a None sentinel. Without
one (as in the course's well-known producer-consumer crawler, whose
consumers loop on q.get() forever) the program never exits.

Run it:
    python3 examples-threads/python/producer_consumer.py --producers 2 --consumers 2 --items 100

Ends with `check: 100 items consumed exactly once`.
"""

import argparse
import queue
import sys
import threading
import time

START = time.perf_counter()
MAX_SECS = 3600  # the Rust bin's limit for a duration flag


def log(msg, who=None):
    # One write per line (the newline inside, end=""): print's separate write
    # of "\n" would let another thread's line slip in between.
    print(f"[{time.perf_counter() - START:7.3f}s {who or threading.current_thread().name}] {msg}\n", end="", flush=True)


def producer(q, first, step, items):
    for item in range(first, items, step):
        q.put(item)  # blocks while the queue is full
        log(f"put {item}")
    log("done")


def consumer(q, work, got):
    while True:
        item = q.get()
        if item is None:  # the sentinel: no more work
            q.task_done()
            break
        log(f"got {item}")
        time.sleep(work)
        got.append(item)
        q.task_done()
    log(f"got the sentinel: consumed {len(got)} items")


def seconds(s):
    """argparse type: 0 to 3600 seconds (float() accepts "nan" and "inf": refuse them)."""
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--producers", type=count(1, 100), default=2)
    parser.add_argument("--consumers", type=count(1, 100), default=2)
    parser.add_argument("--items", type=count(0, 1_000_000), default=100)
    parser.add_argument("--capacity", type=count(1, 10_000), default=10)
    parser.add_argument("--consume-secs", type=seconds, default=0.01)
    args = parser.parse_args()
    threading.current_thread().name = "main"

    q = queue.Queue(args.capacity)
    results = [[] for _ in range(args.consumers)]
    consumers = [
        threading.Thread(target=consumer, args=(q, args.consume_secs, results[c]), name=f"consumer-{c + 1}")
        for c in range(args.consumers)
    ]
    producers = [
        threading.Thread(target=producer, args=(q, p, args.producers, args.items), name=f"producer-{p + 1}")
        for p in range(args.producers)
    ]
    for t in consumers + producers:
        t.start()
    for t in producers:
        t.join()
    for _ in consumers:
        q.put(None)  # one sentinel per consumer
    q.join()  # every put item (and sentinel) has had its task_done()
    for t in consumers:
        t.join()
    log("all threads joined")

    everything = sorted(item for got in results for item in got)
    if everything != list(range(args.items)):
        sys.exit(f"error: consumed {len(everything)} items, not each of 0..{args.items} exactly once")
    print(f"check: {args.items} items consumed exactly once")


if __name__ == "__main__":
    main()
