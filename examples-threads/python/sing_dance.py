"""Two named threads run at the same time: `sing` and `dance` interleave.

Twin of examples-threads/src/bin/sing_dance.rs: the notes' example
(notes/003_d0b3d7c6892ba864.txt), with the thread names, the numbered lines,
the flags and the cost line added here. Like the note, it never calls join():
main's code ends at once, and the interpreter waits for the two non-daemon
threads before it exits (the Rust version has to join).

Run: python3 examples-threads/python/sing_dance.py [--iterations 3 --interval 0.5]

The two threads speak once per round; the cost is about iterations x
interval (1.5 s), not twice that.
"""

import argparse, atexit, os, sys, threading, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "python"))
import blog_spider  # log() = print with the time and thread name; cost(); argument types: shared/python/blog_spider.py


# ANCHOR: sing
def sing(num, interval=0.5):
    for i in range(1, num + 1):
        blog_spider.log(f"唱歌...... (singing {i}/{num})")  # print("唱歌......")
        time.sleep(interval)
# ANCHOR_END: sing


# ANCHOR: dance
def dance(num, interval=0.5):
    for i in range(1, num + 1):
        blog_spider.log(f"跳舞...... (dancing {i}/{num})")  # print("跳舞......")
        time.sleep(interval)
# ANCHOR_END: dance


# ANCHOR: main
if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--iterations", type=blog_spider.count(1, 1000), default=3, help="the note's num")
    p.add_argument("--interval", type=blog_spider.seconds(), default=0.5, help="the note's sleep")
    args = p.parse_args()
    sys.stdout.reconfigure(encoding="utf-8")  # the note's Chinese, even into a Windows pipe
    start = time.perf_counter()
    # atexit runs after the interpreter has waited for every non-daemon thread.
    atexit.register(lambda: blog_spider.cost("sing and dance", time.perf_counter() - start))
    blog_spider.log("starting two threads")
    sing_thread = threading.Thread(target=sing, args=(args.iterations, args.interval), name="sing")
    dance_thread = threading.Thread(target=dance, kwargs={'num': args.iterations, 'interval': args.interval}, name="dance")

    sing_thread.start()
    dance_thread.start()
    blog_spider.log("main's code ends here; Python waits for the two threads (no join needed)")
# ANCHOR_END: main
