r"""Subclassing threading.Thread and overriding run(), as the note describes.

Python twin of examples-threads/src/bin/thread_subclass.rs (where a plain
struct with a run(self) is spawned on a named thread: no inheritance).

The note (notes/002_bdfb11ea434acb50.txt), word for word:
必要時可繼承 threading.Thread，在 \_\_init\_\_() 中呼叫 super().\_\_init\_\_()，並在類別中定義 run() 方法來實作執行緒功能，但不建議，因其會使得流程與 threading.Thread 產生相依性。
("If you must, you can subclass threading.Thread, call super().__init__() in
__init__(), and define a run() method to do the thread's work; but this is
not recommended, because it makes the flow depend on threading.Thread.")
The note gives no code: the Counter class and the flags are added here.
The note does not say what to do instead; the usual answer (added here) is a
plain object handed to a thread, threading.Thread(target=job.run), which is
what the Rust version does.

Run it:
    python3 examples-threads/python/thread_subclass.py --iterations 3 --interval 0.5

counter-1 and counter-2 each count 1..=3, interleaved; run() cannot return a
value to join(), so the subclass stores its result on self.
"""

import argparse
import sys
import threading
import time

START = time.perf_counter()
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


def count(lo, hi):
    """argparse type: an integer in lo..=hi, as the Rust bin's clap range."""
    def parse(s):
        try:
            n = int(s)
        except ValueError:
            n = lo - 1
        if not lo <= n <= hi:
            raise argparse.ArgumentTypeError(f"{s} is not in {lo}..={hi}")
        return n
    return parse


class Counter(threading.Thread):
    def __init__(self, ident, n, interval):
        super().__init__(name=f"counter-{ident}")
        self.n = n
        self.interval = interval
        self.done = 0  # the result: join() returns None, so it lives on self

    def run(self):
        for i in range(1, self.n + 1):
            log(f"run: iteration {i}/{self.n}")
            self.done += 1
            time.sleep(self.interval)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=count(1, 1000), default=3)
    parser.add_argument("--interval", type=seconds, default=0.5)
    args = parser.parse_args()
    threading.current_thread().name = "main"

    threads = []
    for ident in (1, 2):
        t = Counter(ident, args.iterations, args.interval)
        log(f"starting {t.name}")
        t.start()
        threads.append(t)
    for t in threads:
        t.join()
        log(f"joined {t.name}: done = {t.done}")
        if t.done != args.iterations:
            sys.exit(f"error: {t.name} ran {t.done} iterations, expected {args.iterations}")
    print(f"check: each thread ran {args.iterations} iterations")


if __name__ == "__main__":
    main()
