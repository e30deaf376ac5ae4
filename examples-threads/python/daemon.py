"""daemon=True: the interpreter does not wait for daemon threads at exit.

Python twin of examples-threads/src/bin/daemon.rs (where every thread is a
daemon, and joining is how you wait).

Run it:
    python3 examples-threads/python/daemon.py
    python3 examples-threads/python/daemon.py --join --worker-secs 3

By default the worker is a daemon: main ends after 1 s and the worker dies,
`worker finished` never appears. With --join the worker is an ordinary
(non-daemon) thread: main's code ends, and the interpreter waits for it.
"""

import argparse
import sys
import threading
import time

START = time.perf_counter()
STEPS = 10


def log(msg, who=None):
    # One write per line (the newline inside, end=""): print's separate write
    # of "\n" would let another thread's line slip in between.
    print(f"[{time.perf_counter() - START:7.3f}s {who or threading.current_thread().name}] {msg}\n", end="", flush=True)


def worker(step):
    for i in range(1, STEPS + 1):
        log(f"step {i}/{STEPS}")
        time.sleep(step)
    log("worker finished")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker-secs", type=float, default=10.0)
    parser.add_argument("--main-secs", type=float, default=1.0)
    parser.add_argument("--join", action="store_true", help="daemon=False, Python's default")
    args = parser.parse_args()
    if args.worker_secs < 0 or args.main_secs < 0:
        sys.exit("error: seconds must not be negative")
    threading.current_thread().name = "main"

    log(f"starting a worker that runs {args.worker_secs} s")
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
