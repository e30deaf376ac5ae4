"""daemon=True: a daemonic child process is terminated when the main process exits.

Python twin of examples-processes/src/bin/daemon_proc.rs. The note (003):
主进程会等待子进程执行结束以后才结束，可以设置 daemon=True 守护主进程，使得主进程执行结束以后，子进程自动销毁，程序结束
("the main process waits for its children to finish before it ends; set
daemon=True and the children are destroyed when the main process ends").

--mode kill (default): Process(daemon=True); at exit multiprocessing
terminates it (SIGTERM on Unix).
--mode join: Process(daemon=False), the default; at exit the interpreter
joins it (no join() call needed).
--mode detach (added here): subprocess.Popen of this file as the worker,
never waited for: like Rust's dropped Child it runs on after main exits.

Run it:
    python3 examples-processes/python/daemon_proc.py
    python3 examples-processes/python/daemon_proc.py --mode join --worker-secs 2
    python3 examples-processes/python/daemon_proc.py --mode detach --worker-secs 2
"""

import argparse
import multiprocessing
import os
import subprocess
import sys
import time

# The parent's start, shared with its children through the environment (the
# spawn start method re-imports this file in each child): every process's
# lines count from the same moment, as the Rust bin's children share its clock.
os.environ.setdefault("CONCURRENCY_PAIRS_EPOCH_NS", str(time.time_ns()))
START = time.perf_counter() - (time.time_ns() - int(os.environ["CONCURRENCY_PAIRS_EPOCH_NS"])) / 1e9
STEPS = 10


def log(msg, who):
    print(f"[{time.perf_counter() - START:7.3f}s {who}] {msg}\n", end="", flush=True)


MAX_SECS = 3600  # the Rust bin's maximum


def secs(s):
    """argparse type: 0 to 3600 seconds (float() accepts "nan" and "inf": refuse them)."""
    try:
        x = float(s)
    except ValueError:
        x = -1.0
    if not 0 <= x <= MAX_SECS:  # False for NaN too
        raise argparse.ArgumentTypeError(f"{s} is not a number of seconds from 0 to {MAX_SECS}")
    return x


def worker(total):
    log(f"running in pid {os.getpid()}", "worker")
    for i in range(1, STEPS + 1):
        log(f"step {i}/{STEPS}", "worker")
        time.sleep(total / STEPS)
    log("worker finished", "worker")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker-secs", type=secs, default=10.0)
    parser.add_argument("--main-secs", type=secs, default=1.0)
    parser.add_argument("--mode", choices=["kill", "join", "detach"], default="kill")
    parser.add_argument("--role", choices=["worker"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.role == "worker":
        return worker(args.worker_secs)

    if args.mode == "detach":
        cmd = [sys.executable, "-u", __file__, "--role", "worker", "--worker-secs", str(args.worker_secs)]
        p = subprocess.Popen(cmd)
        log(f"started worker {p.pid}", "main")
        time.sleep(args.main_secs)
        log("main returns; the worker runs on without it", "main")
        return
    ctx = multiprocessing.get_context("spawn")
    p = ctx.Process(target=worker, args=(args.worker_secs,), name="worker", daemon=args.mode == "kill")
    p.start()
    log(f"started worker {p.pid}", "main")
    time.sleep(args.main_secs)
    if args.mode == "kill":
        log("main returns: multiprocessing terminates the worker at exit (daemon=True)", "main")
    else:
        log("waiting for the worker (daemon=False)", "main")
        p.join()  # what the interpreter would do at exit anyway
        log(f"worker exited: exit code {p.exitcode}", "main")


if __name__ == "__main__":
    main()
