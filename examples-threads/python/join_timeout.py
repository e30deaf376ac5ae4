"""thread.join(timeout): the wait ends, the thread keeps running.

Twin of examples-threads/src/bin/join_timeout.rs (where JoinHandle has no
timeout and mpsc::Receiver::recv_timeout plays join(timeout)). The note
(notes/002_bdfb11ea434acb50.txt), word for word:
thread.join([timeout])，timeout 參數為可選參數，可指定 thread 線程最多可以霸占 CPU 資源的時間(以秒為單位)，默認直到 thread 執行結束 (進入死亡狀態) 才釋放 CPU 資源。
("timeout is optional: it sets the longest time, in seconds, the thread may
hog the CPU; by default the CPU is released only when the thread has ended.")
That is wrong: the timeout is how long the caller waits. The thread is not
stopped and keeps any CPU it uses; join() returns None either way, so ask
t.is_alive() afterwards. The worker and the flags are added here.

Run: python3 examples-threads/python/join_timeout.py [--work-secs 3 --timeout 1]
"""

import argparse, os, sys, threading, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "python"))
import blog_spider  # log() = print with the time and thread name; argument types: shared/python/blog_spider.py

STEPS = 6
done = []  # the steps really done: a thread's target cannot return a value to join()


def worker(step):
    for i in range(1, STEPS + 1):
        blog_spider.log(f"step {i}/{STEPS}")
        time.sleep(step)
        done.append(i)
    blog_spider.log("worker done")


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--work-secs", type=blog_spider.seconds(), default=3.0)
    p.add_argument("--timeout", type=blog_spider.seconds(), default=1.0)
    args = p.parse_args()
    t = threading.Thread(target=worker, args=(args.work_secs / STEPS,), name="worker")
    t.start()
    blog_spider.log(f"join(timeout={args.timeout:g}): waiting at most {args.timeout:g} s")
    t.join(timeout=args.timeout)  # returns None either way: ask is_alive()
    if t.is_alive():
        blog_spider.log("timed out; the worker is not stopped by that")
        blog_spider.log(f"is_alive() = {str(t.is_alive()).lower()}")
    else:
        blog_spider.log("worker finished in time")
    blog_spider.log("now a plain join(): waits as long as it takes")
    t.join()
    blog_spider.log(f"joined: the worker ran {len(done)} steps")
    if len(done) != STEPS:
        blog_spider.fail(f"the worker ran {len(done)} steps, expected {STEPS}")
    print(f"check: worker ran all {STEPS} steps")
