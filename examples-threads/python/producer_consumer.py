"""Producers and consumers over queue.Queue(10), with task_done() and join().

Twin of examples-threads/src/bin/producer_consumer.rs (a crossbeam bounded(10)
channel that closes when its senders are dropped). The notes, word for word:
notes/001_02a52d28409d88e4.txt has `q = queue.Queue()` / `q.put(item)` /
`item = q.get()`, and notes/002_bdfb11ea434acb50.txt:
透過 queue.Queue 配合 threading.Thread 可以達到一進一出 (wait / notify) 的效果。
("queue.Queue with threading.Thread gives one-in, one-out (wait / notify).")
Added here: the bound (Queue(10): put() blocks while 10 items wait), several
producers and consumers, and task_done() / join() (q.join() waits until
task_done() has been called once per item got). A Queue never closes, so
each consumer stops on a None sentinel: without one (as in the course's
producer-consumer crawler, whose consumers loop on q.get() forever) the
program never exits.

Run: python3 examples-threads/python/producer_consumer.py [--producers 2 --consumers 2 --items 100]
"""

import argparse, os, queue, sys, threading, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "python"))
import blog_spider  # log() = print with the time and thread name; argument types: shared/python/blog_spider.py


def producer(q, first, step, items):
    for item in range(first, items, step):
        q.put(item)  # blocks while the queue is full
        blog_spider.log(f"put {item}")
    blog_spider.log("done")


def consumer(q, work, got):
    while (item := q.get()) is not None:  # None: the sentinel, no more work
        blog_spider.log(f"got {item}")
        time.sleep(work)
        got.append(item)
        q.task_done()
    q.task_done()  # the sentinel's
    blog_spider.log(f"got the sentinel: consumed {len(got)} items")


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--producers", type=blog_spider.count(1, 100), default=2)
    p.add_argument("--consumers", type=blog_spider.count(1, 100), default=2)
    p.add_argument("--items", type=blog_spider.count(0, 1_000_000), default=100)
    p.add_argument("--consume-secs", type=blog_spider.seconds(), default=0.01)
    args = p.parse_args()
    q = queue.Queue(10)
    got = [[] for _ in range(args.consumers)]
    consumers = [threading.Thread(target=consumer, args=(q, args.consume_secs, got[c]), name=f"consumer-{c + 1}")
                 for c in range(args.consumers)]
    producers = [threading.Thread(target=producer, args=(q, p, args.producers, args.items), name=f"producer-{p + 1}")
                 for p in range(args.producers)]
    for t in consumers + producers:
        t.start()
    for t in producers:
        t.join()
    for _ in consumers:
        q.put(None)  # one sentinel per consumer
    q.join()  # every item (and sentinel) put has had its task_done()
    for t in consumers:
        t.join()
    blog_spider.log("all threads joined")
    if sorted(item for items in got for item in items) != list(range(args.items)):
        blog_spider.fail(f"the items consumed are not each of 0..{args.items} exactly once")
    print(f"check: {args.items} items consumed exactly once")
