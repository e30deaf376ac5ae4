"""Deadlock: two locks taken in opposite order, detected; the fix is a global order.

Twin of examples-sync/src/bin/deadlock.rs. The notes, word for word (notes
002, Chapter13): 「死結 (Dead Lock): 因執行緒無法取得鎖定時會造成阻斷，若不正確使用 Lock 有可能造成效能低落與死結問題。」
(Deadlock: a thread that cannot get a lock blocks; using Lock incorrectly
can cause poor performance and deadlock.) The notes give no code; the
example is added here: two transfers between accounts A and B, a sleep
between taking the two locks. With --buggy each thread locks its source
account first (opposite orders) and deadlocks. Without --buggy both lock A
before B, the transfers finish, and the total money is checked.

Python has no deadlock detector like the one the Rust bin asks parking_lot
for, so this twin does what the Rust bin does without its
`deadlock_detection` feature: each transfer keeps a row in a wait-for table
(the lock it holds, written just after taking it; the lock it wants, written
just before blocking on it), and the main thread, a watchdog, looks for a
cycle in the table every 50 ms (T1 wants what T2 holds, T2 wants what T1
holds: a real deadlock), names both threads and exits non-zero, leaving them
blocked (they are daemon threads, so the process can exit). A
Lock.acquire(timeout=...) would not be detection: a slow thread looks the
same as a stuck one. --timeout: the watchdog gives up (exit non-zero) if the
transfers have not finished after that many seconds and no cycle was found.

    python3 examples-sync/python/deadlock.py [--buggy] [--delay 0.1] [--timeout 5]
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


def seconds_in(lo, hi):
    """An argparse type: seconds in lo..=hi (the Rust bin's range); rejects
    NaN and the infinities, as the Rust bin does."""

    def parse(s):
        try:
            x = float(s)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{s!r} is not a number of seconds") from None
        if not lo <= x <= hi:  # False for NaN
            raise argparse.ArgumentTypeError(f"{s} is not in {lo:g}..={hi:g} seconds")
        return x

    return parse


NAMES = ["A", "B"]
balances = [1000, 1000]
locks = [threading.Lock(), threading.Lock()]
waits = {}  # the wait-for table: thread name -> (holds, wants), each a lock index or None
waits_lock = threading.Lock()


def note(holds, wants):
    with waits_lock:
        waits[threading.current_thread().name] = (holds, wants)


def transfer(frm, to, amount, buggy, delay):
    # The fix: every thread locks the account with the smaller id first.
    first, second = (frm, to) if buggy else (min(frm, to), max(frm, to))
    note(None, first)  # just before blocking
    with locks[first]:
        note(first, None)  # just after taking it
        log(f"locked account {NAMES[first]}")
        time.sleep(delay)  # widen the window: the other thread takes its first lock
        log(f"holds account {NAMES[first]}, wants account {NAMES[second]}")
        note(first, second)
        with locks[second]:
            note(first, None)
            log(f"locked account {NAMES[second]}")
            balances[frm] -= amount
            balances[to] += amount
            log(f"moved {amount} from {NAMES[frm]} to {NAMES[to]}")
            with waits_lock:
                del waits[threading.current_thread().name]  # before unlocking


def deadlocked():
    """The threads in a cycle of the wait-for table, described."""
    with waits_lock:
        table = dict(waits)
    holder = {holds: who for who, (holds, _) in table.items() if holds is not None}
    cycle = []
    for start in table:
        who = start
        for _ in range(len(table)):  # follow "wants the lock held by"
            wants = table[who][1]
            who = holder.get(wants) if wants is not None else None
            if who is None:
                break
            if who == start:
                holds, wants = table[start]
                cycle.append(f"{start} holds account {NAMES[holds]}, wants account {NAMES[wants]}")
                break
    return cycle


def main():
    threading.current_thread().name = "main"  # the name Rust gives it, so the lines match
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--buggy", action="store_true", help="take the two locks in opposite order (deadlocks)")
    p.add_argument("--delay", type=seconds_in(0, 3600), default=0.1,
                   help="seconds between the first lock and the second (0 to 3600)")
    p.add_argument("--timeout", type=seconds_in(0, 3600), default=5.0,
                   help="give up (error) if the transfers have not finished after this many seconds (0 to 3600)")
    a = p.parse_args()
    order = "each thread locks its source first (opposite orders)" if a.buggy else "both threads lock A before B (a global order)"
    log(f"A = 1000, B = 1000; A->B 100 and B->A 50 at once; {order}")

    # daemon: if the watchdog gives up, the process may exit with them still blocked.
    ts = [
        threading.Thread(target=transfer, args=(0, 1, 100, a.buggy, a.delay), name="transfer-a-to-b", daemon=True),
        threading.Thread(target=transfer, args=(1, 0, 50, a.buggy, a.delay), name="transfer-b-to-a", daemon=True),
    ]
    for t in ts:
        t.start()
    began = time.monotonic()
    while any(t.is_alive() for t in ts):  # the watchdog
        cycle = deadlocked()
        if cycle:
            log("deadlock detected by the wait-for table: threads waiting for each other")
            for who in cycle:
                log(f"in the cycle: {who}")
            sys.exit("error: deadlock: the transfers would wait forever (their threads are left behind)")
        if time.monotonic() - began > a.timeout:
            sys.exit(f"error: the transfers did not finish within {a.timeout:g} s and no deadlock was detected")
        time.sleep(0.05)

    a_bal, b_bal = balances
    log(f"A = {a_bal}, B = {b_bal}")
    if (a_bal, b_bal) != (950, 1050):
        sys.exit(f"error: check failed: expected A = 950, B = 1050 (total 2000), got {a_bal} and {b_bal}")
    log(f"check: total {a_bal + b_bal} conserved (A = 950, B = 1050)")


if __name__ == "__main__":
    main()
