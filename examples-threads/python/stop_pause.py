"""Stopping, pausing and resuming a thread by hand: a stop Event and a pause gate.

Twin of examples-threads/src/bin/stop_pause.rs. The notes
(notes/002_bdfb11ea434acb50.txt), word for word:
若要停止執行緒，需自行實作，讓執行緒跑完應有的流程。 ("To stop a thread you
must implement it yourself, letting the thread run through its proper
flow.") and 執行緒的暫停與重啟也需視需求實作。 ("Pausing and restarting a thread
must also be implemented as needed.") They give no code. Added here, after a
common recipe: a Job(threading.Thread) with a __running Event (cleared =
stop) and a pause flag; the recipe's second Event becomes what an Event is
made of, a Condition and a bool, so the worker checks, says, waits and
counts under one lock (with an Event, a pause() between "is it set?" and
wait() would make it block without saying so).

Run: python3 examples-threads/python/stop_pause.py [--run-secs 2 --tick 0.1]
"""

import argparse, os, sys, threading, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "python"))
import blog_spider  # log() = print with the time and thread name; argument types: shared/python/blog_spider.py


class Job(threading.Thread):
    def __init__(self, tick):
        super().__init__(name="worker")
        self.tick, self.steps = tick, 0  # work steps done, counted under the gate's lock
        self.gate, self.paused = threading.Condition(), False  # the pause gate: a lock and a wait queue
        self.running = threading.Event()  # cleared = stop
        self.running.set()

    def run(self):
        while self.running.is_set():
            with self.gate:
                if self.paused:
                    blog_spider.log(f"paused after {self.steps} work steps")
                    self.gate.wait_for(lambda: not self.paused)  # loops: a wake-up may be spurious
                    if not self.running.is_set():
                        break  # stopped while paused
                    blog_spider.log("resumed")
                self.steps += 1  # under the lock: see set_paused
            blog_spider.log(f"work step {self.steps}")  # work with the gate open, so main can pause us meanwhile
            time.sleep(self.tick)
        blog_spider.log(f"stopped after {self.steps} work steps")

    def set_paused(self, paused):
        """pause() / resume(): the steps done so far, exact because the worker counts under this lock."""
        with self.gate:
            self.paused = paused
            self.gate.notify_all()  # on pause, harmless: the worker is not waiting
            return self.steps

    def stop(self):
        self.running.clear()  # as the recipe's stop(): clear the run flag, then open the gate, so that
        self.set_paused(False)  # a paused worker wakes and sees it (notified under the lock: never missed)


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
    at_pause = job.set_paused(True)
    time.sleep(phase)
    blog_spider.log("resume")
    at_resume = job.set_paused(False)
    time.sleep(phase + phase / 3)  # the last 40% of the run
    blog_spider.log("stop")
    job.stop()
    job.join()
    if at_pause != at_resume:
        blog_spider.fail("the worker did work between pause and resume")
    print(f"check: no work while paused ({at_pause} steps before the pause, {job.steps} in all)")
