"""Deadlock: two locks taken in opposite order, detected; the fix is a global order.

Twin of examples-sync/src/bin/deadlock.rs. The notes, word for word (notes 002,
Chapter13): 「死結 (Dead Lock): 因執行緒無法取得鎖定時會造成阻斷，若不正確使用 Lock 有可能造成效能低落與死結問題。」
(Deadlock: a thread that cannot get a lock blocks; using Lock incorrectly can cause
poor performance and deadlock.) The notes give no code; the example is added here:
two transfers between accounts A and B, a sleep between taking the two locks. With
--buggy each thread locks its source account first (opposite orders) and deadlocks.
Without --buggy both lock A before B, the transfers finish, and the total is checked.

Python has no deadlock detector like parking_lot's, so this twin does what the Rust
bin does without its `deadlock_detection` feature: each transfer writes in a
wait-for table the lock it wants (just before blocking on it) and the lock it holds
(just after taking it), and the main thread, a watchdog, looks for a cycle in it
every 50 ms (T1 wants what T2 holds, T2 wants what T1 holds), names both threads and
exits non-zero, leaving them blocked (daemon threads, so the process can exit).
--timeout: the watchdog gives up if the transfers have not finished by then.

    python3 examples-sync/python/deadlock.py [--buggy] [--delay 0.1] [--timeout 5]
"""
import argparse, os, sys, threading, time
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "python"))
# blog_spider (shared/python/blog_spider.py): log(msg) prints `[  0.101s who] msg`;
# seconds: argparse types refusing bad values (exit 2); fail(msg): one error line, exit 1
from blog_spider import fail, log, seconds

NAMES = ["account A", "account B"]
balances, locks = [1000, 1000], [threading.Lock(), threading.Lock()]
holds, wants = {}, {}  # the wait-for table: thread name -> account; each dict update is one indivisible step


def lock(i):
    """locks[i].acquire(), written in the wait-for table: wanted just before, held just after."""
    me = threading.current_thread().name
    wants[me] = i
    locks[i].acquire()
    del wants[me]
    holds.setdefault(me, i)  # a thread that holds a lock already keeps that one as its row
    log(f"locked {NAMES[i]}")


def transfer(frm, to, amount, buggy, delay):
    first, second = (frm, to) if buggy else sorted((frm, to))  # the fix: one global order
    lock(first)
    time.sleep(delay)  # widen the window: the other thread takes its first lock
    log(f"holds {NAMES[first]}, wants {NAMES[second]}")
    lock(second)
    balances[frm] -= amount
    balances[to] += amount
    log(f"moved {amount} from {NAMES[frm]} to {NAMES[to]}")
    del holds[threading.current_thread().name]  # before unlocking: the table never claims a free lock
    locks[second].release()
    locks[first].release()


def deadlocked():
    """The threads that wait for a lock held by one that waits too, all the way round: none can go on."""
    held, waiting = dict(holds), dict(wants)  # a snapshot
    holder = {i: who for who, i in held.items()}
    stuck = set(waiting)
    while free := {who for who in stuck if holder.get(waiting[who]) not in stuck}:
        stuck -= free  # waits for a running thread, or a free lock: it will go on
    return [f"{who} holds {NAMES[held[who]]}, wants {NAMES[waiting[who]]}" for who in sorted(stuck)]


p = argparse.ArgumentParser(description="Two locks in opposite order deadlock; a global lock order fixes it")
p.add_argument("--buggy", action="store_true", help="take the two locks in opposite order (deadlocks)")
p.add_argument("--delay", type=seconds(0, 3600), default=0.1, help="seconds between the two locks")
p.add_argument("--timeout", type=seconds(0, 3600), default=5.0, help="give up after this many seconds")
a = p.parse_args()
log("A = 1000, B = 1000; A->B 100 and B->A 50 at once; "
    + ("each locks its source first" if a.buggy else "both lock A before B (a global order)"))
ts = [threading.Thread(target=transfer, args=(frm, to, amount, a.buggy, a.delay), name=name, daemon=True)
      for name, frm, to, amount in [("transfer-a-to-b", 0, 1, 100), ("transfer-b-to-a", 1, 0, 50)]]
[t.start() for t in ts]
deadline = time.monotonic() + a.timeout
while any(t.is_alive() for t in ts):  # the watchdog: finished, deadlocked, or out of time
    if cycle := deadlocked():
        log("deadlock detected by the wait-for table: threads waiting for each other")
        for row in cycle:
            log(f"in the cycle: {row}")
        fail("deadlock: the transfers would wait forever (their threads are left behind)")
    if time.monotonic() > deadline:
        fail(f"transfers did not finish within {a.timeout:g} s, no deadlock found")
    time.sleep(0.05)
if balances != [950, 1050]:
    fail(f"check failed: A = {balances[0]}, B = {balances[1]}, not 950 and 1050")
log(f"check: total {sum(balances)} conserved (A = 950, B = 1050)")
