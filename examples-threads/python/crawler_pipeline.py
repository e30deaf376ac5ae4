"""A crawler pipeline that ends by itself: 3 fetch threads -> queue -> 2 parse
threads -> file.

Twin of examples-threads/src/bin/crawler_pipeline.rs. url_queue and
html_queue are queue.Queue(); three do_craw threads take a URL, fetch it and
put the HTML; two do_parse threads take the HTML, parse the post links and
write them to one file. The notes' version loops `while True` and never
exits; Python 3.11's Queue cannot be closed (Queue.shutdown is 3.13), so here
shutdown is a sentinel (None) per consumer: main puts one per fetch thread
after the URLs, and one per parse thread once every fetch thread has ended.
(The Rust version drops the channel's senders instead.)

The site must be running. In one terminal:
    cargo run -p shared --bin blog-site
in another:
    python3 examples-threads/python/crawler_pipeline.py --site http://127.0.0.1:8000 --pages 50 --out /tmp/posts.txt
"""

import argparse
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
FETCHERS, PARSERS = 3, 2


def log(msg, who=None):
    # One write per line (the newline inside, end=""), so lines from several threads never tear.
    print(f"[{time.perf_counter() - START:7.3f}s {who or threading.current_thread().name}] {msg}\n", end="", flush=True)


def posts_on_page(n):
    """shared::site::posts_on_page: 10 + splitmix64(n) % 11."""
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


def do_craw(url_queue, html_queue, fetched, errors):
    while (item := url_queue.get()) is not None:  # None: no more URLs
        page, url = item
        try:
            with urllib.request.urlopen(url, timeout=30) as resp:
                html = resp.read().decode("utf-8")
        except (urllib.error.URLError, OSError) as e:
            errors.append(f"GET {url} failed: {getattr(e, 'reason', e)}")
            return
        log(f"craw {url}, url_queue.size={url_queue.qsize()}")
        html_queue.put((page, html))
        fetched.append(page)


def do_parse(html_queue, fout, fout_lock, parsed):
    while (item := html_queue.get()) is not None:  # None: every fetch thread has ended
        page, html = item
        parser = PostLinks()
        parser.feed(html)
        with fout_lock:  # one lock per page keeps that page's lines together
            for href, title in parser.posts:
                fout.write(f"{page}\t{href}\t{title.strip()}\n")
        log(f"parse page {page}: {len(parser.posts)} posts, html_queue.size={html_queue.qsize()}")
        parsed.append((page, len(parser.posts)))


def fail(msg):
    print(f"error: {msg}", file=sys.stderr)
    sys.exit(1)


def main():
    threading.current_thread().name = "main"  # the name Rust gives it, so the lines match
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--pages", type=int, default=50)
    p.add_argument("--site", default="http://127.0.0.1:8000",
                   help="the running blog site (cargo run -p shared --bin blog-site)")
    p.add_argument("--out", default=os.path.join(tempfile.gettempdir(), "crawler_pipeline_py.txt"))
    args = p.parse_args()
    if not 1 <= args.pages <= 1000:
        p.error("--pages must be between 1 and 1000")
    base = args.site.rstrip("/")
    print(f"blog site: {base}, results to {args.out}")

    start = time.perf_counter()
    url_queue, html_queue = queue.Queue(), queue.Queue()
    for n in range(1, args.pages + 1):
        url_queue.put((n, f"{base}/sitehome/p/{n}"))
    for _ in range(FETCHERS):
        url_queue.put(None)  # one stop sign per fetch thread
    fetched, parsed, errors, fout_lock = [], [], [], threading.Lock()
    with open(args.out, "w", encoding="utf-8") as fout:
        fetchers = [threading.Thread(target=do_craw, args=(url_queue, html_queue, fetched, errors), name=f"craw{i}")
                    for i in range(FETCHERS)]
        parsers = [threading.Thread(target=do_parse, args=(html_queue, fout, fout_lock, parsed), name=f"parse{i}")
                   for i in range(PARSERS)]
        for t in fetchers + parsers:
            t.start()
        for t in fetchers:
            t.join()
        for _ in range(PARSERS):
            html_queue.put(None)  # every fetch thread has ended: one stop sign per parse thread
        for t in parsers:
            t.join()
    print(f"pipeline, cost = {time.perf_counter() - start:.3f} seconds")
    if errors:
        fail(f"crawling {base} failed (is `cargo run -p shared --bin blog-site` running there?): {errors[0]}")

    with open(args.out, encoding="utf-8") as f:
        lines = sum(1 for _ in f)
    print(f"results: {args.out} ({lines} lines)")
    pages = list(range(1, args.pages + 1))
    if sorted(fetched) != pages:
        fail(f"pages fetched (sorted) were {sorted(fetched)}")
    if [pg for pg, _ in sorted(parsed)] != pages:
        fail(f"pages parsed (sorted) were {sorted(parsed)}")
    if any(n != posts_on_page(pg) for pg, n in parsed):
        fail(f"a page lost posts: {sorted(parsed)}")
    expected = sum(posts_on_page(n) for n in pages)
    if lines != expected:
        fail(f"the file holds {lines} posts, expected {expected}")
    print(f"check: {expected} posts in the file, each of {args.pages} pages exactly once")


if __name__ == "__main__":
    main()
