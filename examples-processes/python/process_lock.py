"""4 processes x 1,000 increments of a counter in a file: lost without a Lock, none lost with one.

Twin of examples-processes/src/bin/process_lock.rs. The note (001), word for
word:

    from multiprocessing import Lock
    lock = Lock()
    with lock:
        # do something

Here "do something" is read the number from the file, sleep --window-us
(added here, to widen the race window), write the number plus one. The Rust
bin locks the file itself (flock through fs4), since Rust has no
multiprocessing.Lock; the Lock here is a semaphore the OS shares between the
processes. The workers wait on an Event so that all start together.

    python3 examples-processes/python/process_lock.py
    python3 examples-processes/python/process_lock.py --mode no-lock --window-us 0
"""
import argparse, contextlib, multiprocessing, os, pathlib, sys, tempfile, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "python"))
import blog_spider  # log(), fail(), argument types: shared/python/blog_spider.py


def worker(path, increments, window, lock, go):
    with open(path, "r+") as f:
        go.wait()  # all start together
        for _ in range(increments):
            with lock or contextlib.nullcontext():
                f.seek(0)
                n = int(f.read())  # read
                time.sleep(window)
                f.seek(0)
                f.write(f"{n + 1:020}\n")  # modify, write (fixed width: every byte a digit)
                f.flush()


def run(args, lock):
    with tempfile.TemporaryDirectory() as tmp:  # removed with the counter file in it
        counter = pathlib.Path(tmp, "counter.txt")
        counter.write_text(f"{0:020}\n")
        go = multiprocessing.Event()
        work = (counter, args.increments, args.window_us / 1e6, lock, go)
        workers = [multiprocessing.Process(target=worker, args=work) for _ in range(args.processes)]
        for w in workers:
            w.start()
        go.set()
        for w in workers:
            w.join()
            blog_spider.log(f"worker pid {w.pid} done: {args.increments} increments")
        return int(counter.read_text())


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--processes", type=blog_spider.count(1, 64), default=4)
    p.add_argument("--increments", type=blog_spider.count(1, 100_000), default=1000)
    p.add_argument("--window-us", type=blog_spider.count(0, 100_000), default=100)
    p.add_argument("--mode", choices=["no-lock", "lock"], help="run only one of the two")
    args = p.parse_args()
    multiprocessing.set_start_method("spawn")
    expected = args.processes * args.increments
    for lock, label in [(None, "no lock"), (multiprocessing.Lock(), "Lock")]:
        if args.mode in (None, "lock" if lock else "no-lock"):
            count = run(args, lock)
            print(f"{label}: counter = {count}, expected {expected}: lost {expected - count} updates")
            if lock and count != expected:
                blog_spider.fail("updates were lost under the lock")
    if args.mode != "no-lock":
        print("check: with the Lock no update was lost")
