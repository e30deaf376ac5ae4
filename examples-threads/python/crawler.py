"""The blog crawler: one thread for every page in turn, then one thread per URL.

Twin of examples-threads/src/bin/crawler.rs. craw(url) fetches a list page of
the local blog site (urllib.request, standing in for requests.get) and parses
every <a class="post-item-title"> (html.parser, standing in for BeautifulSoup);
single_thread() crawls the URLs one after another, multi_thread() starts one
threading.Thread per URL and joins them all. The post count is checked
against the site's known number of posts per page.

The site must be running. In one terminal:
    cargo run -p shared --bin blog-site
in another:
    python3 examples-threads/python/crawler.py --site http://127.0.0.1:8000 --pages 50
"""

import argparse
import sys
import threading
import time
import urllib.error
import urllib.request
from html.parser import HTMLParser

START = time.perf_counter()
MASK = (1 << 64) - 1


def log(msg, who=None):
    # One write per line (the newline inside, end=""), so lines from several threads never tear.
    print(f"[{time.perf_counter() - START:7.3f}s {who or threading.current_thread().name}] {msg}\n", end="", flush=True)


def splitmix64(state):
    """One SplitMix64 step from `state`: shared::workload::splitmix64."""
    z = state = (state + 0x9E3779B97F4A7C15) & MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def posts_on_page(n):
    """shared::site::posts_on_page: 10 to 20 posts, fixed for each page."""
    return 10 + splitmix64(n) % 11


class PostLinks(HTMLParser):
    """Collects every <a class="post-item-title" href=...>title</a>."""

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


def craw(page, url):
    """The notes' craw(url) plus the parse: fetch one list page, count its post links."""
    try:
        with urllib.request.urlopen(url, timeout=30) as resp:
            html = resp.read().decode("utf-8")
    except (urllib.error.URLError, OSError) as e:
        raise RuntimeError(f"GET {url} failed: {getattr(e, 'reason', e)}") from None
    parser = PostLinks()
    parser.feed(html)
    log(f"page {page}: {len(parser.posts)} posts")
    return len(parser.posts)


def single_thread(urls):
    return sum(craw(i + 1, url) for i, url in enumerate(urls))


def multi_thread(urls):
    counts, errors = [0] * len(urls), []

    def run(i, url):
        try:
            counts[i] = craw(i + 1, url)
        except RuntimeError as e:
            errors.append(e)

    threads = [threading.Thread(target=run, args=(i, url), name=f"craw-{i + 1}") for i, url in enumerate(urls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return sum(counts)


def main():
    threading.current_thread().name = "main"  # the name Rust gives it, so the lines match
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--pages", type=int, default=50)
    p.add_argument("--site", default="http://127.0.0.1:8000",
                   help="the running blog site (cargo run -p shared --bin blog-site)")
    args = p.parse_args()
    if not 1 <= args.pages <= 1000:
        p.error("--pages must be between 1 and 1000")
    base = args.site.rstrip("/")
    print(f"blog site: {base} ({args.pages} pages)")
    urls = [f"{base}/sitehome/p/{n}" for n in range(1, args.pages + 1)]
    try:
        start = time.perf_counter()
        single = single_thread(urls)
        print(f"single thread, cost = {time.perf_counter() - start:.3f} seconds")
        start = time.perf_counter()
        multi = multi_thread(urls)
        print(f"multi thread, cost = {time.perf_counter() - start:.3f} seconds")
    except RuntimeError as e:
        print(f"error: crawling {base} failed (is `cargo run -p shared --bin blog-site` running there, "
              f"with at least {args.pages} pages?): {e}", file=sys.stderr)
        sys.exit(1)
    expected = sum(posts_on_page(n) for n in range(1, args.pages + 1))
    if single != expected or multi != expected:
        print(f"error: found {single} (single thread) and {multi} (multi thread) post links, expected {expected}",
              file=sys.stderr)
        sys.exit(1)
    print(f"check: both crawls found {expected} post links on {args.pages} pages, as expected")


if __name__ == "__main__":
    main()
