"""A producer-consumer crawler that ends by itself: 3 fetch threads -> queue -> 2 parse threads -> file.

Twin of examples-threads/src/bin/crawler_pipeline.rs. The notes give the
pieces: a queue between threads (001_02a52d28409d88e4.txt), word for word,

    - import queue
    q = queue.Queue()
    q.put(item)
    item = q.get()

and 「透過 queue.Queue 配合 threading.Thread 可以達到一進一出 (wait / notify) 的效果。」
("queue.Queue with threading.Thread gives one-in, one-out, the effect of
wait / notify", 002_bdfb11ea434acb50.txt). The crawler is the course's
producer-consumer program (not in the notes): url_queue and html_queue are
queue.Queue(); three do_craw threads take a URL, fetch it and put the HTML;
two do_parse threads take the HTML, parse the post links and write them to
one file. What is changed from it, and why:
- its threads loop `while True` and never exit. Python 3.11's Queue cannot be
  closed (Queue.shutdown is 3.13), so here shutdown is a sentinel (None) per
  consumer: main puts one per fetch thread after the URLs, and one per parse
  thread once every fetch thread has ended. (The Rust bin drops the channel's
  senders instead.)
- it opens its output file and never closes it, so buffered lines may never
  reach the disk: here `with open(...)` closes it before it is read back;
- it sleeps 1-2 s after every item to look busy: dropped;
- it stops at the first failed fetch: here each page gets a timeout and
  retries (--attempts, --timeout), a page that still fails is left out of the
  file and named in the account of every URL (the Rust bin's lines), and the
  exit code is 1 only then.

The site must be running. In one terminal:
    cargo run -p shared --bin blog-site -- --error-rate 0.3 --drop-rate 0.2
in another:
    python3 examples-threads/python/crawler_pipeline.py --site http://127.0.0.1:8000 --pages 50 --out /tmp/posts.txt
"""

import argparse
import http.client
import math
import os
import queue
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from html.parser import HTMLParser

START = time.perf_counter()
MASK = (1 << 64) - 1
MAX_PAGES, MAX_ATTEMPTS, MAX_TIMEOUT = 100_000, 20, 600.0  # the Rust bin's limits
BACKOFF = 0.05  # seconds after the first failure, doubled after each further one
FETCHERS, PARSERS = 3, 2


def log(msg, who=None):
    # One write per line (the newline inside, end=""), so lines from several threads never tear.
    print(f"[{time.perf_counter() - START:7.3f}s {who or threading.current_thread().name}] {msg}\n", end="", flush=True)


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


# --- the pipeline ---

def do_craw(url_queue, html_queue, args, crawl, crawl_lock):
    """The course's do_craw: URL in, HTML out, until the stop sign. Every URL's attempts go into `crawl`."""
    while (item := url_queue.get()) is not None:  # None: no more URLs
        page, url = item
        fetched = fetch_with_retry(url, args.attempts, args.timeout)
        with crawl_lock:
            crawl.append(fetched)
        if fetched.body is None:
            log(f"craw {url} failed after {fetched.attempts()} attempts: {fetched.errors[-1]}")
            continue  # the other pages go on
        log(f"craw {url}, url_queue.size={url_queue.qsize()}")
        html_queue.put((page, fetched.body))


def do_parse(html_queue, fout, fout_lock):
    """The course's do_parse: HTML in, one line per post into the shared file, until the stop sign."""
    while (item := html_queue.get()) is not None:  # None: every fetch thread has ended
        page, html = item
        posts = parse_posts(html)
        with fout_lock:  # one lock per page keeps that page's lines together
            for href, title in posts:
                fout.write(f"{page}\t{href}\t{title.strip()}\n")
        log(f"parse page {page}: {len(posts)} posts, html_queue.size={html_queue.qsize()}")


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
    p.add_argument("--out", default=os.path.join(tempfile.gettempdir(), "crawler_pipeline_py.txt"))
    p.add_argument("--attempts", type=count(1, MAX_ATTEMPTS), default=4)
    p.add_argument("--timeout", type=timeout_secs, default=1.0)
    args = p.parse_args()
    base = args.site.rstrip("/")
    try:  # a bad --out is one error line, as in the Rust bin, not a traceback
        fout = open(args.out, "w", encoding="utf-8")
    except OSError as e:
        fail(f"cannot create {args.out}: {e.strerror or e}")
    print(f"blog site: {base}, results to {args.out}", flush=True)

    start = time.perf_counter()
    url_queue, html_queue = queue.Queue(), queue.Queue()
    for n in range(1, args.pages + 1):
        url_queue.put((n, f"{base}/sitehome/p/{n}"))
    for _ in range(FETCHERS):
        url_queue.put(None)  # one stop sign per fetch thread
    crawl, crawl_lock, fout_lock = [], threading.Lock(), threading.Lock()
    with fout:  # closed (and flushed) at the end of the block
        fetchers = [threading.Thread(target=do_craw, args=(url_queue, html_queue, args, crawl, crawl_lock),
                                     name=f"craw{i}") for i in range(FETCHERS)]
        parsers = [threading.Thread(target=do_parse, args=(html_queue, fout, fout_lock), name=f"parse{i}")
                   for i in range(PARSERS)]
        for t in fetchers + parsers:
            t.start()
        for t in fetchers:
            t.join()
        for _ in range(PARSERS):
            html_queue.put(None)  # every fetch thread has ended: one stop sign per parse thread
        for t in parsers:
            t.join()
    print(f"pipeline, cost = {time.perf_counter() - start:.3f} seconds", flush=True)
    lines, failed = account_lines(crawl)
    for line in lines:
        print(line, flush=True)

    # Self-check on the file: each fetched page's posts exactly once means it
    # was parsed once (twice would double its lines); failed pages are absent.
    per_page = {}
    with open(args.out, encoding="utf-8") as f:
        for line in f:
            page = int(line.split("\t", 1)[0])
            per_page[page] = per_page.get(page, 0) + 1
    total = sum(per_page.values())
    print(f"results: {args.out} ({total} lines)", flush=True)
    wrong = sorted(pg for pg, n in per_page.items() if not 1 <= pg <= args.pages or n != posts_on_page(pg))
    if wrong:
        fail(f"pages {wrong} are not in the file once")
    fetched = sum(1 for f in crawl if f.body is not None)
    if len(per_page) != fetched:
        fail(f"{len(per_page)} pages in the file, but {fetched} fetched")
    print(f"check: {total} posts in the file, each of {fetched} fetched pages exactly once", flush=True)
    if failed:  # exit 1 only if a page still failed after its retries
        fail(f"{failed} of {len(crawl)} pages failed after their retries")


if __name__ == "__main__":
    main()
