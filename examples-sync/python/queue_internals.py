"""How queue.Queue is built: one Lock and three Conditions.

Twin of examples-sync/src/bin/queue_internals.rs. The notes, word for word
(notes 002, Chapter13):
  「queue 模塊實現了多生產者、多消費者隊列。這特別適用於消息必須安全地在多線程間交換的線程編程。模塊中的 Queue 類實現了所有所需的鎖定語義。」
  (The queue module implements multi-producer, multi-consumer queues,
  especially useful in threaded programming when messages must be exchanged
  safely between threads; its Queue class implements all the required
  locking semantics.)
  「透過 queue.Queue 配合 threading.Thread 可以達到一進一出 (wait / notify) 的效果。」
  (queue.Queue with threading.Thread gives one-in, one-out (wait / notify).)

The look inside is added here, from CPython's Lib/queue.py: one lock,
q.mutex, shared by three Conditions, not_empty, not_full and all_tasks_done.
One producer and --consumers consumers: put blocks while the queue is full,
get while it is empty; the producer join()s until every item is task_done,
then puts one None sentinel per consumer. Checked: every item consumed
exactly once.

The Rust bin also runs the job on a lock-free ArrayQueue and on a channel
that disconnects when its sender is dropped; this twin keeps to queue.Queue
(collections.deque would be the lock-free one's nearest kin).

    python3 examples-sync/python/queue_internals.py [--items 10] [--maxsize 3] [--consumers 2] [--work 0.01]
"""
import argparse, os, queue, sys, threading, time
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "python"))
# blog_spider (shared/python/blog_spider.py): log(msg) prints `[  0.101s who] msg`;
# count, seconds: argparse types refusing bad values (exit 2); fail(msg): one error line, exit 1
from blog_spider import count, fail, log, seconds

p = argparse.ArgumentParser(description="queue.Queue's internals: a Lock and three Conditions")
p.add_argument("--items", type=count(0, 100_000), default=10)
p.add_argument("--maxsize", type=count(1, 1000), default=3)
p.add_argument("--consumers", type=count(1, 64), default=2)
p.add_argument("--work", type=seconds(0, 3600), default=0.01, help="seconds a consumer works on each item")
a = p.parse_args()
q, got = queue.Queue(a.maxsize), []
log(f"q.mutex is a {type(q.mutex).__name__}; q.not_empty, q.not_full, q.all_tasks_done are "
    f"{type(q.not_empty).__name__}s on it; items in a {type(q.queue).__name__}")


def producer():
    for i in range(a.items):
        q.put(i)  # blocks while the queue holds maxsize items
        log(f"put {i} (qsize {q.qsize()})")
    q.join()  # waits until every item is task_done
    log("join() returned: every item was task_done; one None per consumer")
    for _ in range(a.consumers):
        q.put(None)


def consumer():
    while (item := q.get()) is not None:  # blocks while the queue is empty
        log(f"got {item}")
        time.sleep(a.work)
        got.append(item)  # list.append: one call into C, indivisible under the GIL
        q.task_done()
    q.task_done()  # for the sentinel too


ts = [threading.Thread(target=producer, name="producer")]
ts += [threading.Thread(target=consumer, name=f"consumer-{i}") for i in range(1, a.consumers + 1)]
[t.start() for t in ts]
[t.join() for t in ts]
if sorted(got) != list(range(a.items)):
    fail(f"check failed: the consumers got {sorted(got)}")
log(f"check: {a.items} items consumed exactly once")
