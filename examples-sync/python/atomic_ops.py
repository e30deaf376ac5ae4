"""The note's dis example: is list.sort() atomic, is list.append() not?

Twin of examples-sync/src/bin/atomic_ops.rs. The note (notes 000, 四. 什麼是
原子操作 (atomic operation)？, "what is an atomic operation?") says, word for
word: 「所以能確保的是每行 Bytecode 都會被運行完成，而多行 Bytecode 時則有被中斷切換執行緒的可能性。」
(what is guaranteed is that each bytecode runs to completion; with several
bytecodes a thread switch may interrupt). It disassembles two functions:

    def list_sort():                def list_append():
        this_is_list.sort()             this_is_list.append('text')
        return 'ok'                     return 'ok'

(the note writes the first `return ‘ok’` with typographic quotes, which
Python rejects; here it is 'ok'), and prints, for list_sort:

    >>> 0 LOAD_GLOBAL      0 (this_is_list)
    >>> 2 LOAD_METHOD      1 (sort)
    >>> 4 CALL_METHOD      0
    >>> 6 POP_TOP

and for list_append:

    0 LOAD_GLOBAL     0 (this_is_list)
    2 LOAD_METHOD     1 (append)
    4 LOAD_CONST      1 ('text')
    6 CALL_METHOD     1
    8 POP_TOP

(the output of Python 3.7 to 3.10, which had CALL_METHOD), and concludes
「所以 sort 本身是單一個 bytecode，這代表在執行完 sort 前是沒有機會被中斷而釋放 GIL 的。」
(sort itself is a single bytecode, so it cannot be interrupted before it
finishes) but 「append 函式的輸出中，比剛剛運行 sort 還多了一行 bytecode (4 LOAD_CONST 1 (‘text’))，也就是說有可能在運行到一半時，就被中斷換其他執行緒運行，所以 append 函式就不是一個原子操作～」
(append has one more bytecode, LOAD_CONST, so it may be interrupted halfway:
append is not an atomic operation).

This twin prints dis.dis of both functions on the running Python. Python
3.11 prints RESUME, LOAD_GLOBAL, LOAD_METHOD, PRECALL, CALL (CALL_METHOD is
gone; 3.12 prints LOAD_ATTR instead of LOAD_METHOD and drops PRECALL), and
LOAD_CONST 'text' before PRECALL/CALL in list_append.

Where the note is right: one bytecode that calls a C function runs whole
under the GIL: the sort of a list of ints happens inside one CALL, which
checks for a GIL hand-over only after the C code has returned, so no other
thread sees the list half-sorted (shown below: another thread appending all
along loses nothing). But not always: if the sort calls back into Python (a
key function, or a class with a Python `__lt__`), the interpreter can switch
threads inside the sort; CPython then makes the list look empty, discards
what the other thread appended and raises `ValueError: list modified during
sort` (shown below, and in the list.sort docs).

Where the note is wrong: append is just as atomic. Counting the bytecodes of
the statement is not the question; the question is whether the change to
the list is one step. The append happens inside one CALL too; LOAD_CONST
only pushes 'text' on the stack, so a switch between LOAD_CONST and CALL
(in the note's 3.7-3.10 as much as in list_sort between LOAD_METHOD and
CALL_METHOD) happens before the append, never in the middle of it: it
cannot be left half-done, and concurrent appends lose nothing (shown below).
The Python FAQ ("What kinds of global value mutation are thread-safe?")
lists both L.append(x) and L.sort() as atomic. What is not atomic is a read
and a write in separate steps: `i = i + 1`, `L.append(L[-1])`, `L[i] = L[j]`
(race_condition.py shows the loss). All of this is CPython with its GIL; the
free-threaded build (3.13t) keeps lists consistent with per-object locks.

    python3 examples-sync/python/atomic_ops.py [--threads 4] [--ops 100000] [--sort-items 100000]

--sort-items is Python only. You should see the two listings, then
`list_append from 4 threads: expected 400000 items, got 400000`, the int
sort finishing whole with nothing lost, and the sort with a Python __lt__
interrupted: `ValueError: list modified during sort` and some appends lost
(how many varies).
"""
import argparse
import dis
import io
import random
import sys
import threading
import time

START = time.perf_counter()


def log(msg, who=None):
    # The newline goes in the same write as the text: print(..., end="\n")
    # writes them separately, so lines from two threads could interleave.
    print(f"[{time.perf_counter() - START:7.3f}s {who or threading.current_thread().name}] {msg}\n", end="", flush=True)


def int_in(lo, hi):
    """An argparse type: a whole number in lo..=hi (the Rust bin's range)."""

    def parse(s):
        try:
            n = int(s)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{s!r} is not a whole number") from None
        if not lo <= n <= hi:
            raise argparse.ArgumentTypeError(f"{s} is not in {lo}..={hi}")
        return n

    return parse


this_is_list = []


def list_sort():  # the note's first function
    this_is_list.sort()
    return 'ok'


def list_append():  # the note's second function
    this_is_list.append('text')
    return 'ok'


def listing(f):
    """dis.dis(f) as one string, printed in one write."""
    out = io.StringIO()
    dis.dis(f, file=out)
    return out.getvalue()


def until_call(f):
    """The opcodes of f's first line, from the load of the list to the call."""
    ops = []
    for ins in dis.get_instructions(f):
        if ins.opname in ("RESUME", "POP_TOP"):
            if ops and ins.opname == "POP_TOP":
                break
            continue
        ops.append(f"{ins.opname} {ins.argrepr}".strip())
    return ", ".join(ops)


class Key:
    """An int whose comparison is Python code: sort() calls back into Python."""

    __slots__ = ("v",)

    def __init__(self, v):
        self.v = v

    def __lt__(self, other):
        return self.v < other.v


def sort_while_appending(item):
    """Runs list_sort on one thread while another appends `item` to
    this_is_list all along. Returns (error or None, appends, items lost)."""
    done, started = threading.Event(), threading.Event()
    appended, error = [0], [None]
    before = len(this_is_list)

    def sorter():
        started.set()
        try:
            list_sort()
        except ValueError as e:
            error[0] = f"ValueError: {e}"
        done.set()

    def appender():
        started.wait()
        while not done.is_set():
            this_is_list.append(item)
            appended[0] += 1

    ts = [threading.Thread(target=sorter, name="sorter"), threading.Thread(target=appender, name="appender")]
    for t in reversed(ts):
        t.start()
    for t in ts:
        t.join()
    return error[0], appended[0], before + appended[0] - len(this_is_list)


def main():
    threading.current_thread().name = "main"  # the name Rust gives it, so the lines match
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--threads", type=int_in(1, 64), default=4)
    p.add_argument("--ops", type=int_in(0, 10_000_000), default=100_000)
    p.add_argument("--sort-items", type=int_in(1, 1_000_000), default=100_000,
                   help="length of the list sorted while another thread appends (Python only)")
    a = p.parse_args()
    py = sys.version.split()[0]

    for f in (list_sort, list_append):
        log(f"dis.dis({f.__name__}) on Python {py}:")
        print(listing(f), end="", flush=True)
        log(f"{f.__name__}: {until_call(f)}")
    log("the note: sort is one bytecode (atomic); append needs one more, LOAD_CONST (not atomic)")
    log("in fact: both change the list inside one call bytecode; LOAD_CONST only pushes 'text'")

    # 1. list_append from several threads: not one append is lost.
    expected = a.threads * a.ops
    start = threading.Barrier(a.threads)

    def appender():
        start.wait()
        for _ in range(a.ops):
            list_append()

    ts = [threading.Thread(target=appender, name=f"worker-{i}") for i in range(a.threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    got = len(this_is_list)
    log(f"list_append from {a.threads} threads: expected {expected} items, got {got}")

    # 2. list_sort while another thread appends: the sort is one C call.
    values = list(range(a.sort_items))
    random.Random(1).shuffle(values)
    this_is_list[:] = values
    t0 = time.perf_counter()
    ints = sort_while_appending(-1)
    ms = (time.perf_counter() - t0) * 1000
    log(f"list_sort of {a.sort_items} ints ({ms:.0f} ms) while another thread appends: "
        f"{ints[0] or 'finished whole'}, {ints[1]} appends, {ints[2]} lost")

    # 3. The same with a Python __lt__: the sort calls back into Python.
    this_is_list[:] = [Key(v) for v in values]
    keyed = sort_while_appending(Key(-1))
    log(f"list_sort of {a.sort_items} Keys with a Python __lt__ while another thread appends: "
        f"{keyed[0] or 'finished whole'}, {keyed[1]} appends, {keyed[2]} lost")

    if got != expected or ints[0] or ints[2]:
        print("error: check failed: an append was lost, or the int sort was interrupted", file=sys.stderr)
        sys.exit(1)
    log("check: list_append lost nothing; the int sort ran whole (atomic); "
        "a sort that calls Python code is not")


if __name__ == "__main__":
    main()
