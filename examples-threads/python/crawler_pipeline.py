"""A producer-consumer crawler that ends by itself: 3 fetch threads -> queue -> 2 parse threads -> file.

Twin of examples-threads/src/bin/crawler_pipeline.rs. The notes give the
queue between threads (001_02a52d28409d88e4.txt), word for word:

    - import queue
    q = queue.Queue()
    q.put(item)
    item = q.get()

The crawler is the course's 02. producer_consumer_spider.py (not in the
notes): three do_craw threads take URLs from url_queue and put the HTML on
html_queue; two do_parse threads write every post to one file. Changed from
it: its threads loop `while True` and never exit; Python 3.11's Queue cannot
be closed (Queue.shutdown is 3.13), so here a None per consumer stops it
(the Rust bin drops the channel's senders instead). Its file is never
closed; here `with open(...)` closes it before it is checked. Its 1-2 s
sleeps are dropped. A page that fails after its retries (--attempts,
--timeout) is left out and named in the account, and the exit code is 1.
The file is written as OUT.PID.part and renamed to OUT once checked (never
a partial file there, even with two runs at once). Ctrl-C: no new page, the
pages in flight end, the part file goes, the account (done, failed, not
started), exit code 130.

The site must be running. In one terminal:
    cargo run -p shared --bin blog-site -- --error-rate 0.3 --drop-rate 0.2
in another:
    python3 examples-threads/python/crawler_pipeline.py --site http://127.0.0.1:8000 --pages 50 --out /tmp/posts.txt
"""

import argparse, collections, os, queue, sys, tempfile, threading

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "python"))
import blog_spider  # the crawl client, log(), spans, argument types: shared/python/blog_spider.py


def do_craw(url_queue, html_queue, args, account):
    while not blog_spider.STOP.is_set() and (item := url_queue.get()) is not None:  # None: no more URLs
        page, url = item
        fetched = blog_spider.fetch(url, args)  # timeout + retries
        account.record(fetched)  # a page that failed for good is named in the account
        if fetched.body is not None:
            blog_spider.log(f"craw {url}, url_queue.size={url_queue.qsize()}")
            html_queue.put((page, fetched.body))


def do_parse(html_queue, fout, fout_lock):
    while (item := html_queue.get()) is not None:  # None: every fetch thread has ended
        page, html = item
        results = blog_spider.parse(html)
        with fout_lock:  # one lock per page keeps its lines together
            for href, title in results:
                fout.write(f"{page}\t{href}\t{title}\n")
        blog_spider.log(f"parse page {page}: {len(results)} posts, html_queue.size={html_queue.qsize()}")


def main():
    p = blog_spider.add_crawl_args(argparse.ArgumentParser(description=__doc__.splitlines()[0]))
    p.add_argument("--out", default=os.path.join(tempfile.gettempdir(), "crawler_pipeline_py.txt"))
    args = p.parse_args()
    url_queue, html_queue, account = queue.Queue(), queue.Queue(), blog_spider.Account()
    for page, url in enumerate(urls := blog_spider.urls(args), 1):  # no site there: one line, exit 1
        url_queue.put((page, url))
    for _ in range(3):
        url_queue.put(None)  # one stop sign per fetch thread, after the last URL
    part = f"{args.out}.{os.getpid()}.part"  # this run's file, renamed to args.out once complete
    try:
        fout = open(part, "w", encoding="utf-8")
    except OSError as e:
        blog_spider.fail(f"cannot create {args.out}: {e.strerror}")
    crawlers = [threading.Thread(target=do_craw, args=(url_queue, html_queue, args, account), name=f"craw{idx}")
                for idx in range(3)]
    lock = threading.Lock()
    parsers = [threading.Thread(target=do_parse, args=(html_queue, fout, lock), name=f"parse{idx}") for idx in range(2)]
    with blog_spider.timed("pipeline"), fout:  # the file closed (and flushed) at the end
        for t in crawlers + parsers:
            t.start()
        try:
            join(crawlers, parsers, html_queue)
        except KeyboardInterrupt:  # Ctrl-C: no new page; the pages in flight end
            blog_spider.STOP.set()
            join(crawlers, parsers, html_queue)
    if blog_spider.STOP.is_set():
        os.remove(part)  # no partial file; the last complete one stays
        account.stopped(urls)  # the account of every URL: done, failed, not fetched; exit 130
    account.print()
    check_file(part, args.out, account)
    account.check()  # exit 1 only if a page still failed after its retries


def join(crawlers, parsers, html_queue):
    for t in crawlers:
        t.join()
    for t in parsers:
        html_queue.put(None)  # every fetch thread has ended: one stop sign per parse thread
    for t in parsers:
        t.join()


def check_file(part, path, account):
    """Each fetched page's posts in the file exactly once (twice: parsed twice), failed pages absent; then renamed."""
    with open(part, encoding="utf-8") as f:
        per_page = collections.Counter(int(line.split("\t")[0]) for line in f)
    fetched = {int(blog_spider.page_of(url)) for url, f in account.urls.items() if f.body is not None}
    if set(per_page) != fetched or any(n != blog_spider.posts_on_page(pg) for pg, n in per_page.items()):
        blog_spider.fail(f"the file does not hold each of the {len(fetched)} fetched pages' posts once")
    os.replace(part, path)  # one step: a reader of path sees the last complete file, never a partial one
    lines = sum(per_page.values())
    print(f"results: {path} ({lines} lines)", flush=True)
    print(f"check: {lines} posts in the file, each of {len(fetched)} fetched pages exactly once", flush=True)


if __name__ == "__main__":
    main()
