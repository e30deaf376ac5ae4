"""The note's dis example: is list.sort() atomic, is list.append() not?

Twin of examples-sync/src/bin/atomic_ops.rs. The note (notes 000, 四. 什麼是原子操作
(atomic operation)？) says, word for word: 「所以能確保的是每行 Bytecode 都會被運行完成，而多行 Bytecode 時則有被中斷切換執行緒的可能性。」
(each bytecode runs to completion; with several bytecodes a thread switch may
interrupt). It disassembles list_sort() and list_append() (below; the note writes the
first `return ‘ok’` with typographic quotes, which Python rejects), shows the output of
Python 3.7-3.10 (LOAD_GLOBAL, LOAD_METHOD, CALL_METHOD, POP_TOP), and concludes
「所以 sort 本身是單一個 bytecode，這代表在執行完 sort 前是沒有機會被中斷而釋放 GIL 的。」
(sort is a single bytecode, so it cannot be interrupted before it finishes) but that
append, with one more bytecode (`4 LOAD_CONST 1 (‘text’)`),
「所以 append 函式就不是一個原子操作～」 (so append is not an atomic operation).

This twin prints dis.dis of both on the running Python (3.11: RESUME, LOAD_GLOBAL,
LOAD_METHOD, PRECALL, CALL; 3.12: LOAD_ATTR, no PRECALL) and tests the claims:
- right: a sort of ints happens inside one CALL into C, so another thread appending
  all along sees no half-sorted list and loses nothing;
- not always: a sort that calls back into Python (a Python __lt__) can be switched out
  mid-sort; CPython then raises `ValueError: list modified during sort`;
- wrong: append is just as atomic. LOAD_CONST only pushes 'text'; the append happens
  inside one CALL, so concurrent appends lose nothing. The Python FAQ lists both
  L.append(x) and L.sort() as atomic. What is not atomic is a read and a write in
  separate steps (race_condition.py).

    python3 examples-sync/python/atomic_ops.py [--threads 4] [--ops 100000] [--sort-items 100000]

--sort-items is Python only. You should see the two listings, `list_append from 4
threads: expected 400000 items, got 400000`, the int sort finishing whole with nothing
lost, and the keyed sort interrupted, some appends lost (how many varies).
"""
import argparse, dis, os, random, sys, threading
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "python"))
# blog_spider (shared/python/blog_spider.py): log(msg) prints `[  0.101s who] msg`;
# count: argparse types refusing bad values (exit 2); fail(msg): one error line, exit 1
from blog_spider import count, fail, log

this_is_list = []


def list_sort():  # the note's first function
    this_is_list.sort()
    return 'ok'


def list_append():  # the note's second function
    this_is_list.append('text')
    return 'ok'


class Key(int):
    def __lt__(self, other):  # Python code: the sort calls back into the interpreter
        return int(self) < int(other)


def sort_while_appending(items, item):
    """list_sort of `items` here while another thread appends `item` all along: (error, appends, lost)."""
    this_is_list[:], appends, done, error = items, [], threading.Event(), None

    def appender():
        while not done.is_set():
            this_is_list.append(item)
            appends.append(item)

    t = threading.Thread(target=appender, name="appender")
    t.start()
    try:
        list_sort()
    except ValueError as e:
        error = f"ValueError: {e}"
    done.set()
    t.join()
    return error, len(appends), len(items) + len(appends) - len(this_is_list)


p = argparse.ArgumentParser(description="The note's dis example, tested on the running Python")
p.add_argument("--threads", type=count(1, 64), default=4)
p.add_argument("--ops", type=count(0, 10_000_000), default=100_000)
p.add_argument("--sort-items", type=count(1, 1_000_000), default=100_000, help="Python only")
a = p.parse_args()
for f in (list_sort, list_append):
    log(f"dis.dis({f.__name__}) on Python {sys.version.split()[0]}:")
    dis.dis(f)
    ops = [f"{i.opname} {i.argrepr}".strip() for i in dis.get_instructions(f) if i.opname != "RESUME"]
    log(f"{f.__name__}: {', '.join(ops[:ops.index('POP_TOP')])}")  # the first line, up to the call
log("the note: sort is one bytecode (atomic); append needs one more, LOAD_CONST (not atomic)")

# 1. list_append from several threads: not one append is lost.
ts = [threading.Thread(target=lambda: [list_append() for _ in range(a.ops)], name=f"worker-{i}") for i in range(a.threads)]
[t.start() for t in ts]
[t.join() for t in ts]
lost_appends = a.threads * a.ops - len(this_is_list)
log(f"list_append from {a.threads} threads: expected {a.threads * a.ops} items, got {len(this_is_list)}")

# 2. list_sort while another thread appends: a sort of ints is one C call. 3. With a Python __lt__.
values = random.Random(1).sample(range(a.sort_items), a.sort_items)
for what, items, extra in [("ints", values, -1), ("Keys with a Python __lt__", [Key(v) for v in values], Key(-1))]:
    error, appends, lost = sort_while_appending(items, extra)
    log(f"list_sort of {a.sort_items} {what} while another thread appends: {error or 'finished whole'}, {appends} appends, {lost} lost")
    if what == "ints" and (error or lost or lost_appends):
        fail("check failed: an append was lost, or the int sort was interrupted")
log("check: list_append lost nothing; the int sort ran whole (atomic); a sort that calls Python code is not")
