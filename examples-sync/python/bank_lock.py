"""A logic race: check-then-act split across two lock sections.

Twin of examples-sync/src/bin/bank_lock.rs. The notes, word for word (notes 002,
Chapter13): 「鎖定: 若要避免競速的情況發生，可以對資源被變更與取用時的關鍵程式碼進行鎖定。」
(Locking: to avoid races, lock the critical code where the resource is changed and
read.) Which code is "the critical code" is the lesson here.

The example is added here (the notes have no bank account): a balance of 1000, two
threads withdraw 800 each, time.sleep(0.1) between the check and the withdrawal; with
both under one threading.Lock one withdrawal is refused; with `--split-lock` each
access is locked but the pair is not, both checks pass and the balance goes to -600.

    python3 examples-sync/python/bank_lock.py [--split-lock] [--delay 0.1]
"""
import argparse, os, sys, threading, time
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "python"))
# blog_spider (shared/python/blog_spider.py): log(msg) prints `[  0.101s who] msg`;
# seconds: argparse types refusing bad values (exit 2); fail(msg): one error line, exit 1
from blog_spider import fail, log, seconds

balance, lock, succeeded = 1000, threading.Lock(), []


# ANCHOR: withdraw
def withdraw(amount, delay, split_lock):
    global balance
    with lock:
        log(f"check: balance {balance} >= {amount}? {str(balance >= amount).lower()}")
        if balance < amount:
            log("refused: insufficient funds")
            return
        if split_lock:
            lock.release()  # the bug: the lock is let go between the check and the act
            time.sleep(delay)  # the other thread checks now, and passes too
            lock.acquire()  # taken again, so that `with` can release it
        else:
            time.sleep(delay)  # the same wait, the lock still held: the other thread waits
        balance -= amount
        log(f"withdrew {amount}, balance now {balance}")
        succeeded.append(amount)  # list.append: one call into C, indivisible under the GIL
# ANCHOR_END: withdraw


p = argparse.ArgumentParser(description="Two withdrawals of 800 from 1000: one lock section vs two")
p.add_argument("--split-lock", action="store_true", help="check and withdraw under two lock sections")
p.add_argument("--delay", type=seconds(0, 3600), default=0.1, help="seconds between check and withdrawal")
a = p.parse_args()
# ANCHOR: main
log("balance 1000; two threads withdraw 800 each; check and withdraw under "
    + ("two lock sections" if a.split_lock else "one lock"))
ts = [threading.Thread(target=withdraw, args=(800, a.delay, a.split_lock), name=f"withdraw-{i}") for i in (1, 2)]
[t.start() for t in ts]
[t.join() for t in ts]
n = len(succeeded)
log(f"{n} of 2 withdrawals succeeded")
print(f"final balance = {balance}")
if balance != 1000 - 800 * n or (not a.split_lock and n != 1):  # the books; one lock lets one through
    fail(f"check failed: balance {balance} after {n} withdrawals")
log(f"invariant broken: balance {balance} < 0 (a logic race)" if balance < 0
    else f"check: balance {balance} = 1000 - {n} x 800, never below 0")
# ANCHOR_END: main
