"""A barrier: threads wait until all have arrived, and a timeout breaks it for everyone.

Twin of examples-threads/src/bin/barrier.rs. The note's code
(notes/002_bdfb11ea434acb50.txt), word for word:

    b = threading.Barrier(2, timeout=5)

    def server():
        print("server")
        b.wait()
        print("__server")

(client() the same with "client"; both started as threads.) Added here: the
client comes --client-delay after the server, --parties (client-2, ... each
one delay later), and the timeout case: with --client-delay 6 the server's
wait times out after 5 s and breaks the barrier, the client finds it broken.

Run: python3 examples-threads/python/barrier.py [--client-delay 6] [--parties 4]
"""

import argparse, os, sys, threading, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "python"))
import blog_spider  # log() = print with the time and thread name; argument types: shared/python/blog_spider.py

# ANCHOR: args
p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
p.add_argument("--client-delay", type=blog_spider.seconds(), default=1.0)
p.add_argument("--timeout", type=blog_spider.seconds(), default=5.0)
p.add_argument("--parties", type=blog_spider.count(2, 100), default=2)
args = p.parse_args()

b = threading.Barrier(args.parties, timeout=args.timeout)
here, early = [], []  # the parties that have arrived; those let through before all had
# ANCHOR_END: args


# ANCHOR: party
def party(came, arrived):
    """The note's server() / client(), once the party before it has come (`came`)."""
    if came is not None:
        came.wait()  # an Event, not a race of sleeps, fixes the order of arrival
        time.sleep(args.client_delay)
    blog_spider.log(name := threading.current_thread().name)  # print("server")
    here.append(name)
    arrived.set()
    started = time.perf_counter()
    try:
        b.wait()
    except threading.BrokenBarrierError:  # it does not say whose wait timed out: the one that waited it all
        if time.perf_counter() - started >= args.timeout * 0.99:
            return blog_spider.log(f"BrokenBarrierError: my wait timed out after {args.timeout:g} s and broke the barrier")
        return blog_spider.log("BrokenBarrierError: the barrier is broken (a wait timed out)")
    if len(here) != args.parties:  # let through: every party must have arrived by now
        early.append(name)
    blog_spider.log(f"__{name}")  # print("__server")
# ANCHOR_END: party


# ANCHOR: main
if __name__ == "__main__":
    names = ["server", "client"] + [f"client-{k}" for k in range(2, args.parties)]
    arrived = [threading.Event() for _ in names]
    threads = [threading.Thread(target=party, name=name, args=(arrived[k - 1] if k else None, arrived[k]))
               for k, name in enumerate(names)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if b.broken:  # then every party got BrokenBarrierError: the first that waited too long, and the rest
        blog_spider.fail(f"the barrier broke: {args.parties} of {args.parties} parties got BrokenBarrierError")
    if early:
        blog_spider.fail(f"{early} passed the barrier before all {args.parties} parties arrived")
    print(f"check: all {args.parties} parties arrived before any went past the barrier")
# ANCHOR_END: main
