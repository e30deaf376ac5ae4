r"""Subclassing threading.Thread and overriding run(), as the note describes.

Twin of examples-threads/src/bin/thread_subclass.rs (where a plain struct
with a run(self) is spawned on a named thread: no inheritance). The note
(notes/002_bdfb11ea434acb50.txt), word for word:
必要時可繼承 threading.Thread，在 \_\_init\_\_() 中呼叫 super().\_\_init\_\_()，並在類別中定義 run() 方法來實作執行緒功能，但不建議，因其會使得流程與 threading.Thread 產生相依性。
("If you must, you can subclass threading.Thread, call super().__init__() in
__init__(), and define a run() method to do the thread's work; but this is
not recommended, because it makes the flow depend on threading.Thread.")
The note gives no code: the Counter class and the flags are added here. The
usual answer to its advice (added here) is a plain object handed to a
thread, threading.Thread(target=job.run), which is what the Rust does.

Run: python3 examples-threads/python/thread_subclass.py [--iterations 3 --interval 0.5]

counter-1 and counter-2 each count 1..=3, interleaved; run() cannot return a
value to join(), so the subclass stores its result on self.
"""

import argparse, os, sys, threading, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "python"))
import blog_spider  # log() = print with the time and thread name; argument types: shared/python/blog_spider.py


class Counter(threading.Thread):
    def __init__(self, ident, n, interval):
        super().__init__(name=f"counter-{ident}")
        self.n, self.interval = n, interval
        self.done = 0  # the result: join() returns None, so it lives on self

    def run(self):
        for i in range(1, self.n + 1):
            blog_spider.log(f"run: iteration {i}/{self.n}")
            self.done += 1
            time.sleep(self.interval)


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--iterations", type=blog_spider.count(1, 1000), default=3)
    p.add_argument("--interval", type=blog_spider.seconds(), default=0.5)
    args = p.parse_args()
    threads = [Counter(ident, args.iterations, args.interval) for ident in (1, 2)]
    for t in threads:
        blog_spider.log(f"starting {t.name}")
        t.start()
    for t in threads:
        t.join()
        blog_spider.log(f"joined {t.name}: done = {t.done}")
        if t.done != args.iterations:
            blog_spider.fail(f"{t.name} ran {t.done} iterations, expected {args.iterations}")
    print(f"check: each thread ran {args.iterations} iterations")
