"""N coroutines that each sleep 1 s, gathered together: peak memory per task.

Python twin of examples-async/src/bin/million_tasks.rs:
    await asyncio.gather(*(sleeper(secs) for _ in range(n)))
gather wraps each coroutine in a Task, so this is the Rust bin's `--form
spawn`. Peak RSS comes from blog_spider.peak_rss() (resource.getrusage: Unix
only; ru_maxrss is in kilobytes on Linux, bytes on macOS).

Run it:
    python3 examples-async/python/million_tasks.py --tasks 100000

The cost line (a little over the sleep), the check line, then peak RSS and
bytes per task. At 1,000,000 tasks expect 1-2 GB and half a minute or more.
Ctrl-C ends it at once, as it ends the Rust bin: exit status "killed by SIGINT".
"""

import argparse
import asyncio
import os, signal, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "python"))
import blog_spider  # log(), timed(), peak_rss(), argument types: shared/python/blog_spider.py


async def sleeper(secs):
    await asyncio.sleep(secs)


async def main_async(n, secs):
    await asyncio.gather(*(sleeper(secs) for _ in range(n)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=blog_spider.count(1, 10_000_000), default=1_000_000)
    parser.add_argument("--sleep", type=blog_spider.seconds(0, 3600), default=1.0)
    args = parser.parse_args()
    n, before = args.tasks, blog_spider.peak_rss()
    blog_spider.log(f"{n} tasks on asyncio, form gather, each sleeping {args.sleep}s")
    # Ctrl-C: SIGINT's default action ends the process at once, as the kernel ends the Rust
    # bin. asyncio.run's own handler would cancel the N tasks one by one first (16 s for a
    # million), then raise KeyboardInterrupt. (SIG_DFL also stops asyncio.run installing it.)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    with blog_spider.timed(f"{n} sleeping tasks"):
        asyncio.run(main_async(n, args.sleep))
    print(f"check: all {n} tasks finished")  # gather returned: every one of them
    if before is None:
        print("peak RSS: not measured on this system")
    else:
        peak = blog_spider.peak_rss()
        per_task = max(peak - before, 0) / n
        print(f"peak RSS = {peak / 1e6:.1f} MB (before the tasks: {before / 1e6:.1f} MB), {per_task:.0f} bytes per task")


if __name__ == "__main__":
    main()
