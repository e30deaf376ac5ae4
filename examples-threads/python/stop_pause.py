"""Stopping, pausing and resuming a thread by hand: a stop Event and a pause gate.

Python twin of examples-threads/src/bin/stop_pause.rs (an AtomicBool stop
flag and a Mutex + Condvar pause gate).

The notes (notes/002_bdfb11ea434acb50.txt), word for word:
若要停止執行緒，需自行實作，讓執行緒跑完應有的流程。 ("To stop a thread you
must implement it yourself, letting the thread run through its proper
flow.") and 執行緒的暫停與重啟也需視需求實作。 ("Pausing and restarting a thread
must also be implemented as needed.") They give no code. Added here, after a
common recipe: a Job(threading.Thread) with two threading.Events, __flag
(cleared = paused, `__flag.wait()` blocks) and __running (cleared = stop).
But "is __flag set? then log and wait()" is two steps: a pause() between
them makes the worker block without saying so. So the pause gate here is
what an Event is made of, a threading.Condition and a bool: the worker
checks, logs and waits under the one lock, as the Rust does.

Run it:
    python3 examples-threads/python/stop_pause.py --run-secs 2 --tick 0.1

Work for 30% of the run, paused until 60%, work again, then stopped.
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


def positive_seconds(s):
    """argparse type: as seconds(), but 0 is refused too (a zero tick would flood the output)."""
    try:
        x = seconds(s)
    except argparse.ArgumentTypeError:
        x = 0.0
    if x == 0:
        raise argparse.ArgumentTypeError(f"{s} is not a number of seconds more than 0, at most {MAX_SECS}")
    return x


class Job(threading.Thread):
    def __init__(self, tick):
        super().__init__(name="worker")
        self.tick = tick
        self.__gate = threading.Condition()  # the pause gate: a lock and a wait queue
        self.__paused = False  # guarded by __gate
        self.__running = threading.Event()  # cleared = stop
        self.__running.set()
        self.steps = 0
        self.parked_at = None

    def wait_while_paused(self):
        """Blocks while paused (and not stopped); True if it had to wait."""
        with self.__gate:  # check, log and wait under one lock: no pause() can slip in between
            parked = self.__paused and self.__running.is_set()
            if parked:
                self.parked_at = self.steps
                log(f"paused after {self.steps} work steps")
            # wait_for loops on the predicate, so a spurious wake-up just waits again.
            self.__gate.wait_for(lambda: not self.__paused or not self.__running.is_set())
            return parked

    def run(self):
        while self.__running.is_set():
            parked = self.wait_while_paused()
            if not self.__running.is_set():
                break
            if parked:
                log("resumed")
            self.steps += 1
            log(f"work step {self.steps}")
            time.sleep(self.tick)
        log(f"stopped after {self.steps} work steps")

    def pause(self):
        with self.__gate:
            self.__paused = True

    def resume(self):
        """Lets the worker go; returns (steps when it parked, steps now), read
        under the lock while the worker is still parked."""
        with self.__gate:
            self.__paused = False
            self.__gate.notify_all()
            return self.parked_at, self.steps

    def stop(self):
        self.__running.clear()  # first, so a worker let out of its wait sees the stop
        with self.__gate:  # under the lock: a worker between its check and its wait cannot miss this
            self.__gate.notify_all()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run-secs", type=seconds, default=2.0)
    parser.add_argument("--tick", type=positive_seconds, default=0.1)
    args = parser.parse_args()
    threading.current_thread().name = "main"
    phase = args.run_secs * 0.3

    job = Job(args.tick)
    job.start()
    time.sleep(phase)
    log("pause")
    job.pause()
    time.sleep(phase)
    log("resume")
    parked_at, at_resume = job.resume()
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
