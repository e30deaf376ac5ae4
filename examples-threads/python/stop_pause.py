"""Stopping, pausing and resuming a thread by hand: a stop Event and a pause gate.

Twin of examples-threads/src/bin/stop_pause.rs. The notes
(notes/002_bdfb11ea434acb50.txt), word for word:
若要停止執行緒，需自行實作，讓執行緒跑完應有的流程。 ("To stop a thread you
must implement it yourself, letting the thread run through its proper
flow.") and 執行緒的暫停與重啟也需視需求實作。 ("Pausing and restarting a thread
must also be implemented as needed.") They give no code. Added here, after a
common recipe: a Job(threading.Thread) with a __running Event (cleared =
stop) and a pause flag; the recipe's second Event becomes what an Event is
made of, a Condition and a bool, so the worker checks, says and waits
under one lock (with an Event, a pause() between "is it set?" and wait()
would make it block without saying so).

Run: python3 examples-threads/python/stop_pause.py [--run-secs 2 --tick 0.1]
"""

import argparse, os, sys, threading, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "python"))
import blog_spider  # log() = print with the time and thread name; argument types: shared/python/blog_spider.py


class Job(threading.Thread):
    def __init__(self, tick):
        super().__init__(name="worker")
        self.tick, self.steps, self.parked_at = tick, 0, None
        self.gate, self.paused = threading.Condition(), False  # the pause gate: a lock and a wait queue
        self.running = threading.Event()  # cleared = stop
        self.running.set()

    def run(self):
        while self.running.is_set():
            with self.gate:
                if self.paused:
                    self.parked_at = self.steps
                    blog_spider.log(f"paused after {self.steps} work steps")
                    self.gate.wait_for(lambda: not self.paused or not self.running.is_set())  # loops: no spurious go
                    if self.running.is_set():
                        blog_spider.log("resumed")
            if not self.running.is_set():
                break
            self.steps += 1
            blog_spider.log(f"work step {self.steps}")
            time.sleep(self.tick)
        blog_spider.log(f"stopped after {self.steps} work steps")

    def pause(self):
        with self.gate:
            self.paused = True

    def resume(self):
        with self.gate:  # read under the lock while the worker is still parked
            self.paused = False
            self.gate.notify_all()
            return self.steps

    def stop(self):
        self.running.clear()
        with self.gate:  # under the lock: a worker between its check and its wait cannot miss this
            self.gate.notify_all()


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--run-secs", type=blog_spider.seconds(), default=2.0)
    p.add_argument("--tick", type=blog_spider.positive_seconds, default=0.1)
    args = p.parse_args()
    phase = args.run_secs * 0.3
    job = Job(args.tick)
    job.start()
    time.sleep(phase)
    blog_spider.log("pause")
    job.pause()
    time.sleep(phase)
    blog_spider.log("resume")
    at_resume = job.resume()
    time.sleep(phase + phase / 3)  # the last 40% of the run
    blog_spider.log("stop")
    job.stop()
    job.join()
    if job.parked_at != at_resume:  # None: the whole pause fell inside one tick
        blog_spider.fail("the worker was not parked from pause to resume")
    print(f"check: no work while paused ({at_resume} steps before the pause, {job.steps} in all)")
