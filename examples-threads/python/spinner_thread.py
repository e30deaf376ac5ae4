"""A spinner thread while the main thread runs a slow job (Fluent Python).

Twin of examples-threads/src/bin/spinner_thread.rs. The notes
(notes/004_204d9a897d7f9bf9.txt) only link the program: fluent python 中一个线程和协程对比的例子
("Fluent Python's example comparing a thread and a coroutine"), 线程版本
spinner_thread.py ("thread version"). That program: spin(msg, signal) runs
in a Thread and prints each frame of |/-\\ with end='\\r', so the next frame
overwrites it, every 0.1 s until signal.go is False; slow_function() sleeps
3 s and returns 42; supervisor() runs it and main prints `Answer: 42`.
Added here: the flag is a threading.Event and the spinner waits with
done.wait(tick), so set() stops it at once (as Fluent Python's second
edition does); into a pipe (`| cat`, the tests) each frame is a log line.

Run: python3 examples-threads/python/spinner_thread.py [--tick 0.1 --slow-secs 3]
"""

import argparse, itertools, os, sys, threading, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "python"))
import blog_spider  # log() = print with the time and thread name; argument types: shared/python/blog_spider.py


def spin(msg, done, tick, frames):
    for char in itertools.cycle("|/-\\"):
        frames.append(char)
        if sys.stdout.isatty():
            print(f"\r{char} {msg}\r", end="", flush=True)  # at the line's start: the next line overwrites it
        else:
            blog_spider.log(f"{char} {msg}")
        if done.wait(tick):  # True as soon as done.set() is called
            break
    if sys.stdout.isatty():
        print("\r" + " " * (len(msg) + 2) + "\r", end="")  # clear the line before anyone prints on it
    blog_spider.log(f"spinner stopped after {len(frames)} frames")


def slow_function(secs):
    blog_spider.log("slow job started")
    time.sleep(secs)  # pretend to wait a long time for I/O
    blog_spider.log("slow job done")
    return 42


def supervisor(tick, slow_secs):
    done, frames = threading.Event(), []  # a Thread's target cannot return a value to join()
    spinner = threading.Thread(target=spin, args=("thinking!", done, tick, frames), name="spinner")
    blog_spider.log(f"spinner object: {spinner}")
    spinner.start()
    result = slow_function(slow_secs)
    done.set()
    spinner.join()
    return result, len(frames)


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--tick", type=blog_spider.positive_seconds, default=0.1)
    p.add_argument("--slow-secs", type=blog_spider.seconds(), default=3.0)
    args = p.parse_args()
    result, frames = supervisor(args.tick, args.slow_secs)
    if frames == 0 and args.slow_secs >= args.tick:
        blog_spider.fail("the spinner never drew a frame")
    print(f"check: the spinner drew {frames} frames while main worked")
    print(f"Answer: {result}")
