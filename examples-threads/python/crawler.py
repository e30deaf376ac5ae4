"""The blog crawler: every page in turn on one thread, then one thread per URL; pages that fail are retried, and every URL is accounted for.

Twin of examples-threads/src/bin/crawler.rs. The notes' gevent example
(001_02a52d28409d88e4.txt) has the single-thread crawl, word for word:

    begin = time.time()
    for url in blog_spider.urls:
        blog_spider.craw(url)
    end = time.time()
    print("single thread, cost = ", end - begin)

The second crawl, a threading.Thread(target=blog_spider.craw, args=(url,))
per URL, each started, then each joined, is the course's
01. multi_thread_craw.py (not in the notes). blog_spider here is the
workspace's stdlib-only module (urllib for requests, html.parser for
BeautifulSoup); it adds a timeout and retries per page (--attempts,
--timeout) and the account of every URL (the Rust bin's lines). Exit code 1
only if a page failed; the post links are absolute, so the first is followed.
Ctrl-C: no further attempt, the pages in flight end, then the account of
every URL (done, failed, not fetched) and exit code 130.

The site must be running. In one terminal:
    cargo run -p shared --bin blog-site -- --error-rate 0.3 --drop-rate 0.2 --seed 7
in another:
    python3 examples-threads/python/crawler.py --site http://127.0.0.1:8000 --pages 50
"""

import argparse, os, sys, threading

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "python"))
import blog_spider  # the crawl client, log(), spans, argument types: shared/python/blog_spider.py


# ANCHOR: craw
def craw(page, url, args, account):
    """blog_spider.craw(url), then its parse; the account counts and checks each page's post links."""
    posts = account.record(blog_spider.fetch(url, args))  # timeout + retries; None: failed for good
    if posts is not None:
        blog_spider.log(f"page {page}: {posts} posts")
# ANCHOR_END: craw


# ANCHOR: single
def single_thread(urls, args, account):
    for page, url in enumerate(urls, 1):
        craw(page, url, args, account)
# ANCHOR_END: single


# ANCHOR: multi
def multi_thread(urls, args, account):
    threads = [threading.Thread(target=craw, args=(page, url, args, account), name=f"craw-{page}")
               for page, url in enumerate(urls, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
# ANCHOR_END: multi


# ANCHOR: main
if __name__ == "__main__":
    p = blog_spider.add_crawl_args(argparse.ArgumentParser(description=__doc__.splitlines()[0]))
    p.add_argument("--only", choices=["single", "multi"], help="run one crawl only (default: both, then follow a link)")
    args = p.parse_args()
    urls = blog_spider.urls(args)  # no site there: one line saying how to start one, exit 1
    print(f"blog site: {args.site} ({args.pages} pages)", flush=True)
    accounts = []
    for name, crawl in [("single", single_thread), ("multi", multi_thread)]:
        if args.only in (None, name):
            accounts.append(blog_spider.Account())  # every URL, each fetched page's post links
            try:
                with blog_spider.timed(f"{name} thread"):
                    crawl(urls, args, accounts[-1])
            except KeyboardInterrupt:  # Ctrl-C: no further attempt, the pages in flight end, the account, exit 130
                accounts[-1].stopped(urls)
            accounts[-1].print()
    first = accounts[-1].urls[urls[0]]
    if args.only is None and first.body is not None:  # the links are absolute: follow the first
        href, title = blog_spider.parse(first.body)[0]
        if title not in (blog_spider.fetch(href, args).body or ""):
            blog_spider.fail(f"{href} is not {title!r}")
        print(f'followed {href}: "{title}"', flush=True)
    for account in accounts:
        account.check()  # exit 1 only if a page still failed after its retries (both crawls ran first)
    crawls = f"the {args.only}-thread crawl" if args.only else "both crawls"
    print(f"check: {crawls} found {accounts[0].posts} post links on {args.pages} pages, as expected", flush=True)
    blog_spider.answer(blog_spider.crawl_answer(accounts[0].posts, args.pages))
# ANCHOR_END: main
