"""Condition variables: two speakers take turns, strictly alternating; then notify vs notify_all.

Twin of examples-threads/src/bin/condition.rs. threading.Condition: the smart
speakers `tmall` and `xiaoai` trade the lines of a poem. Each waits in a loop
on a predicate (`while turn != me: cond.wait()`; cond.wait_for is the same
loop), so no notify can be lost whichever thread starts first; each notifies
with notify_all because three threads wait on the one condition (both
speakers and main), and main waits with a timeout (cond.wait_for(pred,
timeout=tick)) to check progress and to give up instead of hanging.
After the talk both speakers wait for `bye`; main sets it and calls
cond.notify() (one waiter): exactly one speaker leaves, the other sleeps on
with its predicate true until main's cond.notify_all().

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
asleep = 0  # speakers done talking and waiting for `bye`
bye = False  # set by main: the predicate both speakers wait for at the end
left = 0  # speakers that saw `bye` and left


def speaker(me, exchanges, pause):
    global turn, asleep, left
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
    with cond:
        asleep += 1
        log("waiting for bye")
        cond.notify_all()  # tells main; `bye` is False, so nobody else gets past its loop
        cond.wait_for(lambda: bye)
        left += 1
        log("heard bye")  # and no notify: main's notify alone decides who wakes


def wait_until(done, tick, patience):
    """main's wait with a timeout (call it holding cond): wakes every tick to check."""
    started = time.perf_counter()
    while not cond.wait_for(done, timeout=tick):
        log(f"still waiting: {len(said)} lines said, {left} speakers left")
        if time.perf_counter() - started > patience:
            print(f"error: stalled: {len(said)} lines said, {left} speakers left", file=sys.stderr)
            sys.exit(1)


def main():
    global bye
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
    with cond:  # the talk: until both speakers are done and asleep, waiting for `bye`
        wait_until(lambda: asleep == 2, args.tick, patience)
        alternate = len(said) == total and all(who == i % 2 for i, who in enumerate(said))
    time.sleep(args.tick)  # as the Rust does: let the last one get all the way into its wait

    with cond:  # notify vs notify_all: `bye` lets *both* speakers go
        bye = True
        cond.notify()  # notify(n=1): Rust's notify_one
        log("bye = true, notify_one()")
        wait_until(lambda: left >= 1, args.tick, patience)
        cond.wait_for(lambda: left >= 2, timeout=args.tick)  # a tick more: nobody woke the other
        after_one = left
        log(f"notify_one woke {after_one} of 2 waiting speakers; now notify_all()")
        cond.notify_all()
        wait_until(lambda: left == 2, args.tick, patience)
    for t in threads:
        t.join()
    if not alternate:
        print("error: the turns did not alternate", file=sys.stderr)
        sys.exit(1)
    print(f"check: {total} lines, the turns strictly alternate")
    if after_one != 1:
        print(f"error: notify_one let {after_one} speakers go", file=sys.stderr)
        sys.exit(1)
    print("check: notify_one woke 1 of 2 waiting speakers, notify_all the other")


if __name__ == "__main__":
    main()
