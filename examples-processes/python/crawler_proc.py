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
crawl on note 001's `with ProcessPoolExecutor() as executor: results =
executor.map(func, [1,2,3])`, func the course's craw + parse, the list the
page URLs. max_workers defaults to os.cpu_count(); a worker waits for one
page at a time, so 50 pages of 100 ms on 2 workers take about 2.5 s, where
crawler.py's 50 threads take about 0.2 s. Ctrl-C ends the workers (each
dies of the SIGINT, silently: blog_spider), then the account of every URL
(done, failed, not fetched) and exit code 130.

The site must be running. In one terminal:
    cargo run --release -p shared --bin blog-site
in another:
    python3 examples-processes/python/crawler_proc.py --pages 50 --workers 2
"""
import argparse, itertools, os, sys, threading
from concurrent.futures import ProcessPoolExecutor

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "python"))
import blog_spider  # the crawl client, log(), spans, argument types: shared/python/blog_spider.py


def craw(url, retry):
    """In a worker process: the course's craw(url) and parse(html) for one list page."""
    threading.current_thread().name = f"worker (pid {os.getpid()})"  # its lines' name, as in the Rust bin
    fetched = blog_spider.fetch(url, retry)  # with retries; fetched.body is None if it failed
    page = blog_spider.page_of(url)
    if fetched.body is None:
        blog_spider.log(f"page {page}: failed after {fetched.attempts} attempts: {fetched.error}")
    else:
        blog_spider.log(f"page {page}: {len(blog_spider.parse(fetched.body))} posts")
    return fetched


if __name__ == "__main__":
    p = blog_spider.add_crawl_args(argparse.ArgumentParser(description=__doc__.splitlines()[0]))
    p.add_argument("--workers", type=blog_spider.count(1, 256), default=os.cpu_count() or 1,
                   help="worker processes (default: the CPU count, as ProcessPoolExecutor())")
    args = p.parse_args()
    urls = blog_spider.urls(args)  # no site there: one line saying how to start it, exit 1
    print(f"blog site: {args.site} ({args.pages} pages), {args.workers} worker processes", flush=True)
    account = blog_spider.Account()  # every URL: ok, retried or failed
    with blog_spider.timed("multi process"):
        with ProcessPoolExecutor(max_workers=args.workers) as executor:
            try:
                for fetched in executor.map(craw, urls, itertools.repeat(args)):  # args: the retries
                    account.record(fetched)  # also checks the page's post links
            except KeyboardInterrupt:  # Ctrl-C ended the workers too: the account of every URL, exit 130
                account.stopped(urls, executor)
    account.print()
    account.check()  # exit 1 if a page still failed after its retries
    blog_spider.answer(blog_spider.crawl_answer(account.posts, args.pages))
