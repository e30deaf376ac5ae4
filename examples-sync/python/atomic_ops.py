"""Which operations are indivisible: one bytecode versus several.

Twin of examples-sync/src/bin/atomic_ops.rs (the GIL and thread-safety note:
`dis` shows `n += 1` is several bytecodes, LOAD, INPLACE_ADD (BINARY_OP on
3.11), STORE, so it can be interrupted; a call into C such as `L.append(x)`
runs whole while holding the GIL). Each operation's bytecodes are listed with
`dis`, then it is run from several threads and expected vs got is printed.

    python3 examples-sync/python/atomic_ops.py [--threads 4] [--ops 100000]

Python has no fetch_add, swap or compare_exchange; `next()` on an
itertools.count and `list.append` play the one-step part (CPython details:
they are C functions that do not release the GIL). On 3.11 `n += 1` in a loop
usually loses nothing, because the interpreter hands over the GIL only at
some bytecodes (a call, a backward jump); with a call between the load and
the store, as in `load then store`, it loses updates, as the Rust bin does.
"""
import argparse
import dis
import itertools
import sys
import threading
import time

START = time.perf_counter()


def log(msg, who=None):
    # The newline goes in the same write as the text: print(..., end="\n")
    # writes them separately, so lines from two threads could interleave.
    print(f"[{time.perf_counter() - START:7.3f}s {who or threading.current_thread().name}] {msg}\n", end="", flush=True)


n = 0
L = []
count = itertools.count()


def pause():
    pass  # a call: the GIL may be handed to another thread here


def plus_equals(_i):
    global n
    n += 1


def load_then_store(_i):
    global n
    v = n
    pause()
    n = v + 1


def fetch_add(_i):
    next(count)


def append(i):
    L.append(i)


def steps(f):
    """The bytecodes of f's body, as dis lists them (without the entry and
    the implicit `return None`)."""
    ins = [i for i in dis.get_instructions(f) if i.opname not in ("RESUME", "RETURN_VALUE")]
    ins = ins[:-1] if ins and ins[-1].opname == "LOAD_CONST" and ins[-1].argval is None else ins
    return "[" + ", ".join(f"{i.opname} {i.argrepr}".strip() for i in ins) + "]"


def on_threads(threads, ops, body):
    start = threading.Barrier(threads)

    def worker(t):
        start.wait()
        for k in range(ops):
            body(t * ops + k)

    ts = [threading.Thread(target=worker, args=(t,), name=f"worker-{t}") for t in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()


def main():
    global n
    threading.current_thread().name = "main"  # the name Rust gives it, so the lines match
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--threads", type=int, default=4)
    p.add_argument("--ops", type=int, default=100_000)
    a = p.parse_args()
    if not 1 <= a.threads <= 64 or not 0 <= a.ops <= 10_000_000:
        p.error("--threads must be in 1..=64 and --ops in 0..=10000000")
    expected = a.threads * a.ops

    log(f"n += 1: steps = {steps(plus_equals)}: several steps")
    n = 0
    on_threads(a.threads, a.ops, plus_equals)
    log(f"n += 1: expected {expected}, got {n} (lost {expected - n})")

    log(f"load then store: steps = {steps(load_then_store)}: several steps, a call between")
    n = 0
    on_threads(a.threads, a.ops, load_then_store)
    log(f"load then store: expected {expected}, got {n} (lost {expected - n})")

    log(f"next(count): steps = {steps(fetch_add)}: one CALL into C, indivisible")
    on_threads(a.threads, a.ops, fetch_add)
    counted = next(count)
    log(f"next(count): expected {expected}, got {counted}")

    log(f"L.append(x): steps = {steps(append)}: one CALL into C, indivisible")
    on_threads(a.threads, a.ops, append)
    distinct = len(set(L))
    log(f"L.append(x): expected {expected} distinct items, got {distinct} of {len(L)}")

    if counted != expected or len(L) != expected or distinct != expected:
        print("error: check failed: an indivisible operation lost an update", file=sys.stderr)
        sys.exit(1)
    log("check: next(count) and L.append(x) both exact")


if __name__ == "__main__":
    main()
