"""A logic race: check-then-act split across two lock sections.

Twin of examples-sync/src/bin/bank_lock.rs. The notes, word for word (notes
002, Chapter13): 「鎖定: 若要避免競速的情況發生，可以對資源被變更與取用時的關鍵程式碼進行鎖定。」
(Locking: to avoid races, lock the critical code where the resource is
changed and read.) Which code is "the critical code" is the lesson here.

The example is added here (the notes have no bank account): Account(1000),
two threads withdraw 800 each, time.sleep(0.1) between the check and the
withdrawal; with both under one threading.Lock one withdrawal is refused;
with `--split-lock` each access is locked but the pair is not, both checks
pass and the balance goes to -600.

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
    p.add_argument("--delay", type=seconds_in(0, 3600), default=0.1, help="seconds between check and withdrawal (0 to 3600)")
    a = p.parse_args()
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
