"""N coroutines that each sleep 1 s, gathered together: peak memory per task.

Python twin of examples-async/src/bin/million_tasks.rs:
    await asyncio.gather(*(sleeper(secs) for _ in range(n)))
gather wraps each coroutine in a Task, so this is the Rust bin's `--form
spawn`. Peak RSS comes from resource.getrusage (Unix only; ru_maxrss is in
kilobytes on Linux, bytes on macOS).

Run it:
    python3 examples-async/python/million_tasks.py --tasks 100000

The cost line (a little over the sleep), the check line, then peak RSS and
bytes per task. At 1,000,000 tasks expect 1-2 GB and half a minute or more.
"""

import argparse
import asyncio
import sys
import time
import math

try:
    import resource
except ImportError:  # not on Windows
    resource = None

START = time.perf_counter()
done = 0


def log(msg, who="main"):
    print(f"[{time.perf_counter() - START:7.3f}s {who}] {msg}", flush=True)


def tasks(s):
    n = int(s)
    if not 1 <= n <= 10_000_000:
        raise argparse.ArgumentTypeError(f"{s} is not in 1..=10000000")
    return n


def secs(s):
    v = float(s)
    if not math.isfinite(v) or v < 0 or v > 3600:
        raise argparse.ArgumentTypeError(f"{s} is not a number of seconds from 0 to 3600")
    return v


def peak_rss_bytes():
    if resource is None:
        return 0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss if sys.platform == "darwin" else rss * 1024


async def sleeper(secs):
    global done
    await asyncio.sleep(secs)
    done += 1


async def main_async(n, secs):
    await asyncio.gather(*(sleeper(secs) for _ in range(n)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=tasks, default=1_000_000)
    parser.add_argument("--sleep", type=secs, default=1.0)
    args = parser.parse_args()
    before = peak_rss_bytes()
    log(f"{args.tasks} tasks on asyncio, form gather, each sleeping {args.sleep}s")
    begin = time.perf_counter()
    asyncio.run(main_async(args.tasks, args.sleep))
    print(f"{args.tasks} sleeping tasks, cost = {time.perf_counter() - begin:.3f} seconds", flush=True)
    if done != args.tasks:
        sys.exit(f"error: only {done} of {args.tasks} tasks finished")
    print(f"check: all {args.tasks} tasks finished", flush=True)
    if resource is None:
        print("peak RSS: not measured on this system", flush=True)
        return
    peak = peak_rss_bytes()
    per_task = max(peak - before, 0) / args.tasks
    print(f"peak RSS = {peak / 1e6:.1f} MB (before the tasks: {before / 1e6:.1f} MB), {per_task:.0f} bytes per task", flush=True)


if __name__ == "__main__":
    main()
