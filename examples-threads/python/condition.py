"""A condition variable: two speakers take turns, strictly alternating.

Twin of examples-threads/src/bin/condition.rs. The notes
(notes/002_bdfb11ea434acb50.txt), word for word: threading.Condition 提供以下操作
("threading.Condition offers these operations"):
wait() 方法會先釋放鎖定，等待通知後再去爭取鎖定，成功爭取後繼續執行。
("wait() first releases the lock, waits for a notification, then competes
for the lock again and goes on once it has it.") and
wait() 可以設定浮點數指定逾時，若等待超過指定時間，就自動嘗試取得鎖定並執行。
("wait() can take a float timeout: if the wait lasts longer, it tries to
take the lock and goes on by itself.") The notify() bullets are
condition_notify.py. The notes give no code: the smart speakers `tmall` and
`xiaoai` trading lines of Li Zhiyi's poem (in English here) are a well-known
Chinese course's example (added here).

Each speaker waits in a loop on a predicate (`while turn != me:
cond.wait()`; cond.wait_for is the same loop), so no notify can be lost
whichever thread starts first; each notifies with notify_all because main
waits on the same condition; main waits with a timeout
(cond.wait_for(pred, timeout=tick)) to report progress and to give up
instead of hanging.

Run: python3 examples-threads/python/condition.py --exchanges 6 --pause 0.3 --tick 1
"""

import argparse
import sys
import threading
import time

START = time.perf_counter()
MAX_SECS = 3600  # the Rust bin's limit for a duration flag


def log(msg, who=None):
    # One write per line (the newline inside, end=""), so lines from several threads never tear.
    print(f"[{time.perf_counter() - START:7.3f}s {who or threading.current_thread().name}] {msg}\n", end="", flush=True)


def seconds(s):
    """argparse type: 0 to 3600 seconds. float() accepts "nan", and
    cond.wait_for(pred, timeout=nan) would then wait forever: refuse it here."""
    try:
        x = float(s)
    except ValueError:
        x = -1.0
    if not 0 <= x <= MAX_SECS:  # False for NaN too
        raise argparse.ArgumentTypeError(f"{s} is not a number of seconds from 0 to {MAX_SECS}")
    return x


def positive_seconds(s):
    """argparse type: as seconds(), but 0 is refused too (a zero tick would flood the output)."""
    try:
        x = seconds(s)
    except argparse.ArgumentTypeError:
        x = 0.0
    if x == 0:
        raise argparse.ArgumentTypeError(f"{s} is not a number of seconds more than 0, at most {MAX_SECS}")
    return x


def count(lo, hi):
    """argparse type: an integer in lo..=hi, as the Rust bin's clap range."""
    def parse(s):
        try:
            n = int(s)
        except ValueError:
            n = lo - 1
        if not lo <= n <= hi:
            raise argparse.ArgumentTypeError(f"{s} is not in {lo}..={hi}")
        return n
    return parse


# tmall speaks the even lines, xiaoai the odd ones; more exchanges start again.
POEM = [
    "XiaoAi!",
    "Here.",
    "I live at the river's head,",
    "you live at its mouth.",
    "Day after day I long for you and never see you,",
    "yet we drink from the same river.",
    "When will this water stop flowing?",
    "When will this longing end?",
    "If only your heart were like mine,",
    "I would never fail your love.",
]

cond = threading.Condition()
turn = 0  # 0 = tmall speaks next, 1 = xiaoai
said = []  # who spoke, in order: the self-check reads it


def speaker(me, exchanges, pause):
    global turn
    for i in range(exchanges):
        with cond:
            while turn != me:  # a wake-up is only a hint: check again
                cond.wait()
        # Our turn, and only we can pass it on: think without the lock.
        time.sleep(pause if me == 0 else pause / 2)  # xiaoai is quicker, yet waits her turn
        with cond:
            log(POEM[(2 * i + me) % len(POEM)])
            said.append(me)
            turn = 1 - me
            cond.notify_all()  # wake the other speaker *and* main


def main():
    threading.current_thread().name = "main"  # the name Rust gives it, so the lines match
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--exchanges", type=count(1, 10_000), default=6)
    p.add_argument("--pause", type=seconds, default=0.3)
    p.add_argument("--tick", type=positive_seconds, default=1.0)
    args = p.parse_args()
    total = 2 * args.exchanges
    patience = args.pause * total + 10  # give up (instead of hanging) after this

    # daemon=True only so that giving up on a stalled talk can exit; they are joined otherwise.
    threads = [
        threading.Thread(target=speaker, args=(me, args.exchanges, args.pause), name=name, daemon=True)
        for me, name in enumerate(["tmall", "xiaoai"])
    ]
    for t in threads:
        t.start()
    started = time.perf_counter()
    with cond:  # wait(timeout) in a loop: returns once every line is said, or after a tick
        while not cond.wait_for(lambda: len(said) == total, timeout=args.tick):
            log(f"still waiting: {len(said)} of {total} lines said")
            if time.perf_counter() - started > patience:
                sys.exit(f"error: stalled after {len(said)} lines")
        alternate = all(who == i % 2 for i, who in enumerate(said))
    for t in threads:
        t.join()
    if not alternate:
        sys.exit("error: the turns did not alternate")
    print(f"check: {total} lines, the turns strictly alternate")


if __name__ == "__main__":
    main()
