"""notify() wakes exactly one waiter, notify_all() the rest; which one is not up to you.

Twin of examples-threads/src/bin/condition_notify.rs. The notes
(notes/002_bdfb11ea434acb50.txt), word for word:
notify() 會通知正在等待的執行緒，但無法預期哪一個執行緒會被通知，即便透過 notify_all()，也是所有等待的執行緒一同爭取鎖定。
("notify() notifies a waiting thread, but which one cannot be predicted;
even with notify_all(), all the waiting threads compete for the lock
together.") and notify() 可指定通知的執行緒數量，可能通知指定數量 (含) 以上的執行緒。
("notify() can be told how many threads to notify; it may notify that many
or more.") Python's docs agree: notify(n) wakes exactly n today, but a
future version may wake more. (CPython 3.11 happens to wake the oldest
waiter first; it does not promise to.) The three waiters and the flags are
added here.

Three waiters wait for `go` with cond.wait_for(). main sets `go` (true for
all of them now), calls cond.notify() (n=1), and exactly one waiter leaves:
the other two sleep on with their predicate true, because nobody woke them,
until main's cond.notify_all(). main waits on a second Condition that
shares the one lock, so a waiter's "I left" wakes only main.

Run: python3 examples-threads/python/condition_notify.py --waiters 3
"""

import argparse
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


lock = threading.Lock()
go_cond = threading.Condition(lock)  # the waiters sleep here
main_cond = threading.Condition(lock)  # main sleeps here
state = {"go": False, "asleep": 0, "left": 0}


def waiter():
    with go_cond:
        state["asleep"] += 1
        log("waiting for go")
        main_cond.notify()
        go_cond.wait_for(lambda: state["go"])
        state["left"] += 1
        log("woke up, leaving")
        main_cond.notify()  # only main sleeps on main_cond: no other waiter wakes


def wait_for(done):
    """main's wait with a timeout (call it holding the lock): an error, not a hang."""
    if not main_cond.wait_for(done, timeout=10):
        sys.exit(f"error: stalled: {state['asleep']} asleep, {state['left']} left")


def main():
    threading.current_thread().name = "main"  # the name Rust gives it, so the lines match
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--waiters", type=count(2, 100), default=3)
    p.add_argument("--settle", type=seconds, default=0.5, help="seconds to watch for more waiters leaving after notify()")
    args = p.parse_args()
    n = args.waiters

    # daemon=True only so that giving up on a stall can exit; they are joined otherwise.
    threads = [threading.Thread(target=waiter, name=f"waiter-{k}", daemon=True) for k in range(1, n + 1)]
    for t in threads:
        t.start()
    with lock:
        wait_for(lambda: state["asleep"] == n)  # every waiter is inside wait_for() now
        state["go"] = True  # now true for every waiter...
        go_cond.notify()  # ...but only one is woken (notify(n=1): Rust's notify_one)
        log("go = true, notify_one()")
        wait_for(lambda: state["left"] >= 1)
        main_cond.wait_for(lambda: state["left"] > 1, timeout=args.settle)  # does anyone else leave?
        after_one = state["left"]
        log(f"notify_one woke {after_one} of {n} waiters; now notify_all()")
        go_cond.notify_all()
        wait_for(lambda: state["left"] == n)
    for t in threads:
        t.join()
    if after_one != 1:
        sys.exit(f"error: notify_one let {after_one} waiters go")
    print(f"check: notify_one woke 1 waiter, notify_all the other {n - 1}")


if __name__ == "__main__":
    main()
