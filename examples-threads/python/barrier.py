"""A barrier: threads wait until all have arrived, and a timeout breaks it
for everyone.

Twin of examples-threads/src/bin/barrier.rs. The note's code
(notes/002_bdfb11ea434acb50.txt), word for word:

    import threading

    b = threading.Barrier(2, timeout=5)

    def server():
        print("server")
        b.wait()
        print("__server")

    def client():
        print("client")
        b.wait()
        print("__client")

    if __name__ == "__main__":
        threading.Thread(target=server).start()
        threading.Thread(target=client).start()

Added here: the client arrives --client-delay after the server (each party
hands a token to the next once it has arrived, so the arrival order is fixed
whatever the scheduler does), the check, and the timeout case: with
--client-delay 6 the server's wait times out after 5 s and breaks the
barrier (BrokenBarrierError), and the client gets BrokenBarrierError at once
when it arrives; the program then prints one error line and exits with 1.

Run: python3 examples-threads/python/barrier.py [--client-delay 6] [--timeout 5] [--parties 4]
"""

import argparse
import sys
import threading
import time

START = time.perf_counter()
MAX_SECS = 3600  # the Rust bin's limit for a duration flag


def log(msg, who=None):
    # One write per line (the newline inside, end=""), so lines from several threads never tear.
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


def party(barrier, after, arrived_me, delay, timeout, arrived, errors):
    """One party: after the one before it has arrived (`after`) and `delay`,
    arrive, tell the next one (`arrived_me`), wait for the others, go on."""
    if after is not None:
        after.wait()
        time.sleep(delay)
    name = threading.current_thread().name
    log(name)  # the note's print("server") / print("client")
    with arrived["lock"]:
        arrived["n"] += 1
    arrived_me.set()
    waited_from = time.perf_counter()
    try:
        barrier.wait()
    except threading.BrokenBarrierError:
        # Python's error does not say whose wait timed out: the one that
        # waited the whole timeout did (the others were woken, or came late).
        if time.perf_counter() - waited_from >= timeout * 0.99:
            log(f"BrokenBarrierError: my wait timed out after {timeout:g} s and broke the barrier")
        else:
            log("BrokenBarrierError: the barrier is broken (a wait timed out)")
        errors.append(name)
        return
    seen = arrived["n"]  # let through: every party must have arrived by now
    log(f"__{name}")
    if seen != barrier.parties:
        print(f"error: {name} passed with {seen} arrived", file=sys.stderr)
        errors.append(name)


def main():
    threading.current_thread().name = "main"  # the name Rust gives it, so the lines match
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--client-delay", type=seconds, default=1.0)
    p.add_argument("--timeout", type=seconds, default=5.0)
    p.add_argument("--parties", type=count(2, 100), default=2)
    args = p.parse_args()

    barrier = threading.Barrier(args.parties, timeout=args.timeout)
    arrived, errors = {"n": 0, "lock": threading.Lock()}, []
    names = ["server", "client"] + [f"client-{k}" for k in range(2, args.parties)]
    tokens = [threading.Event() for _ in names]  # tokens[k] set: party k has arrived
    threads = [threading.Thread(target=party, name=name,
                                args=(barrier, tokens[k - 1] if k else None, tokens[k],
                                      args.client_delay, args.timeout, arrived, errors))
               for k, name in enumerate(names)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        first = min(errors, key=names.index)  # in party order, as the Rust bin reports
        print(f"error: the barrier broke: {len(errors)} of {args.parties} parties got BrokenBarrierError "
              f"({first} could not pass the barrier)", file=sys.stderr)
        sys.exit(1)
    print(f"check: all {args.parties} parties arrived before any went past the barrier")


if __name__ == "__main__":
    main()
