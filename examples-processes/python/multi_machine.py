"""The fifth granularity, many machines: a job queue served over TCP by the standard library's remote manager.

Twin of examples-processes/src/bin/multi_machine.rs (timely dataflow). The notes name 多机器 ("many
machines", note 001) and point to Hadoop/Spark/Hive. The standard library has a small piece of it:
multiprocessing.managers.BaseManager serves Python objects on a TCP port with an authkey, and clients
on other machines call them through proxies (the docs' "Using a remote manager"). It gives a server,
proxies and authentication; it lacks discovery, scheduling, any notice that a client died, and safety
(the messages are pickles: whoever has the authkey runs code in the server: use your own key and a
trusted network). Served here: a job queue with leases. take() lends a job to the connection that
asked (each runs on a server thread of its own); when that thread ends (the worker's process died and
its connection closed) the job goes back to the queue. Found here: its client does not set TCP_NODELAY,
so each new connection stalls 40 ms on a delayed ACK (Linux), ~0.2 s per worker: nodelay_client.

    python3 examples-processes/python/multi_machine.py --job primes --workers 2
    python3 examples-processes/python/multi_machine.py --job crawl --site http://127.0.0.1:8000

(the crawl needs the site: cargo run --release -p shared --bin blog-site). Two machines, one worker
process per --connect:

    host0$ python3 multi_machine.py --job sha --serve 5000 --authkey SECRET
    host1$ python3 multi_machine.py --connect host0:5000 --authkey SECRET

You should see the server's address and the workers' pids, its `job  3 lent to pid P` and `job  3:
<result> (pid P)` lines as jobs go out and results come in (which worker takes which job varies),
`multi machine, cost = X seconds` and the Rust bin's answer line. Kill a worker mid-run (kill P): `job
5 back in the queue: its worker is gone`, and the answer is still whole. Ctrl-C: the local
workers leave it to the server, whose exit terminates them (daemon processes); it says how many
results had come in and exits 130; a --connect worker exits 130.
"""
import argparse, contextlib, os, queue, signal, socket, sys, threading, time
from multiprocessing import Process, connection, managers

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "python"))
import blog_spider  # the crawl client, log(), the workloads, the answers: shared/python/blog_spider.py


class Jobs:
    """The served job queue with leases; each worker's calls run on a server thread of its own (its connection)."""

    def __init__(self, jobs):
        self.jobs, self.todo, self.lent, self.results = jobs, queue.Queue(), {}, {}
        [self.todo.put(n) for n in range(len(jobs))]

    def take(self, pid):  # the next job n, lent to this worker's connection (the lease: its server thread)
        self.lent[n := self.todo.get()] = threading.current_thread()
        blog_spider.log(f"job {n:>2} lent to pid {pid}", "server")
        return n, self.jobs[n]

    def put(self, n, result, pid):
        blog_spider.log(f"job {n:>2}: {result} (pid {pid})", "server")
        self.results[n] = result

    def wait(self):  # the main thread, every 10 ms: a job lent to a connection that closed goes back
        while len(self.results) < len(self.jobs):
            time.sleep(0.01)
            for n, thread in list(self.lent.items()):
                if n not in self.results and not thread.is_alive() and self.lent.pop(n):
                    blog_spider.log(f"job {n} back in the queue: its worker is gone", "server")
                    self.todo.put(n)


managers.BaseManager.register("jobs", callable=lambda: JOBS)  # every client gets a proxy of the one queue


def nodelay_client(address):
    """multiprocessing's SocketClient plus TCP_NODELAY: else each new connection's first request waits for a
    delayed ACK (40 ms on Linux), and a worker's connect, proxy and calls open four."""
    s = socket.create_connection(address)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return connection.Connection(s.detach())


def posts(url, attempts, timeout):  # the post links on one list page; None if it failed after the retries
    page = blog_spider.fetch(url, blog_spider.Retry(attempts, timeout)).body
    return None if page is None else len(blog_spider.parse(page))


def worker(address, authkey, on_ctrl_c=signal.SIG_IGN):
    """A worker: take a job (a function and its arguments, pickled by name), do it, put its result, until
    the server goes. One the server started leaves Ctrl-C to it (it terminates its workers as it exits)."""
    signal.signal(signal.SIGINT, on_ctrl_c)
    connection.SocketClient = nodelay_client
    manager = managers.BaseManager(address=address, authkey=authkey)
    manager.connect()
    jobs = manager.jobs()
    with contextlib.suppress(EOFError, ConnectionError):  # the server has gone: the work is done
        while True:
            n, (f, *a) = jobs.take(os.getpid())
            jobs.put(n, f(*a), os.getpid())


if __name__ == "__main__":
    p = blog_spider.add_crawl_args(argparse.ArgumentParser(description=__doc__.splitlines()[0]))
    p.add_argument("--job", choices=["crawl", "primes", "sha"], default="sha")
    p.add_argument("--workers", type=blog_spider.count(1, 256), default=2, help="local worker processes")
    p.add_argument("--connect", metavar="HOST:PORT", type=lambda s: (s.rpartition(":")[0], int(s.rpartition(":")[2])))
    p.add_argument("--serve", type=blog_spider.count(1, 65535), metavar="PORT", help="only serve, on every interface")
    p.add_argument("--authkey", type=str.encode, default="concurrency-pairs", help="use your own on a network")
    p.add_argument("--count", type=blog_spider.count(1, 100), default=100, help="primes: how many of the 100 PRIMES")
    p.add_argument("--jobs", type=blog_spider.count(1, 1000), default=12, help="sha: the note's JOBS")
    p.add_argument("--size", type=blog_spider.count(0, 2**28), default=2**20, help="sha: the note's SIZE")
    args = p.parse_args()
    if args.connect:  # one worker of the server there; Ctrl-C ends it
        sys.exit(worker(args.connect, args.authkey, lambda *_: sys.exit(130)))
    JOBS = Jobs({"crawl": lambda: [(posts, url, args.attempts, args.timeout) for url in blog_spider.urls(args)],
                 "primes": lambda: [(blog_spider.is_prime, n) for n in blog_spider.PRIMES[:args.count]],
                 "sha": lambda: [(blog_spider.sha_job, args.size, seed) for seed in range(args.jobs)]}[args.job]())
    try:
        with blog_spider.timed("multi machine"):  # serving, starting the workers and their connecting included
            server = managers.BaseManager(address=("" if args.serve else "127.0.0.1", args.serve or 0), authkey=args.authkey).get_server()
            threading.Thread(target=server.serve_forever, daemon=True).start()
            # daemon: terminated and reaped as this process exits, however it exits
            workers = [Process(target=worker, args=(server.address, args.authkey), daemon=True) for _ in range(0 if args.serve else args.workers)]
            blog_spider.log(f"serving {len(JOBS.jobs)} {args.job} jobs on {server.address}; started {len(workers)} workers, pids {[w.start() or w.pid for w in workers]}", "server")
            JOBS.wait()
    except KeyboardInterrupt:
        print(f"interrupted: {len(JOBS.results)} of {len(JOBS.jobs)} results had come in; no worker left", flush=True)
        sys.exit(130)
    r = [JOBS.results[n] for n in range(len(JOBS.jobs))]
    r.count(None) and blog_spider.fail(f"{r.count(None)} pages failed after their retries")  # exit 1
    blog_spider.answer(blog_spider.crawl_answer(sum(r), args.pages) if args.job == "crawl" else
                       blog_spider.primes_answer(r) if args.job == "primes" else blog_spider.sha_answer(r))
