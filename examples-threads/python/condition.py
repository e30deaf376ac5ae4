"""Condition variables: two speakers take turns, strictly alternating.

Twin of examples-threads/src/bin/condition.rs. threading.Condition: the smart
speakers `tmall` and `xiaoai` trade the lines of a poem. Each waits in a loop
on a predicate (`while turn != me: cond.wait()`; cond.wait_for is the same
loop), so no notify can be lost whichever thread starts first; each notifies
with notify_all because three threads wait on the one condition (both
speakers and main), and main waits with a timeout (cond.wait_for(pred,
timeout=tick)) to report progress and to give up instead of hanging.

Run: python3 examples-threads/python/condition.py --exchanges 6 --pause 0.3 --tick 1
"""

import argparse
import sys
import threading
import time

START = time.perf_counter()


def log(msg, who=None):
    # One write per line (the newline inside, end=""), so lines from several threads never tear.
    print(f"[{time.perf_counter() - START:7.3f}s {who or threading.current_thread().name}] {msg}\n", end="", flush=True)


POEM = [
    ("XiaoAi!", "Here."),
    ("Let's trade lines of a poem.", "Sure."),
    ("I live at the river's head,", "you live at its mouth."),
    ("Day after day I long for you and never see you,", "yet we drink from the same river."),
    ("When will this water stop flowing?", "When will this longing end?"),
    ("If only your heart were like mine,", "I would never fail your love."),
]
SPEAKERS = ["tmall", "xiaoai"]

cond = threading.Condition()
turn = 0  # index into SPEAKERS of who speaks next
said = []  # who spoke, in order: the self-check reads it


def speaker(me, exchanges, pause):
    global turn
    for i in range(exchanges):
        with cond:
            while turn != me:  # a wake-up is only a hint: check again
                cond.wait()
        time.sleep(pause)  # our turn, and only we can pass it on: think without the lock
        with cond:
            log(POEM[i % len(POEM)][me])
            said.append(me)
            turn = 1 - me
            cond.notify_all()  # wake the other speaker *and* main


def main():
    threading.current_thread().name = "main"  # the name Rust gives it, so the lines match
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--exchanges", type=int, default=6)
    p.add_argument("--pause", type=float, default=0.3)
    p.add_argument("--tick", type=float, default=1.0)
    args = p.parse_args()
    if not 1 <= args.exchanges <= 10_000:
        p.error("--exchanges must be between 1 and 10000")
    if args.pause < 0 or args.tick <= 0:
        p.error("--pause must be >= 0 and --tick > 0 seconds")
    total = 2 * args.exchanges
    patience = args.pause * total + 10

    # daemon=True only so that giving up on a stalled talk can exit; they are joined otherwise.
    threads = [
        threading.Thread(target=speaker, args=(me, args.exchanges, args.pause), name=name, daemon=True)
        for me, name in enumerate(SPEAKERS)
    ]
    for t in threads:
        t.start()
    started = time.perf_counter()
    with cond:
        while not cond.wait_for(lambda: len(said) >= total, timeout=args.tick):
            log(f"still talking: {len(said)} of {total} lines so far")
            if time.perf_counter() - started > patience:
                print(f"error: the talk stalled after {len(said)} of {total} lines", file=sys.stderr)
                sys.exit(1)
        alternate = len(said) == total and all(who == i % 2 for i, who in enumerate(said))
    for t in threads:
        t.join()
    if not alternate:
        print("error: the turns did not alternate", file=sys.stderr)
        sys.exit(1)
    print(f"check: {total} lines, the turns strictly alternate")


if __name__ == "__main__":
    main()
