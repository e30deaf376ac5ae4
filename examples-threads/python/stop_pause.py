"""Stopping, pausing and resuming a thread by hand, with two threading.Events.

Python twin of examples-threads/src/bin/stop_pause.rs (an AtomicBool stop
flag and a Mutex + Condvar pause gate). The note's Job(threading.Thread):
__flag cleared = paused (wait() blocks on it), __running cleared = stop.

Run it:
    python3 examples-threads/python/stop_pause.py --run-secs 2 --tick 0.1

Work for 30% of the run, paused until 60%, work again, then stopped.
"""

import argparse
import sys
import threading
import time

START = time.perf_counter()


def log(msg, who=None):
    # One write per line (the newline inside, end=""): print's separate write
    # of "\n" would let another thread's line slip in between.
    print(f"[{time.perf_counter() - START:7.3f}s {who or threading.current_thread().name}] {msg}\n", end="", flush=True)


class Job(threading.Thread):
    def __init__(self, tick):
        super().__init__(name="worker")
        self.tick = tick
        self.__flag = threading.Event()  # set = running, cleared = paused
        self.__flag.set()
        self.__running = threading.Event()  # cleared = stop
        self.__running.set()
        self.steps = 0
        self.parked_at = None

    def run(self):
        while self.__running.is_set():
            parked = not self.__flag.is_set()
            if parked:
                self.parked_at = self.steps
                log(f"paused after {self.steps} work steps")
            self.__flag.wait()  # returns at once unless paused
            if not self.__running.is_set():
                break
            if parked:
                log("resumed")
            self.steps += 1
            log(f"work step {self.steps}")
            time.sleep(self.tick)
        log(f"stopped after {self.steps} work steps")

    def pause(self):
        self.__flag.clear()

    def resume(self):
        self.__flag.set()

    def stop(self):
        self.__flag.set()  # let a paused worker out of its wait, so it sees the stop
        self.__running.clear()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run-secs", type=float, default=2.0)
    parser.add_argument("--tick", type=float, default=0.1)
    args = parser.parse_args()
    if args.run_secs < 0 or args.tick < 0:
        sys.exit("error: seconds must not be negative")
    threading.current_thread().name = "main"
    phase = args.run_secs * 0.3

    job = Job(args.tick)
    job.start()
    time.sleep(phase)
    log("pause")
    job.pause()
    time.sleep(phase)
    log("resume")
    at_resume = job.steps
    parked_at = job.parked_at
    job.resume()
    time.sleep(phase + phase / 3)
    log("stop")
    job.stop()
    job.join()

    if parked_at is None:
        sys.exit("error: the worker never reached the pause gate: make --run-secs longer than --tick")
    if parked_at != at_resume:
        sys.exit(f"error: the worker did {at_resume - parked_at} work steps while paused")
    print(f"check: no work while paused ({parked_at} steps before the pause, {at_resume} at resume, {job.steps} in all)")


if __name__ == "__main__":
    main()
