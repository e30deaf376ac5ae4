"""A logic race: check-then-act split across two lock sections.

Twin of examples-sync/src/bin/bank_lock.rs (the GIL and thread-safety note:
Account(1000), two threads withdraw 800 each, time.sleep(0.1) between the
check and the withdrawal; with both under one threading.Lock one withdrawal
is refused; with `--split-lock` each access is locked but the pair is not,
both checks pass and the balance goes to -600).

    python3 examples-sync/python/bank_lock.py [--split-lock] [--delay 0.1]
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


OPENING = 1000
AMOUNT = 800


class Account:
    def __init__(self, balance):
        self.balance = balance
        self.lock = threading.Lock()

    def withdraw(self, amount, delay):
        """Check and act under one lock: no other thread can withdraw between."""
        with self.lock:
            log(f"check: balance {self.balance} >= {amount}? {str(self.balance >= amount).lower()}")
            if self.balance < amount:
                return False
            time.sleep(delay)  # lock still held
            self.balance -= amount
            log(f"withdrew {amount}, balance now {self.balance}")
            return True

    def withdraw_split(self, amount, delay):
        """The same steps, the lock released between check and act."""
        with self.lock:
            log(f"check: balance {self.balance} >= {amount}? {str(self.balance >= amount).lower()}")
            ok = self.balance >= amount
        if not ok:
            return False
        time.sleep(delay)  # the other thread may check now
        with self.lock:
            self.balance -= amount
            log(f"withdrew {amount}, balance now {self.balance}")
        return True


def main():
    threading.current_thread().name = "main"  # the name Rust gives it, so the lines match
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--split-lock", action="store_true", help="check and withdraw under two lock sections")
    p.add_argument("--delay", type=float, default=0.1, help="seconds between check and withdrawal")
    a = p.parse_args()
    if not a.delay >= 0:
        p.error(f"--delay: {a.delay} is not a valid number of seconds")
    account = Account(OPENING)
    how = "check and withdraw under two lock sections" if a.split_lock else "check and withdraw under one lock"
    log(f"balance {OPENING}; two threads withdraw {AMOUNT} each; {how}")

    start = threading.Barrier(2)
    results = []

    def worker():
        start.wait()
        ok = (account.withdraw_split if a.split_lock else account.withdraw)(AMOUNT, a.delay)
        if not ok:
            log("refused: insufficient funds")
        results.append(ok)

    ts = [threading.Thread(target=worker, name=f"withdraw-{i}") for i in (1, 2)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()

    succeeded = sum(results)
    balance = account.balance
    log(f"{succeeded} of 2 withdrawals succeeded")
    print(f"final balance = {balance}")
    if balance != OPENING - AMOUNT * succeeded:
        sys.exit(f"error: check failed: balance {balance} does not match {succeeded} withdrawals")
    if balance < 0:
        log(f"invariant broken: balance {balance} < 0 (a logic race)")
    else:
        log(f"check: balance {balance} = {OPENING} - {succeeded} x {AMOUNT}, never below 0")
    if not a.split_lock and succeeded != 1:
        sys.exit(f"error: check failed: with one lock exactly one withdrawal should succeed, {succeeded} did")


if __name__ == "__main__":
    main()
