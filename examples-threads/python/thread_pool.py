"""A thread pool crawls the blog: map keeps input order, submit + as_completed yields in completion order, and an index sorts it back.

Twin of examples-threads/src/bin/thread_pool.rs. Mirrors the pools notes
(004_204d9a897d7f9bf9.txt): executor.map gives 「结果顺序与调用顺序一致」
("results in the order of the calls"), executor.submit + futures.as_completed
gives 「谁先运行结束谁在前面」 ("whoever finishes first comes first"), and a
dict from future to index sorts that back, word for word:

    to_do_map[future] = i
    ...
    for future in futures.as_completed(to_do_map):
        res = future.result()
        results.append((res, to_do_map[future]))
    results = [item[0] for item in sorted(results, key=lambda a:a[1])]

The crawl is the course's thread-pool crawler (not in the notes): craw every
page with pool.map(craw, urls), then parse every page with
pool.submit(parse, html) over a {future: ...} dict and as_completed.

Added here, as in the Rust bin: each page is fetched with a timeout and
retries (--attempts, --timeout), failed pages are not parsed, and the account
of every URL ends the run (the Rust bin's lines); exit 1 only if a page failed.

For the comparison harness, as in the Rust bin: --only map or --only
as-completed runs the whole crawl, fetch and parse of each page in one job,
through that one API (map's results need no re-sort); --json ends the output
with one JSON line, the run's report (params pages, workers and only, a cost
per cost line, the answer "N post links on P pages", the Rust bin's very
string); --spans FILE writes one JSON line per job on the row of the pool
thread that ran it ("page N" for a fetch, with --only its parse too, and
"parse page N" for a parse alone). None of the three goes with --demo-orders.

--demo-orders (added here) shows the three orders on their own, with tasks
that do nothing but finish in --finish-order, by default 4, 1, 3, 0, 2: the
order in which tasks sleeping 3, 1, 4, 2, 0 units would finish. Instead of
racing sleeps, each task waits on a queue for its turn, so the order is exact
on any machine; each task returns its turn, i.e. its finishing rank.

The site must be running. In one terminal:
    cargo run -p shared --bin blog-site
in another:
    python3 examples-threads/python/thread_pool.py --site http://127.0.0.1:8000 --pages 50 --workers 20
    python3 examples-threads/python/thread_pool.py --site http://127.0.0.1:8000 --only as-completed --json --spans /tmp/spans.jsonl
or, without a site:
    python3 examples-threads/python/thread_pool.py --demo-orders --finish-order 4,1,3,0,2
"""

import argparse
import http.client
import json
import math
import queue
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor, as_completed
from html.parser import HTMLParser

START = time.perf_counter()
MASK = (1 << 64) - 1
MAX_PAGES, MAX_ATTEMPTS, MAX_TIMEOUT = 100_000, 20, 600.0  # the Rust bin's limits
MAX_WORKERS, MAX_TASKS = 256, 64
BACKOFF = 0.05  # seconds after the first failure, doubled after each further one


def log(msg, who=None):
    # One write per line (the newline inside, end=""), so lines from several threads never tear.
    print(f"[{time.perf_counter() - START:7.3f}s {who or threading.current_thread().name}] {msg}\n", end="", flush=True)


COSTS = []  # (label, seconds) of every cost line, for --json


def timed(label, f):
    start = time.perf_counter()
    out = f()
    COSTS.append((label, time.perf_counter() - start))
    print(f"{label}, cost = {COSTS[-1][1]:.3f} seconds", flush=True)
    return out


SPANS = []  # (row, what, start, end); list.append is atomic under the GIL
RECORDING = False  # set by --spans: a span costs nothing otherwise


class span:
    """shared::spans::span: records (row, what, start, end) when the block ends."""

    def __init__(self, what, name=None):
        self.what, self.name = what, name

    def __enter__(self):
        self.start = time.perf_counter() - START
        return self

    def __exit__(self, *exc):
        if RECORDING:
            name = self.name or threading.current_thread().name
            SPANS.append((name, self.what, self.start, time.perf_counter() - START))


def write_spans(path, mode="a"):  # the file was created (emptied) at start
    lines = "".join(json.dumps({"name": n, "what": w, "start": round(s, 6), "end": round(e, 6)}) + "\n"
                    for n, w, s, e in SPANS)
    with open(path, mode) as f:
        f.write(lines)


def name_like_rust():
    """Pool initializer, run once in each worker thread: the executor names its
    threads pool_0, pool_1, ...; rename them pool-0, pool-1, ... as the Rust
    pool's thread_name(|i| format!("pool-{i}")) does, so the lines match."""
    me = threading.current_thread()
    me.name = me.name.replace("pool_", "pool-", 1)


def fail(msg):
    print(f"error: {msg}", file=sys.stderr, flush=True)
    sys.exit(1)


def posts_on_page(n):
    """shared::site::posts_on_page: 10 + splitmix64(n) % 11, fixed for each page."""
    z = (n + 0x9E3779B97F4A7C15) & MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return 10 + (z ^ (z >> 31)) % 11


class PostLinks(HTMLParser):
    """Collects every <a class="post-item-title" href=...>title</a> as [href, title]."""

    def __init__(self):
        super().__init__()
        self.posts, self._in_post = [], False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and "post-item-title" in (attrs.get("class") or "").split():
            self.posts.append([attrs.get("href", ""), ""])
            self._in_post = True

    def handle_data(self, data):
        if self._in_post:
            self.posts[-1][1] += data

    def handle_endtag(self, tag):
        if tag == "a":
            self._in_post = False


def parse_posts(html):
    parser = PostLinks()
    parser.feed(html)
    return parser.posts


# --- shared::crawl, the same causes, retries and account lines ---

class FetchError(Exception):
    """Why one fetch failed: what happened, never a guess."""

    def __init__(self, cause, retryable):
        super().__init__(cause)
        self.cause, self.retryable = cause, retryable


def cause_of(e, timeout):
    """FetchError::from_io: an exception from urllib or http.client, named."""
    if isinstance(e, urllib.error.HTTPError):
        return FetchError(f"HTTP {e.code}", e.code >= 500)
    if isinstance(e, urllib.error.URLError) and isinstance(e.reason, BaseException):
        e = e.reason  # urlopen wraps errors raised while connecting and sending
    if isinstance(e, TimeoutError):  # socket.timeout is TimeoutError since 3.10
        return FetchError(f"timed out after {timeout:.1f} s", True)
    if isinstance(e, ConnectionRefusedError):
        return FetchError("connection refused", True)
    # RemoteDisconnected is a ConnectionResetError; IncompleteRead: the body stopped short.
    if isinstance(e, (http.client.IncompleteRead, ConnectionResetError, ConnectionAbortedError, BrokenPipeError)):
        return FetchError("connection dropped", True)
    return FetchError(str(e), False)


def fetch(url, timeout):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return resp.read().decode("utf-8")
    # URLError and HTTPError are OSErrors; ValueError: not a URL (unknown url type, bad port)
    except (OSError, http.client.HTTPException, ValueError) as e:
        raise cause_of(e, timeout) from None


class Fetched:
    """One URL's crawl: the cause of every failed attempt, and the body (None if it failed)."""

    def __init__(self, url, errors, body):
        self.url, self.errors, self.body = url, errors, body

    def attempts(self):
        return len(self.errors) + (self.body is not None)


def fetch_with_retry(url, attempts, timeout):
    errors = []
    while True:
        try:
            return Fetched(url, errors, fetch(url, timeout))
        except FetchError as e:
            errors.append(e.cause)
            if len(errors) >= attempts or not e.retryable:
                return Fetched(url, errors, None)
            time.sleep(BACKOFF * 2 ** min(len(errors) - 1, 5))


def account_lines(crawl):
    """Account::lines: the summary, then each retried or failed URL, sorted by URL."""
    ok = sum(1 for f in crawl if f.body is not None and not f.errors)
    retried = sum(1 for f in crawl if f.body is not None and f.errors)
    failed = sum(1 for f in crawl if f.body is None)
    lines = [f"{len(crawl)} pages: {ok} ok, {retried} retried, {failed} failed"]
    for f in sorted(crawl, key=lambda f: f.url):
        if f.errors:
            n = f.attempts()
            kind = "retried" if f.body is not None else "failed"
            lines.append(f"{kind}: {f.url} after {n} attempt{'' if n == 1 else 's'} ({', '.join(f.errors)})")
    return lines, failed


# --- the crawl ---

def pages(urls):
    """The page numbers at the end of list-page URLs (.../sitehome/p/7 -> 7)."""
    return [int(u.rsplit("/", 1)[-1]) for u in urls]


def crawl(args):
    base = args.site.rstrip("/")
    urls = [f"{base}/sitehome/p/{n}" for n in range(1, args.pages + 1)]
    only = args.only

    def craw(url):
        fetched = fetch_with_retry(url, args.attempts, args.timeout)
        if fetched.body is None:
            log(f"craw {url}: failed after {fetched.attempts()} attempts: {fetched.errors[-1]}")
        else:
            log(f"craw {url}: {len(fetched.body.encode())} bytes")
        return fetched

    def parse(fetched):
        return None if fetched.body is None else len(parse_posts(fetched.body))

    def map_job(i):
        with span(f"page {i + 1}"):  # on this pool thread's row
            fetched = craw(urls[i])
            return fetched, parse(fetched) if only == "map" else None

    def submit_job(i, html):
        if html is not None:  # already fetched by map
            with span(f"parse page {i + 1}"):
                return len(parse_posts(html)), None
        with span(f"page {i + 1}"):  # --only as-completed: fetch it first
            fetched = craw(urls[i])
            return parse(fetched), fetched

    results, fetched = [], []  # results: (post links, index into urls)
    pool = ThreadPoolExecutor(max_workers=args.workers, thread_name_prefix="pool", initializer=name_like_rust)
    with pool as executor:
        # 1. map: craw every page; the results come back in input order.
        # (--only map: each job parses its page too; the whole crawl is map's.)
        if only != "as-completed":
            crawled = timed("map", lambda: list(executor.map(map_job, range(len(urls)))))
            log(f"map (input order): pages {pages(f.url for f, _ in crawled)}")
            results = [(n, i) for i, (_, n) in enumerate(crawled) if n is not None]
            fetched = [f for f, _ in crawled]

        # 2. submit + as_completed: parse every fetched page; i is the dict's value.
        # (--only as-completed: each job fetches its page first; the whole crawl is here.)
        def submit_all():
            to_do_map = {}
            if only == "as-completed":
                jobs = [(i, None) for i in range(len(urls))]
            else:  # failed: in the account, not parsed
                jobs = [(i, f.body) for i, f in enumerate(fetched) if f.body is not None]
            for i, html in jobs:
                future = executor.submit(submit_job, i, html)
                to_do_map[future] = i
            done = []
            for future in as_completed(to_do_map):
                res, page = future.result()
                if page is not None:
                    fetched.append(page)
                if res is None:
                    continue  # failed: in the account, not parsed
                log(f"as_completed: {urls[to_do_map[future]]}: {res} posts")
                done.append((res, to_do_map[future]))
            return done

        if only != "map":
            results = timed("submit + as_completed", submit_all)
    if args.spans:
        write_spans(args.spans)  # before the checks: a failed crawl's timeline is kept too
    if only != "map":
        log(f"as_completed (completion order): pages {pages(urls[i] for _, i in results)}")

        # 3. sorted back by the index that travelled with each result.
        results = sorted(results, key=lambda a: a[1])
        log(f"re-sorted by index: pages {pages(urls[i] for _, i in results)}")

    lines, failed = account_lines(fetched)
    for line in lines:
        print(line, flush=True)
    for n, i in results:
        if n != posts_on_page(i + 1):
            fail(f"{urls[i]}: {n} post links, expected {posts_on_page(i + 1)}")
    if any(a[1] >= b[1] for a, b in zip(results, results[1:])):
        fail("not sorted back into page order")
    total = sum(n for n, _ in results)
    how = "as map returned them" if only == "map" else "after sorting"
    print(f"check: {total} post links on {len(results)} parsed pages, in page order {how}", flush=True)
    if failed:  # exit 1 only if a page still failed after its retries
        fail(f"{failed} of {len(fetched)} pages failed after their retries")
    if args.json:
        print(json.dumps({"program": "thread_pool", "lang": "python", "workload": "crawl",
                          "params": {"pages": args.pages, "workers": args.workers, "only": only},
                          "costs": [{"label": label, "seconds": secs} for label, secs in COSTS],
                          "answer": f"{total} post links on {args.pages} pages"}), flush=True)


# --- --demo-orders ---

def turns(order):
    """examples_threads::turns::turns: one turn queue per task, chained in
    `order`: task order[k] gets its rank k and passes k + 1 to task order[k + 1].
    Returns the queue that starts the chain and, per task, (turn, next)."""
    n = len(order)
    chans = [queue.Queue(maxsize=1) for _ in range(n)]
    rank = [0] * n  # rank[i]: when task i finishes
    for k, i in enumerate(order):
        rank[i] = k
    return chans[0], [(chans[rank[i]], chans[rank[i] + 1] if rank[i] + 1 < n else None) for i in range(n)]


def task(i, turn, nxt):
    """A task that does nothing but wait for its turn, then pass it on to nxt
    (if given); returns its turn, i.e. its finishing rank."""
    log(f"task {i}: waiting for its turn")
    rank = turn.get()
    log(f"task {i}: done (turn {rank})")
    if nxt is not None:
        nxt.put(rank + 1)
    return rank


def demo_orders(order):
    n = len(order)
    # Every task waits for its turn at once, so every task needs its own thread.
    pool = ThreadPoolExecutor(max_workers=n, thread_name_prefix="pool", initializer=name_like_rust)
    with pool as executor:
        # 1. map: input order, whatever order the tasks finish in. Each task
        # passes the turn on itself.
        first, tasks = turns(order)
        first.put(0)  # the first task can go as soon as it starts
        turn_of, next_of = zip(*tasks)
        mapped = timed("map", lambda: list(executor.map(task, range(n), turn_of, next_of)))
        log(f"map (input order): {mapped}")

        # 2. submit + as_completed, with the future-to-index dict. Here main
        # passes each turn on, once as_completed has yielded the task before:
        # one task finishes at a time, in `order`. (A task passing the turn on
        # itself would do so before its future is marked done, and futures
        # already done when as_completed starts come out in any order.)
        first, tasks = turns(order)

        def submit_all():
            to_do_map = {}
            for i, (turn, _) in enumerate(tasks):
                future = executor.submit(task, i, turn, None)
                to_do_map[future] = i
            first.put(0)
            completed = []
            for future in as_completed(to_do_map):
                i = to_do_map[future]
                log(f"as_completed: task {i} -> {future.result()}")
                completed.append((i, future.result()))
                if tasks[i][1] is not None:
                    tasks[i][1].put(future.result() + 1)
            return completed

        completed = timed("submit + as_completed", submit_all)
        log(f"as_completed (completion order, (index, result)): {completed}")

    # 3. completion order re-sorted by the index that came back with each result.
    resorted = sorted(completed)
    log(f"re-sorted by index: {resorted}")

    if [i for i, _ in completed] != order:
        fail(f"as_completed was not in finishing order: {completed}")
    if [i for i, _ in resorted] != list(range(n)) or [r for _, r in resorted] != mapped:
        fail("map and the re-sorted results differ")
    print(f"check: map and the re-sorted results are both in input order {mapped}", flush=True)


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


def timeout_secs(s):
    """argparse type: seconds, more than 0 and at most MAX_TIMEOUT; float() would take nan and inf."""
    try:
        x = float(s)
    except ValueError:
        x = math.nan
    if not 0 < x <= MAX_TIMEOUT:  # False for NaN too
        raise argparse.ArgumentTypeError(f"{s} is not a timeout in seconds (more than 0, at most {MAX_TIMEOUT:g})")
    return x


def indexes(s):
    """argparse type: comma-separated task indexes (checked to be a permutation in main)."""
    try:
        return [int(x) for x in s.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{s} is not a list of indexes like 4,1,3,0,2") from None


def main():
    threading.current_thread().name = "main"  # the name Rust gives it, so the lines match
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--pages", type=count(1, MAX_PAGES), default=50)
    p.add_argument("--site", default="http://127.0.0.1:8000",
                   help="the running blog site (cargo run -p shared --bin blog-site)")
    p.add_argument("--workers", type=count(1, MAX_WORKERS), default=20, help="max_workers (the notes use 20)")
    p.add_argument("--attempts", type=count(1, MAX_ATTEMPTS), default=4)
    p.add_argument("--timeout", type=timeout_secs, default=1.0)
    p.add_argument("--only", choices=["map", "as-completed", "all"],
                   help="crawl through one API only, each job fetching and parsing its page (default: all)")
    p.add_argument("--json", action="store_true", help="end with one JSON line: the run's report")
    p.add_argument("--spans", metavar="FILE", help="write which pool thread ran which job when to FILE, as JSON lines")
    p.add_argument("--demo-orders", action="store_true")
    p.add_argument("--finish-order", type=indexes, default=[4, 1, 3, 0, 2])
    args = p.parse_args()
    if args.demo_orders and (args.only or args.json or args.spans):
        p.error("--demo-orders cannot be used with --only, --json or --spans")
    args.only = args.only or "all"
    if args.spans:
        global RECORDING
        try:  # created (emptied) now: a bad path fails before the work
            open(args.spans, "w").close()
        except OSError as e:
            fail(f"cannot create the spans file {args.spans}: {e.strerror}")
        RECORDING = True
    if args.demo_orders:
        order, n = args.finish_order, len(args.finish_order)
        if sorted(order) != list(range(n)):
            p.error(f"--finish-order: {order} is not a permutation of 0..{n}")
        if not 1 <= n <= MAX_TASKS:
            p.error(f"--finish-order: 1 to {MAX_TASKS} tasks, not {n}")
        demo_orders(order)
    else:
        crawl(args)


if __name__ == "__main__":
    main()
