"""Re-entrant locking: taking the same lock twice in one thread.

Twin of examples-sync/src/bin/rlock.rs. The notes, word for word:
  「RLock：避免 Deadlock 發生，它允許一個 thread 在調用 `.release（）`之前多次`.acquire（）`，也就是鎖中鎖的概念，可以遞迴的鎖。」
  (notes 000: RLock avoids deadlock: it lets one thread .acquire() several times
  before it calls .release(), a lock inside a lock, a lock that can be taken recursively)
  「threading.RLock 實現了可重入鎖 (Reentrant lock)，用於特殊需求。」
  (notes 002, Chapter13: threading.RLock implements a reentrant lock, for special needs)
The deadlock it avoids is only a thread waiting for itself; two threads taking two
locks in opposite order still deadlock with RLocks (deadlock.py). The example is added
here: a method holding the lock calls another that takes it again. A plain
threading.Lock refuses its own owner (shown with acquire(blocking=False), never by
hanging); an RLock counts its owner's acquisitions; another thread still waits while
the owner holds it.

    python3 examples-sync/python/rlock.py
"""
import os
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "python"))
# blog_spider (shared/python/blog_spider.py): log(msg) prints `[  0.101s who] msg`;
# fail(msg): one error line, exit 1
from blog_spider import fail, log


class Bank:
    def __init__(self):
        self.accounts = [100, 0]
        self.lock = threading.RLock()

    def withdraw(self, frm, amount):
        with self.lock:  # the second time for this thread
            log(f"withdraw: locked again (depth 2), -{amount} from account {frm}")
            self.accounts[frm] -= amount

    def deposit(self, to, amount):
        with self.lock:
            log(f"deposit: locked again (depth 2), +{amount} to account {to}")
            self.accounts[to] += amount

    def transfer(self, frm, to, amount):  # holds the lock across both steps
        with self.lock:
            log("transfer: locked (depth 1)")
            self.withdraw(frm, amount)
            self.deposit(to, amount)
            log("transfer: done, unlocking")


# 1. Lock: the owner cannot take it again.
plain = threading.Lock()
plain.acquire()
if plain.acquire(blocking=False):  # acquire() here would never return
    fail("Lock let its owner acquire it twice")
log("Lock: acquired, then acquire(blocking=False) from the same thread: False")
plain.release()

# 2. RLock: the owner can; other threads still wait.
bank, tried, result = Bank(), threading.Barrier(2), {}
bank.transfer(0, 1, 30)
bank.lock.acquire()
log("main: holding the lock")


def other():
    result["refused"] = not bank.lock.acquire(blocking=False)
    log(f"acquire(blocking=False) while main holds it: {'refused' if result['refused'] else 'got it'}")
    tried.wait()
    bank.transfer(1, 0, 10)  # waits until main lets go


t = threading.Thread(target=other, name="other")
t.start()
tried.wait()  # `other` has tried; give it time to block in acquire()
time.sleep(0.1)
log("main: releasing the lock")
bank.lock.release()
t.join()
a, b = bank.accounts
log(f"final balances: account 0 = {a}, account 1 = {b}")
if not result["refused"] or (a, b) != (80, 20):
    fail(f"check failed: refused {result['refused']}, expected 80 and 20, got {a} and {b}")
log("check: 100 - 30 + 10 = 80 and 0 + 30 - 10 = 20, total 100 conserved")
