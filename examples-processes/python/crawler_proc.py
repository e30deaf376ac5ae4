"""The blog crawl on a pool of worker processes: processes can crawl too, but each worker waits for one page at a time.

Twin of examples-processes/src/bin/crawler_proc.rs. Note 003, word for word,
on the first of its three kinds of concurrency:

    1. 多进程 process
    利用多 CPU 并行计算
    占用资源多，可启动数目受 CPU 数限制，比较少
    适用于 CPU 密集型计算

("1. Multiple processes: compute in parallel on several CPUs; they take a lot
of resources, and how many can be started is limited by the number of CPUs,
so rather few; suited to CPU-bound computation.") Added here: the I/O-bound
crawl on note 001's

    with ProcessPoolExecutor() as executor:
        results = executor.map(func, [1,2,3])

with func = craw and the page URLs; max_workers defaults to os.cpu_count(),
as ProcessPoolExecutor()'s does. A worker waits for one page at a time, so 50
pages of 100 ms on 2 workers take about 2.5 s, where crawler.py's 50 threads
take about 0.2 s. craw(url) fetches a list page (urllib.request, standing in
for requests.get) and counts its <a class="post-item-title"> links
(html.parser, standing in for BeautifulSoup); each worker prints its own
page line. As in the Rust bin: a timeout per request (--timeout), up to
--attempts tries per page with a backoff of 50, 100, 200 ms, the account of
every URL, exit code 1 only if a page still failed after its retries;
--json ends the output with one JSON line (workload "crawl", params pages and
workers, the answer "727 post links on 50 pages"); --spans FILE records one
span per page on its worker's row, "worker (pid P)" (the workers return
theirs with their results; main writes them all).

The site must be running. In one terminal:
    cargo run --release -p shared --bin blog-site
in another:
    python3 examples-processes/python/crawler_proc.py --site http://127.0.0.1:8000 --pages 50 --workers 2
"""

import argparse
import http.client
import json
import math
import os
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ProcessPoolExecutor
from html.parser import HTMLParser

# main's start, shared with the workers through the environment (a worker
# started by spawn or forkserver re-imports this file): every process's
# lines and spans count from the same moment.
os.environ.setdefault("CONCURRENCY_PAIRS_EPOCH_NS", str(time.time_ns()))
START = time.perf_counter() - (time.time_ns() - int(os.environ["CONCURRENCY_PAIRS_EPOCH_NS"])) / 1e9
MASK = (1 << 64) - 1
MAX_PAGES, MAX_ATTEMPTS, MAX_TIMEOUT = 100_000, 20, 600.0  # the Rust bin's limits
BACKOFF = 0.05  # seconds after the first failure, doubled after each further one


def log(msg, who=None):
    # One write per line (the newline inside, end=""), so lines from several processes never tear.
    print(f"[{time.perf_counter() - START:7.3f}s {who or threading.current_thread().name}] {msg}\n", end="", flush=True)


def posts_on_page(n):
    """shared::site::posts_on_page: 10 + splitmix64(n) % 11, fixed for each page."""
    z = (n + 0x9E3779B97F4A7C15) & MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return 10 + (z ^ (z >> 31)) % 11


class PostLinks(HTMLParser):
    """Counts every <a class="post-item-title" ...>."""

    def __init__(self):
        super().__init__()
        self.posts = 0

    def handle_starttag(self, tag, attrs):
        if tag == "a" and "post-item-title" in (dict(attrs).get("class") or "").split():
            self.posts += 1


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


def fetch_with_retry(url, attempts, timeout):
    """(errors, body): the cause of every failed attempt, and the body (None if it failed)."""
    errors = []
    while True:
        try:
            return errors, fetch(url, timeout)
        except FetchError as e:
            errors.append(e.cause)
            if len(errors) >= attempts or not e.retryable:
                return errors, None
            time.sleep(BACKOFF * 2 ** min(len(errors) - 1, 5))


def account_lines(crawl):
    """Account::lines over (url, errors, posts): the summary, then each retried or failed URL, sorted by URL."""
    ok = sum(1 for _, errors, posts in crawl if posts is not None and not errors)
    retried = sum(1 for _, errors, posts in crawl if posts is not None and errors)
    failed = sum(1 for _, _, posts in crawl if posts is None)
    lines = [f"{len(crawl)} pages: {ok} ok, {retried} retried, {failed} failed"]
    for url, errors, posts in sorted(crawl):
        if errors:
            n = len(errors) + (posts is not None)
            kind = "retried" if posts is not None else "failed"
            lines.append(f"{kind}: {url} after {n} attempt{'' if n == 1 else 's'} ({', '.join(errors)})")
    return lines, failed


# --- the crawler ---

def craw(job):
    """In a worker process: the course's craw(url) plus the parse; returns (url, errors, posts, span)."""
    page, url, attempts, timeout, spans = job
    start = time.perf_counter() - START
    errors, body = fetch_with_retry(url, attempts, timeout)
    who = f"worker (pid {os.getpid()})"
    if body is None:
        log(f"page {page}: failed after {len(errors)} attempts: {errors[-1]}", who)
        posts = None
    else:
        parser = PostLinks()
        parser.feed(body)
        posts = parser.posts
        log(f"page {page}: {posts} posts", who)
    # shared::spans::span_as(who, "page N"), handed back with the result
    span = (who, f"page {page}", start, time.perf_counter() - START) if spans else None
    return url, errors, posts, span


def write_spans(path, spans, mode="a"):
    # One write: the lines of processes sharing a file never interleave.
    lines = "".join(json.dumps({"name": n, "what": w, "start": round(s, 6), "end": round(e, 6)}) + "\n"
                    for n, w, s, e in spans)
    with open(path, mode) as f:
        f.write(lines)


def fail(msg):
    print(f"error: {msg}", file=sys.stderr, flush=True)
    sys.exit(1)


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


def main():
    threading.current_thread().name = "main"  # the name Rust gives it, so the lines match
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--pages", type=count(1, MAX_PAGES), default=50)
    p.add_argument("--site", default="http://127.0.0.1:8000",
                   help="the running blog site (cargo run -p shared --bin blog-site)")
    p.add_argument("--attempts", type=count(1, MAX_ATTEMPTS), default=4)
    p.add_argument("--timeout", type=timeout_secs, default=1.0)
    p.add_argument("--workers", type=count(1, 256), default=os.cpu_count() or 1,
                   help="worker processes (default: the CPU count, as ProcessPoolExecutor())")
    p.add_argument("--json", action="store_true", help="end with one JSON line, the comparison harness's report")
    p.add_argument("--spans", metavar="FILE", help="write who ran when to FILE (JSON lines, one span per page)")
    args = p.parse_args()
    if args.spans:
        try:
            open(args.spans, "w").close()  # created (emptied) now: a bad path fails before the work
        except OSError as e:
            fail(f"cannot create the spans file {args.spans}: {e}")
    base = args.site.rstrip("/")
    print(f"blog site: {base} ({args.pages} pages), {args.workers} worker processes", flush=True)
    jobs = [(n, f"{base}/sitehome/p/{n}", args.attempts, args.timeout, bool(args.spans))
            for n in range(1, args.pages + 1)]

    begin = time.perf_counter()
    with ProcessPoolExecutor(max_workers=args.workers) as executor:
        crawl = list(executor.map(craw, jobs))
    secs = time.perf_counter() - begin
    print(f"multi process, cost = {secs:.3f} seconds", flush=True)

    found = 0
    for page, (_, _, posts, _) in enumerate(crawl, start=1):
        if posts is not None:
            if posts != posts_on_page(page):
                fail(f"page {page}: {posts} post links, expected {posts_on_page(page)}")
            found += posts
    lines, failed = account_lines([(url, errors, posts) for url, errors, posts, _ in crawl])
    for line in lines:
        print(line, flush=True)
    # Exit 1 only if a page still failed after its retries.
    if failed:
        fail(f"the multi-process crawl: {failed} of {len(crawl)} pages failed after their retries")
    print(f"check: the process pool found {found} post links on {args.pages} pages, as expected", flush=True)
    if args.spans:
        write_spans(args.spans, [span for *_, span in crawl])
    if args.json:
        params = {"pages": args.pages, "workers": args.workers}
        print(json.dumps({"program": "crawler_proc", "lang": "python", "workload": "crawl", "params": params,
                          "costs": [{"label": "multi process", "seconds": secs}],
                          "answer": f"{found} post links on {args.pages} pages"}), flush=True)


if __name__ == "__main__":
    main()
