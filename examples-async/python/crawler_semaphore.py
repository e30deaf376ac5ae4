"""A semaphore caps how many crawl tasks fetch at once: never more than --permits.

Twin of examples-async/src/bin/crawler_semaphore.rs. The notes' "信号量限制并发"
("a semaphore limits concurrency"), word for word (written for threads, typo
included):

    from threading import Semaphore
    semaphre = Semaphore(10)
    with semaphre:
        # do something

The asyncio form (added here) is asyncio.Semaphore(10) and `async with` around
each fetch: all tasks start at once, only 10 fetch at a time. The count of
tasks holding a permit is printed at every acquire and release and checked:
never above the permits, and reaching them. HTTP/1.1 over
asyncio.open_connection (standard library only); a timeout per request,
bounded retries with backoff (a page keeps its permit while it retries), the
account of every URL, exit code 1 only if a page still failed. --spans FILE
writes one JSON line per page, as the Rust bin: the task's fetch on its own
row (task-1..task-P, the names given at create_task), opened after the permit
is taken and closed before it is given back, so at no instant are more than
--permits spans open.

The site must be running. In one terminal:
    cargo run -p shared --bin blog-site
in another:
    python3 examples-async/python/crawler_semaphore.py --site http://127.0.0.1:8000 --pages 50 --permits 10
(add --spans /tmp/spans.jsonl to draw it).
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

in_flight = {"now": 0, "max": 0}


async def craw(page, url, semaphore, args):
    """One page under the semaphore: acquire, count in, fetch (with retries), count out."""
    who = f"craw-{page}"
    async with semaphore:  # `with semaphre:`
        in_flight["now"] += 1  # one loop, one thread: no lock needed between awaits
        in_flight["max"] = max(in_flight["max"], in_flight["now"])
        log(f"acquired, in flight = {in_flight['now']}", who)
        with span(f"page {page}", asyncio.current_task().get_name()):  # the permit is held
            fetched = await fetch_with_retry(url, args.attempts, args.timeout)
            posts = None if fetched.body is None else len(parse_posts(fetched.body))
        in_flight["now"] -= 1
        log(f"releasing, in flight = {in_flight['now']}", who)
    return fetched, posts


async def crawl(urls, args):
    semaphore = asyncio.Semaphore(args.permits)  # `Semaphore(10)`
    tasks = [asyncio.create_task(craw(i, url, semaphore, args), name=f"task-{i}")
             for i, url in enumerate(urls, start=1)]
    return await asyncio.gather(*tasks)


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
    p.add_argument("--permits", type=count(1, 10_000), default=10)
    p.add_argument("--spans", metavar="FILE", help="write each task's fetch (while it holds its permit) to FILE")
    args = p.parse_args()
    if args.spans:
        try:
            open(args.spans, "w").close()  # a bad path fails now, not after the work
        except OSError as e:
            fail(f"cannot create the spans file {args.spans}: {e.strerror}")
        RECORDING = True
    base = args.site.rstrip("/")
    print(f"blog site: {base} ({args.pages} pages, {args.permits} permits)", flush=True)
    urls = [f"{base}/sitehome/p/{n}" for n in range(1, args.pages + 1)]
    start = time.perf_counter()
    results = asyncio.run(crawl(urls, args))
    print(f"async, cost = {time.perf_counter() - start:.3f} seconds", flush=True)
    if args.spans:
        write_spans(args.spans)  # before the checks: a run that breaks the bound keeps its timeline
    failed, found = account(results)
    # the lesson's own check, on every run (faulty or not)
    bound = min(args.permits, args.pages)
    if in_flight["max"] > args.permits:
        fail(f"{in_flight['max']} tasks were in flight at once, more than the {args.permits} permits")
    if in_flight["max"] != bound:
        fail(f"at most {in_flight['max']} tasks were in flight at once, never the {bound} allowed")
    print(f"check: at most {args.permits} in flight, and {bound} reached", flush=True)
    if failed:
        fail(f"{failed} of {args.pages} pages failed after their retries")
    expected = sum(posts_on_page(n) for n in range(1, args.pages + 1))
    if found != expected:
        fail(f"found {found} post links, expected {expected}")
    print(f"check: {found} post links on {args.pages} pages")

if __name__ == "__main__":
    main()
