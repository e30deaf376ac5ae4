"""Deadlock: two locks taken in opposite order, detected; the fix is a global order.

Twin of examples-sync/src/bin/deadlock.rs (the GIL and thread-safety note:
two threads each hold one threading.Lock and wait for the other's). Two
transfers between accounts A and B, a sleep between taking the two locks.
With --buggy each thread locks its source account first (opposite orders) and
deadlocks. Python has no deadlock detector like the one the Rust bin asks
parking_lot for, so the standard-library way not to hang is used: the second
Lock.acquire(timeout=...) gives up after --acquire-timeout seconds (a Python
only flag), the thread reports what it holds and wants and releases its lock
(so the other thread, if it has not timed out too, may then finish), and the
program exits non-zero. Without --buggy both lock A before B, the transfers
finish, and the total money is checked. --timeout means what it means in the
Rust bin: the main thread gives up (exit non-zero) if the transfers have not
finished after that many seconds in all, leaving their threads behind.

    python3 examples-sync/python/deadlock.py [--buggy] [--delay 0.1] [--timeout 5] [--acquire-timeout 1]
"""
import argparse
import sys
import threading
import time

START = time.perf_counter()


def log(msg, who=None):
    # The newline goes in the same write as the text: print(..., end="\n")
    # writes them separately, so lines from two threads could interleave.
    print(f"[{time.perf_counter() - START:7.3f}s {who or threading.current_thread().name}] {msg}\n", end="", flush=True)


NAMES = ["A", "B"]
balances = [1000, 1000]
locks = [threading.Lock(), threading.Lock()]
gave_up = []


def transfer(frm, to, amount, buggy, delay, timeout):
    # The fix: every thread locks the account with the smaller id first.
    first, second = (frm, to) if buggy else (min(frm, to), max(frm, to))
    with locks[first]:
        log(f"locked account {NAMES[first]}")
        time.sleep(delay)  # widen the window: the other thread takes its first lock
        log(f"holds account {NAMES[first]}, wants account {NAMES[second]}")
        if not locks[second].acquire(timeout=timeout):
            log(f"gave up after {timeout} s waiting for account {NAMES[second]}")
            gave_up.append(f"{threading.current_thread().name} holds account {NAMES[first]}, wants account {NAMES[second]}")
            return
        try:
            log(f"locked account {NAMES[second]}")
            balances[frm] -= amount
            balances[to] += amount
            log(f"moved {amount} from {NAMES[frm]} to {NAMES[to]}")
        finally:
            locks[second].release()


def main():
    threading.current_thread().name = "main"  # the name Rust gives it, so the lines match
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--buggy", action="store_true", help="take the two locks in opposite order (deadlocks)")
    p.add_argument("--delay", type=float, default=0.1, help="seconds between the first lock and the second")
    p.add_argument("--timeout", type=float, default=5.0,
                   help="give up (error) if the transfers have not finished after this many seconds")
    p.add_argument("--acquire-timeout", type=float, default=1.0,
                   help="seconds a thread waits for its second lock before reporting a deadlock (Python only)")
    a = p.parse_args()
    if not (a.delay >= 0 and a.timeout > 0 and a.acquire_timeout > 0):
        p.error("--delay must be >= 0, --timeout and --acquire-timeout > 0")
    order = "each thread locks its source first (opposite orders)" if a.buggy else "both threads lock A before B (a global order)"
    log(f"A = 1000, B = 1000; A->B 100 and B->A 50 at once; {order}")

    # daemon: if the watchdog gives up, the process may exit with them still waiting.
    ts = [
        threading.Thread(target=transfer, args=(0, 1, 100, a.buggy, a.delay, a.acquire_timeout),
                         name="transfer-a-to-b", daemon=True),
        threading.Thread(target=transfer, args=(1, 0, 50, a.buggy, a.delay, a.acquire_timeout),
                         name="transfer-b-to-a", daemon=True),
    ]
    for t in ts:
        t.start()
    deadline = time.monotonic() + a.timeout
    for t in ts:
        t.join(max(0.0, deadline - time.monotonic()))
    if any(t.is_alive() for t in ts):
        sys.exit(f"error: the transfers did not finish within {a.timeout} s and no deadlock was detected")

    if gave_up:
        log("deadlock detected: a thread timed out waiting for a lock held by the other")
        for who in gave_up:
            log(f"in the cycle: {who}")
        sys.exit("error: deadlock: the transfers would have waited forever (Lock.acquire timed out)")
    a_bal, b_bal = balances
    log(f"A = {a_bal}, B = {b_bal}")
    if (a_bal, b_bal) != (950, 1050):
        sys.exit(f"error: check failed: expected A = 950, B = 1050 (total 2000), got {a_bal} and {b_bal}")
    log(f"check: total {a_bal + b_bal} conserved (A = 950, B = 1050)")


if __name__ == "__main__":
    main()
