"""A barrier: threads wait until all have arrived, and a timeout breaks it
for everyone.

Twin of examples-threads/src/bin/barrier.rs. The notes' server/client with
barrier = threading.Barrier(2, timeout=5): `server` prints and waits, `client`
arrives 1 s later, then both print __server / __client (in either order).
With --client-delay 6 the server's wait times out after 5 s and breaks the
barrier (BrokenBarrierError), and the client gets BrokenBarrierError at once
when it arrives; the program then exits with code 1.

Run: python3 examples-threads/python/barrier.py [--client-delay 6] [--timeout 5] [--parties 4]
"""

import argparse
import sys
import threading
import time

START = time.perf_counter()


def log(msg, who=None):
    # One write per line (the newline inside, end=""), so lines from several threads never tear.
    print(f"[{time.perf_counter() - START:7.3f}s {who or threading.current_thread().name}] {msg}\n", end="", flush=True)


def party(barrier, delay, timeout, arrived, errors):
    """One party: arrive after `delay`, wait for the others, go on."""
    time.sleep(delay)
    name = threading.current_thread().name
    log(name)  # the notes' print("server") / print("client")
    with arrived["lock"]:
        arrived["n"] += 1
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
    p.add_argument("--client-delay", type=float, default=1.0)
    p.add_argument("--timeout", type=float, default=5.0)
    p.add_argument("--parties", type=int, default=2)
    args = p.parse_args()
    if not (0 <= args.client_delay <= 86400 and 0 <= args.timeout <= 86400 and 2 <= args.parties <= 100):
        p.error("--client-delay and --timeout must be 0..86400 seconds, --parties 2..100")

    barrier = threading.Barrier(args.parties, timeout=args.timeout)
    arrived, errors = {"n": 0, "lock": threading.Lock()}, []
    names = ["server", "client"] + [f"client-{k}" for k in range(2, args.parties)]
    threads = [threading.Thread(target=party, name=name,
                                args=(barrier, args.client_delay * k, args.timeout, arrived, errors))
               for k, name in enumerate(names)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        print(f"error: the barrier broke: {len(errors)} of {args.parties} parties got BrokenBarrierError "
              f"({errors[0]} could not pass the barrier)", file=sys.stderr)
        sys.exit(1)
    print(f"check: all {args.parties} parties arrived before any went past the barrier")


if __name__ == "__main__":
    main()
