"""q.put([42, None, 'hello']) to a child process, which puts it back on a second Queue.

Twin of examples-processes/src/bin/process_queue.rs. The note (001), word
for word:

    from multiprocessing import Queue
    q = Queue()
    q.put([42, None, 'hello'])
    item = q.get()

A multiprocessing.Queue pickles what you put and sends it through a pipe to
the other process. Added here: the child gets the item from `q` and puts it
on `back`, the parent checks it came back equal; None is the sentinel that
ends the child.

    python3 examples-processes/python/process_queue.py
"""
import argparse, multiprocessing, os, queue, sys, threading

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "python"))
import blog_spider  # log() on one clock for every process, fail(): shared/python/blog_spider.py


def child(q, back):
    threading.current_thread().name = "child"  # its lines' name
    while (item := q.get()) is not None:
        blog_spider.log(f"pid {os.getpid()} got {item!r}; putting it back")
        back.put(item)


if __name__ == "__main__":
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()  # no flags; --help
    ctx = multiprocessing.get_context("spawn")
    q, back = ctx.Queue(), ctx.Queue()
    p = ctx.Process(target=child, args=(q, back))
    p.start()
    blog_spider.log(f"started the child: pid {p.pid}")
    item = [42, None, "hello"]
    blog_spider.log(f"put {item!r}")
    q.put(item)
    try:
        got = back.get(timeout=30)
    except queue.Empty:  # the child died, say: one message, not a traceback
        p.kill()
        blog_spider.fail("nothing came back in 30 s")
    blog_spider.log(f"got back {got!r}")
    q.put(None)  # the sentinel: the child's loop ends
    p.join()
    blog_spider.log(f"child exited: exit code {p.exitcode}")
    if p.exitcode != 0 or got != item:
        blog_spider.fail(f"the child failed (exit code {p.exitcode}) or sent back {got!r}")
    print("check: the item came back unchanged")
