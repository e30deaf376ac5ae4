"""daemon=True: the interpreter does not wait for daemon threads at exit.

Python twin of examples-threads/src/bin/daemon.rs (where every thread is a
daemon, and joining is how you wait).

The note (notes/002_bdfb11ea434acb50.txt), word for word:
執行緒預設要完全執行完畢才會結束，若希望執行緒隨著 main 執行緒結束而結束 (無論該執行緒是否執行完畢)，可透過設定 daemon 達成。
("By default a thread runs all the way to its end before it ends; if you
want threads to end when the main thread ends (finished or not), set
daemon.") Its code calls thread.setDaemon(True): dated, deprecated since
Python 3.10 (a DeprecationWarning); pass daemon=True to Thread(), as here.
The 10 s worker and the flags are added here.

Run it:
    python3 examples-threads/python/daemon.py
    python3 examples-threads/python/daemon.py --join --worker-secs 3

By default the worker is a daemon: main ends after 1 s and the worker dies,
`worker finished` never appears. With --join the worker is an ordinary
(non-daemon) thread: main's code ends, and the interpreter waits for it.
"""

import argparse
import threading
import time

START = time.perf_counter()
STEPS = 10
MAX_SECS = 3600  # the Rust bin's limit for a duration flag


def log(msg, who=None):
    # One write per line (the newline inside, end=""): print's separate write
    # of "\n" would let another thread's line slip in between.
    print(f"[{time.perf_counter() - START:7.3f}s {who or threading.current_thread().name}] {msg}\n", end="", flush=True)


def seconds(s):
    """argparse type: 0 to 3600 seconds (float() accepts "nan" and "inf": refuse them)."""
    try:
        x = float(s)
    except ValueError:
        x = -1.0
    if not 0 <= x <= MAX_SECS:  # False for NaN too
        raise argparse.ArgumentTypeError(f"{s} is not a number of seconds from 0 to {MAX_SECS}")
    return x


def worker(step):
    for i in range(1, STEPS + 1):
        log(f"step {i}/{STEPS}")
        time.sleep(step)
    log("worker finished")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker-secs", type=seconds, default=10.0)
    parser.add_argument("--main-secs", type=seconds, default=1.0)
    parser.add_argument("--join", action="store_true", help="daemon=False, Python's default")
    args = parser.parse_args()
    threading.current_thread().name = "main"

    log(f"starting a worker that runs {args.worker_secs:g} s")
    t = threading.Thread(target=worker, args=(args.worker_secs / STEPS,), name="worker", daemon=not args.join)
    t.start()
    time.sleep(args.main_secs)
    if args.join:
        # No t.join() needed: at exit the interpreter joins non-daemon threads.
        log("main's code ends; the interpreter waits for the non-daemon worker")
    else:
        log("main returns without joining: the worker dies with the process (daemon=True)")


if __name__ == "__main__":
    main()
