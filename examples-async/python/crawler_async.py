"""The blog crawler on one event loop: every page in turn, then one task per URL.

Twin of examples-async/src/bin/crawler_async.rs. The notes' asyncio crawler
(001_02a52d28409d88e4.txt), word for word:

    # 获取事件循环                       (get the event loop)
    loop = asyncio.get_event_loop()
    # 定义协程                           (define a coroutine)
    async def myfunc(url):
        await get_url(url)
    # 创建task列表                       (make the list of tasks)
    tasks = [loop.create_task(myfunc(url)) for url in urls]
    # 执行爬虫事件列表                   (run the crawler's list of events)
    loop.run_until_complete(asyncio.wait(tasks))

Dated: asyncio.get_event_loop() with no running loop is deprecated since
Python 3.10 (3.12 warns), so this twin calls asyncio.new_event_loop(); the
rest is the notes' code. The notes' con of asyncio, "很多库不支持，比如requests"
("many libraries don't support it, e.g. requests"), is why get_url here speaks
HTTP/1.1 itself over asyncio.open_connection (standard library only; aiohttp
would do it for you). The first crawl awaits the pages one after another,
the second creates one task per page. Post links are counted and checked.

Added here, as in the Rust bin: a timeout per request (--timeout, default 1 s,
for the whole request), up to --attempts tries per page with a backoff of 50,
100, 200 ms, and the account of every URL after each crawl in the same lines
as the Rust bin; exit code 1 only if a page still failed. --permits N caps the
tasks in flight (an asyncio.Semaphore; see crawler_semaphore). Per-page lines
only up to 100 pages. --only single / --only async runs one crawl and its check
(--no-single is --only async). --json ends the output with one JSON line, the
run's report, the same object as the Rust bin's (params, costs, answer
"N post links on P pages"). --spans FILE writes one JSON line per page: who
fetched it when, on row main for the single crawl and on the task's own name
(task-1..task-P, given at create_task) for the async one, after its permit.

The site must be running. In one terminal:
    cargo run -p shared --bin blog-site -- --error-rate 0.3 --slow-rate 0.2 --drop-rate 0.2 --seed 7
in another:
    python3 examples-async/python/crawler_async.py --site http://127.0.0.1:8000 --pages 50
One crawl, reported and drawn:
    python3 examples-async/python/crawler_async.py --site http://127.0.0.1:8000 --only async --json --spans /tmp/spans.jsonl
"""

import argparse
import asyncio
import json
import math
import sys
import threading
import time
from html.parser import HTMLParser

START = time.perf_counter()
MASK = (1 << 64) - 1
MAX_PAGES, MAX_ATTEMPTS, MAX_TIMEOUT = 100_000, 20, 600.0  # the Rust bin's limits
BACKOFF = 0.05  # seconds after the first failure, doubled after each further one


SPANS = []  # (row, what, start, end); list.append is atomic under the GIL
RECORDING = False  # set by --spans: no span costs anything otherwise


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


def write_spans(path, mode="a"):  # the file was created (emptied) at start: open(path, "w").close()
    lines = "".join(json.dumps({"name": n, "what": w, "start": round(s, 6), "end": round(e, 6)}) + "\n"
                    for n, w, s, e in SPANS)
    with open(path, mode) as f:
        f.write(lines)


def log(msg, who=None):
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


# --- HTTP/1.1 over asyncio.open_connection, and shared::crawl's causes, retries and account ---

class FetchError(Exception):
    """Why one fetch failed: what happened, never a guess."""

    def __init__(self, cause, retryable):
        super().__init__(cause)
        self.cause, self.retryable = cause, retryable


async def get_url(url):
    """A minimal HTTP/1.1 GET: one request per connection, a Content-Length body (or up to EOF)."""
    if not url.startswith("http://"):
        raise FetchError(f"{url}: only http:// URLs are supported", False)
    authority, _, path = url[len("http://"):].partition("/")
    host, _, port = authority.partition(":")
    reader, writer = await asyncio.open_connection(host, int(port or 80))
    try:
        writer.write(f"GET /{path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\r\n".encode())
        await writer.drain()
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        code = int(head[0].split(" ")[1])
        if not 200 <= code < 300:
            raise FetchError(f"HTTP {code}", code >= 500)
        headers = {k.strip().lower(): v.strip() for k, _, v in (h.partition(":") for h in head[1:] if h)}
        length = headers.get("content-length")
        body = await reader.readexactly(int(length)) if length is not None else await reader.read()
        return body.decode("utf-8")
    finally:
        writer.close()


async def fetch(url, timeout):
    """get_url within `timeout` for the whole request; every failure named as the Rust bin names it."""
    try:
        return await asyncio.wait_for(get_url(url), timeout)
    except asyncio.TimeoutError:
        raise FetchError(f"timed out after {timeout:.1f} s", True) from None
    except ConnectionRefusedError:
        raise FetchError("connection refused", True) from None
    except (asyncio.IncompleteReadError, ConnectionResetError, ConnectionAbortedError, BrokenPipeError):
        raise FetchError("connection dropped", True) from None
    except (OSError, ValueError, UnicodeDecodeError, asyncio.LimitOverrunError) as e:
        raise FetchError(str(e), False) from None


class Fetched:
    """One URL's crawl: the cause of every failed attempt, and the body (None if it failed)."""

    def __init__(self, url, errors, body):
        self.url, self.errors, self.body = url, errors, body

    def attempts(self):
        return len(self.errors) + (self.body is not None)


async def fetch_with_retry(url, attempts, timeout):
    errors = []
    while True:
        try:
            return Fetched(url, errors, await fetch(url, timeout))
        except FetchError as e:
            errors.append(e.cause)
            if len(errors) >= attempts or not e.retryable:
                return Fetched(url, errors, None)
            await asyncio.sleep(BACKOFF * 2 ** min(len(errors) - 1, 5))


def account(crawl):
    """Account::lines printed, every fetched page's post count checked; returns (failed, found)."""
    found = 0
    for page, (_, posts) in enumerate(crawl, start=1):
        if posts is not None:
            if posts != posts_on_page(page):
                fail(f"page {page}: {posts} post links, expected {posts_on_page(page)}")
            found += posts
    fetched = [f for f, _ in crawl]
    ok = sum(1 for f in fetched if f.body is not None and not f.errors)
    retried = sum(1 for f in fetched if f.body is not None and f.errors)
    failed = sum(1 for f in fetched if f.body is None)
    print(f"{len(fetched)} pages: {ok} ok, {retried} retried, {failed} failed", flush=True)
    for f in sorted(fetched, key=lambda f: f.url):
        if f.errors:
            n = f.attempts()
            kind = "retried" if f.body is not None else "failed"
            print(f"{kind}: {f.url} after {n} attempt{'' if n == 1 else 's'} ({', '.join(f.errors)})", flush=True)
    return failed, found


# --- the crawler ---

async def craw(who, page, url, args, loud):
    """The notes' myfunc(url): fetch one list page (with retries), count its post links."""
    fetched = await fetch_with_retry(url, args.attempts, args.timeout)
    posts = None if fetched.body is None else len(parse_posts(fetched.body))
    if loud:
        if posts is None:
            log(f"page {page}: failed after {fetched.attempts()} attempts: {fetched.errors[-1]}", who)
        else:
            log(f"page {page}: {posts} posts", who)
    return fetched, posts


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
    global RECORDING
    threading.current_thread().name = "main"  # the name Rust gives it, so the lines match
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--pages", type=count(1, MAX_PAGES), default=50)
    p.add_argument("--site", default="http://127.0.0.1:8000",
                   help="the running blog site (cargo run -p shared --bin blog-site)")
    p.add_argument("--attempts", type=count(1, MAX_ATTEMPTS), default=4)
    p.add_argument("--timeout", type=timeout_secs, default=1.0)
    p.add_argument("--permits", type=count(1, 100_000), default=None)
    one = p.add_mutually_exclusive_group()  # as clap's conflicts_with
    one.add_argument("--only", choices=["single", "async", "all"], default=None,
                     help="run one crawl only, with its check (default: all)")
    one.add_argument("--no-single", action="store_true", help="the same as --only async")
    p.add_argument("--json", action="store_true", help="end with one JSON line: the run's report")
    p.add_argument("--spans", metavar="FILE", help="write who fetched which page when to FILE")
    args = p.parse_args()
    only = "async" if args.no_single else args.only or "all"
    if args.spans:
        try:
            open(args.spans, "w").close()  # a bad path fails now, not after the work
        except OSError as e:
            fail(f"cannot create the spans file {args.spans}: {e.strerror}")
        RECORDING = True
    base, loud = args.site.rstrip("/"), args.pages <= 100
    print(f"blog site: {base} ({args.pages} pages)", flush=True)
    urls = [f"{base}/sitehome/p/{n}" for n in range(1, args.pages + 1)]
    loop = asyncio.new_event_loop()  # the notes' asyncio.get_event_loop(), see above
    failures, costs, found = [], [], 0

    if only in ("single", "all"):
        async def single_thread():
            crawl = []
            for i, url in enumerate(urls, start=1):
                with span(f"page {i}", "main"):
                    crawl.append(await craw("main", i, url, args, loud))
            return crawl
        start = time.perf_counter()
        single = loop.run_until_complete(single_thread())
        secs = time.perf_counter() - start
        print(f"single thread, cost = {secs:.3f} seconds", flush=True)
        costs.append({"label": "single thread", "seconds": secs})
        failed, found = account(single)
        failures.append(("single-thread", failed))

    if only in ("async", "all"):
        permits = asyncio.Semaphore(args.permits or len(urls))

        async def capped(i, url):
            async with permits:
                with span(f"page {i}", asyncio.current_task().get_name()):
                    return await craw(f"craw-{i}", i, url, args, loud)

        start = time.perf_counter()
        tasks = [loop.create_task(capped(i, url), name=f"task-{i}") for i, url in enumerate(urls, start=1)]
        loop.run_until_complete(asyncio.wait(tasks))
        secs = time.perf_counter() - start
        print(f"async, cost = {secs:.3f} seconds", flush=True)
        costs.append({"label": "async", "seconds": secs})
        failed, found = account([t.result() for t in tasks])
        print(f"async: {args.pages} pages in {secs:.3f} s = {args.pages / secs:.0f} pages/s", flush=True)
        failures.append(("async", failed))
    loop.close()
    if args.spans:
        write_spans(args.spans)  # before the checks: a failed crawl's timeline is kept too

    for label, failed in failures:
        if failed:
            fail(f"the {label} crawl: {failed} of {args.pages} pages failed after their retries")
    print(f"check: every crawl found {found} post links on {args.pages} pages, as expected", flush=True)
    if args.json:
        params = {"pages": args.pages, "permits": args.permits, "only": only}
        print(json.dumps({"program": "crawler_async", "lang": "python", "workload": "crawl", "params": params,
                          "costs": costs, "answer": f"{found} post links on {args.pages} pages"}), flush=True)


if __name__ == "__main__":
    main()
