"""Producers and consumers over queue.Queue(10), with task_done() and join().

Python twin of examples-threads/src/bin/producer_consumer.rs (a crossbeam
bounded(10) channel that closes when its senders are dropped). A Queue never
closes, so here each consumer stops on a None sentinel, and q.join() waits
until task_done() has been called once per item got.

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


def positive(s):
    n = int(s)
    if n < 1:
        raise argparse.ArgumentTypeError(f"{s} is not in 1..")
    return n


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--producers", type=positive, default=2)
    parser.add_argument("--consumers", type=positive, default=2)
    parser.add_argument("--items", type=int, default=100)
    parser.add_argument("--capacity", type=positive, default=10)
    parser.add_argument("--consume-secs", type=float, default=0.01)
    args = parser.parse_args()
    if args.consume_secs < 0:
        sys.exit(f"error: {args.consume_secs} is not a valid number of seconds")
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
