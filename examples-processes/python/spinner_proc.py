"""The spinner in a child process, stopped by the parent through a multiprocessing.Event.

Twin of examples-processes/src/bin/spinner_proc.rs: Fluent Python's spinner
(linked from note 004) with multiprocessing.Process in place of
threading.Thread and multiprocessing.Event for `done`, the same API across
processes. The spin process waits with done.wait(tick): the wait is the tick,
and done.set() in the parent ends it at once. Frames are printed as event
lines, not redrawn with \\r.

    python3 examples-processes/python/spinner_proc.py --tick 0.1 --slow-secs 3
"""
import argparse, itertools, multiprocessing, os, sys, threading, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "python"))
import blog_spider  # log() on one clock for every process, argument types: shared/python/blog_spider.py


def spin(msg, done, tick):
    threading.current_thread().name = "spinner"  # its lines' name
    blog_spider.log(f"running in pid {os.getpid()}")
    frames = 0
    for ch in itertools.cycle("\\|/-"):
        frames += 1
        blog_spider.log(f"{ch} {msg}")
        if done.wait(tick):  # True as soon as the parent calls done.set()
            break
    blog_spider.log(f"spinner stopped after {frames} frames")


def slow(secs):
    blog_spider.log("slow job started")
    time.sleep(secs)
    blog_spider.log("slow job done")
    return 42


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--tick", type=blog_spider.positive_seconds, default=0.1)
    p.add_argument("--slow-secs", type=blog_spider.seconds(), default=3.0)
    args = p.parse_args()
    ctx = multiprocessing.get_context("spawn")
    done = ctx.Event()
    spinner = ctx.Process(target=spin, args=("thinking!", done, args.tick))
    spinner.start()
    blog_spider.log(f"started the spinner process: pid {spinner.pid}")
    result = slow(args.slow_secs)
    done.set()
    spinner.join()
    if spinner.exitcode != 0:
        blog_spider.fail(f"the spinner failed: exit code {spinner.exitcode}")
    blog_spider.log("spinner exited: exit status: 0")
    print(f"Answer: {result}")
