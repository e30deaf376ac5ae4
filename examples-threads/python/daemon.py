"""daemon=True: the interpreter does not wait for daemon threads at exit.

Twin of examples-threads/src/bin/daemon.rs (where every thread is a daemon,
and joining is how you wait). The note (notes/002_bdfb11ea434acb50.txt),
word for word:
執行緒預設要完全執行完畢才會結束，若希望執行緒隨著 main 執行緒結束而結束 (無論該執行緒是否執行完畢)，可透過設定 daemon 達成。
("By default a thread runs all the way to its end before it ends; if you
want threads to end when the main thread ends (finished or not), set
daemon.") Its code calls thread.setDaemon(True): dated, deprecated since
Python 3.10 (a DeprecationWarning); pass daemon=True to Thread(), as here.
The 10 s worker and the flags are added here.

Run: python3 examples-threads/python/daemon.py [--join --worker-secs 3]

By default the worker is a daemon: main ends after 1 s and the worker dies,
`worker finished` never appears. With --join it is an ordinary thread: main's
code ends, and the interpreter waits for it.
"""

import argparse, os, sys, threading, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "python"))
import blog_spider  # log() = print with the time and thread name; argument types: shared/python/blog_spider.py

STEPS = 10


def worker(step):
    for i in range(1, STEPS + 1):
        blog_spider.log(f"step {i}/{STEPS}")
        time.sleep(step)
    blog_spider.log("worker finished")


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--worker-secs", type=blog_spider.seconds(), default=10.0)
    p.add_argument("--main-secs", type=blog_spider.seconds(), default=1.0)
    p.add_argument("--join", action="store_true", help="daemon=False, Python's default")
    args = p.parse_args()
    blog_spider.log(f"starting a worker that runs {args.worker_secs:g} s")
    thread = threading.Thread(target=worker, args=(args.worker_secs / STEPS,), name="worker", daemon=not args.join)
    thread.start()
    time.sleep(args.main_secs)
    if args.join:  # no thread.join() needed: at exit the interpreter joins non-daemon threads
        blog_spider.log("main's code ends; the interpreter waits for the non-daemon worker")
    else:
        blog_spider.log("main returns without joining: the worker dies with the process (daemon=True)")
