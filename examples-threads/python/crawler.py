"""The blog crawler: every page in turn on one thread, then one thread per URL; pages that fail are retried, and every URL is accounted for.

Twin of examples-threads/src/bin/crawler.rs. The notes' gevent example
(001_02a52d28409d88e4.txt) has the single-thread crawl, word for word:

    begin = time.time()
    for url in blog_spider.urls:
        blog_spider.craw(url)
    end = time.time()
    print("single thread, cost = ", end - begin)

The second crawl, one threading.Thread per URL joined at the end, is the
course's multi_thread_craw (not in the notes), as is blog_spider itself: its
craw(url) is requests.get(url).text. Here craw(url) fetches a list page of
the local blog site (urllib.request, standing in for requests.get) and parses
every <a class="post-item-title"> (html.parser, standing in for BeautifulSoup).

Added here, as in the Rust bin: a timeout per request (--timeout, default 1 s;
urllib applies it to each socket operation, not the whole request as ureq
does), up to --attempts tries per page (default 4) with a backoff of 50, 100,
200 ms, every other page crawled whatever one page does, and at the end of
each crawl the account of every URL, in the same lines as the Rust bin. Exit
code 1 only if a page still failed after its retries. The post links are
absolute, so at the end the first one is followed.

For the comparison harness, as in the Rust bin: --only single or --only multi
runs one crawl and its check (and skips the followed link); --json ends the
output with one JSON line, the run's report (params pages and only, a cost
per cost line, the answer "N post links on P pages", the Rust bin's very
string); --spans FILE writes one JSON line per page fetched and parsed
({"name", "what", "start", "end"}, seconds on the clock of the event lines),
on row main in the single crawl and craw-N in the threaded one, labelled
"page N".

The site must be running. In one terminal:
    cargo run -p shared --bin blog-site -- --error-rate 0.3 --slow-rate 0.2 --drop-rate 0.2 --seed 7
in another:
    python3 examples-threads/python/crawler.py --site http://127.0.0.1:8000 --pages 50
    python3 examples-threads/python/crawler.py --site http://127.0.0.1:8000 --only multi --json --spans /tmp/spans.jsonl
"""

import argparse
import http.client
import json
import math
import sys
import threading
import time
import urllib.error
import urllib.request
from html.parser import HTMLParser

START = time.perf_counter()
MASK = (1 << 64) - 1
MAX_PAGES, MAX_ATTEMPTS, MAX_TIMEOUT = 100_000, 20, 600.0  # the Rust bin's limits
BACKOFF = 0.05  # seconds after the first failure, doubled after each further one


def log(msg, who=None):
    # One write per line (the newline inside, end=""), so lines from several threads never tear.
    print(f"[{time.perf_counter() - START:7.3f}s {who or threading.current_thread().name}] {msg}\n", end="", flush=True)


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


# --- the crawler ---

def craw(page, url, args):
    """The notes' craw(url) plus the parse: fetch one list page (with retries), count its post links."""
    with span(f"page {page}"):  # this thread's row, until the parse ends
        fetched = fetch_with_retry(url, args.attempts, args.timeout)
        if fetched.body is None:
            log(f"page {page}: failed after {fetched.attempts()} attempts: {fetched.errors[-1]}")
            return fetched, None
        posts = len(parse_posts(fetched.body))
        log(f"page {page}: {posts} posts")
        return fetched, posts


def single_thread(urls, args):
    return [craw(i + 1, url, args) for i, url in enumerate(urls)]


def multi_thread(urls, args):
    results = [None] * len(urls)

    def run(i, url):
        results[i] = craw(i + 1, url, args)

    threads = [threading.Thread(target=run, args=(i, url), name=f"craw-{i + 1}") for i, url in enumerate(urls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def account(crawl):
    """Prints one crawl's account; checks every fetched page's post count."""
    found = 0
    for page, (_, posts) in enumerate(crawl, start=1):
        if posts is not None:
            if posts != posts_on_page(page):
                fail(f"page {page}: {posts} post links, expected {posts_on_page(page)}")
            found += posts
    lines, failed = account_lines([f for f, _ in crawl])
    for line in lines:
        print(line, flush=True)
    return failed, len(crawl), found


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
    p.add_argument("--only", choices=["single", "multi", "all"], default="all",
                   help="run one crawl only, with its check (default: both, then the followed link)")
    p.add_argument("--json", action="store_true", help="end with one JSON line: the run's report")
    p.add_argument("--spans", metavar="FILE", help="write who crawled which page when to FILE, as JSON lines")
    args = p.parse_args()
    global RECORDING
    if args.spans:
        try:  # created (emptied) now: a bad path fails before the work
            open(args.spans, "w").close()
        except OSError as e:
            fail(f"cannot create the spans file {args.spans}: {e.strerror}")
        RECORDING = True
    base = args.site.rstrip("/")
    print(f"blog site: {base} ({args.pages} pages)", flush=True)
    urls = [f"{base}/sitehome/p/{n}" for n in range(1, args.pages + 1)]
    costs, results = [], []  # results: (label, failed pages) per crawl

    if args.only in ("single", "all"):
        start = time.perf_counter()
        single = single_thread(urls, args)
        costs.append(("single thread", time.perf_counter() - start))
        print(f"single thread, cost = {costs[-1][1]:.3f} seconds", flush=True)
        failed, pages, found = account(single)
        results.append(("single-thread", failed))

    if args.only in ("multi", "all"):
        start = time.perf_counter()
        multi = multi_thread(urls, args)
        costs.append(("multi thread", time.perf_counter() - start))
        print(f"multi thread, cost = {costs[-1][1]:.3f} seconds", flush=True)
        failed, pages, found = account(multi)
        results.append(("multi-thread", failed))
        # The links are absolute (as on the original blog): follow the first one (the full demo only).
        if args.only == "all" and multi[0][0].body is not None:
            href, title = parse_posts(multi[0][0].body)[0]
            page = fetch_with_retry(href, args.attempts, args.timeout)
            if page.body is None or title not in page.body:
                fail(f"following {href}: {page.errors[-1] if page.errors else 'not the post ' + repr(title)}")
            print(f'followed {href}: "{title}"', flush=True)
    if args.spans:
        write_spans(args.spans)  # before the checks: a failed crawl's timeline is kept too

    # Exit 1 only if a page still failed after its retries.
    for label, failed in results:
        if failed:
            fail(f"the {label} crawl: {failed} of {pages} pages failed after their retries")
    crawls = f"the {results[0][0]} crawl" if len(results) == 1 else "both crawls"
    print(f"check: {crawls} found {found} post links on {args.pages} pages, as expected", flush=True)
    if args.json:
        print(json.dumps({"program": "crawler", "lang": "python", "workload": "crawl",
                          "params": {"pages": args.pages, "only": args.only},
                          "costs": [{"label": label, "seconds": secs} for label, secs in costs],
                          "answer": f"{found} post links on {args.pages} pages"}), flush=True)


if __name__ == "__main__":
    main()
