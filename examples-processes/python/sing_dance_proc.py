"""Sing and dance in two child processes, each printing its own PID.

Twin of examples-processes/src/bin/sing_dance_proc.rs; the note's code
(003), word for word:

    sing_process = multiprocessing.Process(target=sing, args=(3, ))
    dance_process = multiprocessing.Process(target=dance, kwargs={'num': 3})

with sing printing 唱歌...... ("singing......") and dance 跳舞......
("dancing......"). Added here: the "spawn" start method (the default on
macOS and Windows), which starts a fresh interpreter that re-imports this
file, as the Rust bin runs itself again: that is why the
`if __name__ == "__main__":` guard is needed. Also added: the PIDs, the
joins and the check. The children count from main's start (blog_spider
passes it through the environment).

    python3 examples-processes/python/sing_dance_proc.py --num 3 --interval 0.5
"""
import argparse, multiprocessing, os, sys, threading, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "python"))
import blog_spider  # log() on one clock for every process, argument types: shared/python/blog_spider.py


def perform(line, num, interval):
    threading.current_thread().name = multiprocessing.current_process().name  # its lines' name: sing, dance
    blog_spider.log(f"running in pid {os.getpid()}")
    for _ in range(num):
        blog_spider.log(line)
        time.sleep(interval)


def sing(num, interval=0.5):
    perform("唱歌......", num, interval)


def dance(num, interval=0.5):
    perform("跳舞......", num, interval)


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--num", type=blog_spider.count(1, 100), default=3, help="the note's num")
    p.add_argument("--interval", type=blog_spider.seconds(), default=0.5, help="seconds between lines")
    args = p.parse_args()
    multiprocessing.set_start_method("spawn")
    blog_spider.log(f"main process pid {os.getpid()}")
    sing_process = multiprocessing.Process(target=sing, args=(args.num, args.interval), name="sing")
    dance_process = multiprocessing.Process(target=dance, kwargs={"num": args.num, "interval": args.interval},
                                            name="dance")
    sing_process.start()
    blog_spider.log(f"started sing_process: pid {sing_process.pid}")
    dance_process.start()
    blog_spider.log(f"started dance_process: pid {dance_process.pid}")
    for name, process in [("sing", sing_process), ("dance", dance_process)]:
        process.join()  # what main would do at exit anyway
        if process.exitcode != 0:
            blog_spider.fail(f"{name}_process failed: exit code {process.exitcode}")
        blog_spider.log(f"{name}_process (pid {process.pid}) exited: exit status: 0")
    if len({os.getpid(), sing_process.pid, dance_process.pid}) != 3:
        blog_spider.fail("expected 3 distinct PIDs")
    print("check: 3 processes, 3 distinct PIDs")
