"""The three result orders of a thread pool, exact on any machine: map gives input order, submit + as_completed completion order, and a sort by the index that travelled with each result gives input order back.

Twin of examples-threads/src/bin/result_orders.rs. The pools notes
(004_204d9a897d7f9bf9.txt), word for word: executor.map
「结果顺序与调用顺序一致」 ("results in the order of the calls"); as_completed
「结果顺序与调用顺序不一致（乱序，谁先运行结束谁在前面）」 ("not the order of the
calls (out of order: whoever finishes first comes first)"); and a dict from
future to index sorts it back:

    to_do_map[future] = i
    ...
        results.append((res, to_do_map[future]))
    results = [item[0] for item in sorted(results, key=lambda a:a[1])]

Added here: the tasks finish in --finish-order (default 4,1,3,0,2, the order
of tasks sleeping 3, 1, 4, 2, 0 s), not by racing sleeps: each waits on a
queue for its turn and returns its finishing rank. thread_pool.py shows the
same pool crawling the blog.

Run (no site needed):
    python3 examples-threads/python/result_orders.py --finish-order 4,1,3,0,2
"""

import argparse, os, queue, sys
from concurrent.futures import ThreadPoolExecutor, as_completed

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "python"))
import blog_spider  # log(): shared/python/blog_spider.py


def turns(order):
    """examples_threads::turns: a queue per task, chained in `order`; the first queue, and (turn, next) per task."""
    chans, rank = [queue.Queue(maxsize=1) for _ in order], {i: k for k, i in enumerate(order)}
    return chans[0], [(chans[rank[i]], (chans + [None])[rank[i] + 1]) for i in range(len(order))]


def task(i, turn, nxt):
    """Waits for its turn, passes the next one on (if given) and returns its turn: its finishing rank."""
    blog_spider.log(f"task {i}: waiting for its turn")
    rank = turn.get()
    blog_spider.log(f"task {i}: done (turn {rank})")
    if nxt is not None:
        nxt.put(rank + 1)
    return rank


def finish_order(s):
    """argparse type: a permutation of 0..n, 1 to 64 tasks, as `4,1,3,0,2`."""
    order = [int(i) for i in s.split(",") if i.strip().lstrip("-").isdigit()]
    if len(order) != len(s.split(",")) or sorted(order) != list(range(len(order))) or len(order) > 64:
        raise argparse.ArgumentTypeError(f"{s} is not a permutation of 0..n (1 to 64 tasks), like 4,1,3,0,2")
    return order


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--finish-order", type=finish_order, default=[4, 1, 3, 0, 2], help="task indexes in finishing order")
    order = p.parse_args().finish_order
    # max_workers=n: every task waits for its turn at once, so each needs a thread.
    with ThreadPoolExecutor(len(order), "pool") as executor:
        # 1. executor.map: input order, whatever order the tasks finish in.
        first, tasks = turns(order)
        first.put(0)  # the first to finish may go; each task passes the turn on itself
        mapped = list(executor.map(task, range(len(order)), *zip(*tasks)))
        blog_spider.log(f"map (input order): {mapped}")

        # 2. submit + as_completed over the notes' to_do_map. Main passes each turn on once
        # as_completed has yielded the task before (a task passing it on itself would do so
        # before its future is done, and futures done together come out in any order).
        first, tasks = turns(order)
        to_do_map = {}
        for i, (turn, _) in enumerate(tasks):
            future = executor.submit(task, i, turn, None)
            to_do_map[future] = i
        first.put(0)
        completed = []
        for future in as_completed(to_do_map):
            res, i = future.result(), to_do_map[future]
            blog_spider.log(f"as_completed: task {i} -> {res}")
            completed.append((i, res))
            if tasks[i][1] is not None:
                tasks[i][1].put(res + 1)
        blog_spider.log(f"as_completed (completion order, (index, result)): {completed}")

    # 3. sorted by the index that came back with each result: input order again.
    resorted = sorted(completed, key=lambda a: a[0])
    blog_spider.log(f"re-sorted by index: {resorted}")
    if [i for i, _ in completed] != order or [res for _, res in resorted] != mapped:
        blog_spider.fail("as_completed was not in finishing order, or the re-sort differs from map")
    print(f"check: map and the re-sorted results are both in input order {mapped}", flush=True)
