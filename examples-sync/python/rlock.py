"""Re-entrant locking: taking the same lock twice in one thread.

Twin of examples-sync/src/bin/rlock.rs. The notes, word for word:
  「RLock：避免 Deadlock 發生，它允許一個 thread 在調用 `.release（）`之前多次`.acquire（）`，也就是鎖中鎖的概念，可以遞迴的鎖。」
  (notes 000: RLock avoids deadlock: it lets one thread .acquire() several times
  before it calls .release(), a lock inside a lock, a lock that can be taken recursively)
  「threading.RLock 實現了可重入鎖 (Reentrant lock)，用於特殊需求。」
  (notes 002, Chapter13: threading.RLock implements a reentrant lock, for special needs)
The deadlock it avoids is only a thread waiting for itself; two threads taking two
locks in opposite order still deadlock with RLocks (deadlock.py). The example is added
here: transfer() holds the lock and calls add() twice, which takes it again. A plain
threading.Lock refuses its own owner (shown with acquire(blocking=False), never by
hanging); an RLock counts its owner's acquisitions; another thread still waits while
the owner holds it.

    python3 examples-sync/python/rlock.py
"""
import os, sys, threading, time
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "python"))
# blog_spider (shared/python/blog_spider.py): log(msg) prints `[  0.101s who] msg`;
# fail(msg): one error line, exit 1
from blog_spider import fail, log

accounts, lock = [100, 0], threading.RLock()


def add(i, amount):
    with lock:  # the second time for this thread
        log(f"add: locked again (depth 2), {amount:+} to account {i}")
        accounts[i] += amount


def transfer(frm, to, amount):  # holds the lock across both steps: nobody sees the money in flight
    with lock:
        log("transfer: locked (depth 1)")
        add(frm, -amount)
        add(to, amount)
        log("transfer: done, unlocking")


def other():
    got = lock.acquire(blocking=False)
    stole.append(got)  # checked by main at the end
    log(f"acquire(blocking=False) while main holds it: {'got it' if got else 'refused'}")
    tried.set()
    transfer(1, 0, 10)  # waits until main lets go


# 1. Lock: the owner cannot take it again.
plain = threading.Lock()
plain.acquire()
again = plain.acquire(blocking=False)  # acquire() here would never return
log(f"Lock: acquired, then acquire(blocking=False) from the same thread: {again}")
# 2. RLock: the owner can; other threads still wait.
transfer(0, 1, 30)
lock.acquire()
log("main: holding the lock")
tried, stole = threading.Event(), []
t = threading.Thread(target=other, name="other")
t.start()
tried.wait()  # `other` has tried; give it time to block in acquire()
time.sleep(0.1)
log("main: releasing the lock")
lock.release()
t.join()
if again or stole != [False] or accounts != [80, 20]:  # 100 - 30 + 10 and 0 + 30 - 10
    fail(f"check failed: the Lock let its owner in again ({again}), `other` got the RLock ({stole}), or not 80 and 20 ({accounts})")
log(f"final balances: account 0 = {accounts[0]}, account 1 = {accounts[1]} (checked: total 100 conserved)")
