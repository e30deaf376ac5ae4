"""notify() wakes exactly one waiter, notify_all() the rest; which one is not up to you.

Twin of examples-threads/src/bin/condition_notify.rs. The notes
(notes/002_bdfb11ea434acb50.txt), word for word:
notify() 會通知正在等待的執行緒，但無法預期哪一個執行緒會被通知，即便透過 notify_all()，也是所有等待的執行緒一同爭取鎖定。
("notify() notifies a waiting thread, but which one cannot be predicted;
even with notify_all(), all the waiting threads compete for the lock
together.") and notify() 可指定通知的執行緒數量，可能通知指定數量 (含) 以上的執行緒。
("notify() can be told how many threads to notify; it may notify that many
or more.") Python's docs agree: notify(n) wakes exactly n today, but a
future version may wake more. The waiters and the flags are added here.

Run: python3 examples-threads/python/condition_notify.py [--waiters 3]
"""

import argparse, os, sys, threading

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "python"))
import blog_spider  # log() = print with the time and thread name; argument types: shared/python/blog_spider.py

lock = threading.Lock()  # two conditions on one lock: the waiters sleep on go_cond, main on main_cond,
go_cond, main_cond = threading.Condition(lock), threading.Condition(lock)  # so "I left" wakes only main
state = {"go": False, "asleep": 0, "left": 0}


def waiter():
    with go_cond:
        state["asleep"] += 1
        blog_spider.log("waiting for go")
        main_cond.notify()
        go_cond.wait_for(lambda: state["go"])
        state["left"] += 1
        blog_spider.log("woke up, leaving")
        main_cond.notify()


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--waiters", type=blog_spider.count(2, 100), default=3)
    p.add_argument("--settle", type=blog_spider.seconds(), default=0.5, help="seconds to watch for more leaving")
    args = p.parse_args()
    for k in range(1, (n := args.waiters) + 1):
        threading.Thread(target=waiter, name=f"waiter-{k}").start()
    with lock:
        main_cond.wait_for(lambda: state["asleep"] == n)  # every waiter is inside wait_for() now
        state["go"] = True  # now true for every waiter...
        go_cond.notify()  # ...but only one is woken (notify(n=1): Rust's notify_one)
        blog_spider.log("go = true, notify_one()")
        main_cond.wait_for(lambda: state["left"] >= 1)
        main_cond.wait_for(lambda: state["left"] > 1, timeout=args.settle)  # does anyone else leave?
        blog_spider.log(f"notify_one woke {(after_one := state['left'])} of {n} waiters; now notify_all()")
        go_cond.notify_all()
        main_cond.wait_for(lambda: state["left"] == n)
    if after_one != 1:
        blog_spider.fail(f"notify_one let {after_one} waiters go")
    print(f"check: notify_one woke 1 waiter, notify_all the other {n - 1}")
