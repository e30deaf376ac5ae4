"""A condition variable: two speakers take turns, strictly alternating.

Twin of examples-threads/src/bin/condition.rs. The notes
(notes/002_bdfb11ea434acb50.txt), word for word: threading.Condition 提供以下操作
("threading.Condition offers these operations"):
wait() 方法會先釋放鎖定，等待通知後再去爭取鎖定，成功爭取後繼續執行。
("wait() first releases the lock, waits for a notification, then competes
for the lock again and goes on once it has it.") and
wait() 可以設定浮點數指定逾時，若等待超過指定時間，就自動嘗試取得鎖定並執行。
("wait() can take a float timeout: if the wait lasts longer, it tries to
take the lock and goes on by itself.") The notes give no code: the smart
speakers tmall and xiaoai trading lines of Li Zhiyi's poem (in English here)
are a well-known Chinese course's example (added here).

Run: python3 examples-threads/python/condition.py [--exchanges 6 --pause 0.3 --tick 1]
"""

import argparse, os, sys, threading, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "python"))
import blog_spider  # log() = print with the time and thread name; argument types: shared/python/blog_spider.py

# tmall speaks the even lines, xiaoai the odd ones; more exchanges start again.
POEM = ["XiaoAi!", "Here.", "I live at the river's head,", "you live at its mouth.",
        "Day after day I long for you and never see you,", "yet we drink from the same river.",
        "When will this water stop flowing?", "When will this longing end?",
        "If only your heart were like mine,", "I would never fail your love."]
cond = threading.Condition()
said = []  # who spoke, in order: tmall's turn at an even count, xiaoai's at an odd one (the self-check reads it)


def speaker(me, exchanges, pause):
    for _ in range(exchanges):
        with cond:
            while len(said) % 2 != me:  # a loop, not an if: a wake-up is only a hint (spurious, or meant for main)
                cond.wait()
        time.sleep(pause if me == 0 else pause / 2)  # think without the lock; xiaoai is quicker, yet waits her turn
        with cond:
            blog_spider.log(POEM[len(said) % len(POEM)])
            said.append(me)  # and the turn passes to the other
            cond.notify_all()  # wake the other speaker *and* main (notify() might pick main)


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--exchanges", type=blog_spider.count(1, 10_000), default=6)
    p.add_argument("--pause", type=blog_spider.seconds(), default=0.3)
    p.add_argument("--tick", type=blog_spider.positive_seconds, default=1.0)
    args = p.parse_args()
    for me, name in enumerate(["tmall", "xiaoai"]):
        threading.Thread(target=speaker, args=(me, args.exchanges, args.pause), name=name).start()
    with cond:  # wait(timeout) in a loop: returns once every line is said, or after a tick to report
        while not cond.wait_for(lambda: len(said) == 2 * args.exchanges, timeout=args.tick):
            blog_spider.log(f"still waiting: {len(said)} of {2 * args.exchanges} lines said")
    if not all(who == i % 2 for i, who in enumerate(said)):
        blog_spider.fail("someone spoke out of turn")
    print(f"check: {len(said)} lines, the turns strictly alternate")
