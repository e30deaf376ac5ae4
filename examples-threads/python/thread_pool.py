"""A thread pool crawls the blog: map fetches every page, then submit + as_completed parses them, each result yielded as its job finishes.

Twin of examples-threads/src/bin/thread_pool.rs. The course's thread-pool
lesson (04. thread_pool.py, not in the notes), whose lines are here (its
futures dict built in one comprehension, as the Python docs' example does):

    with concurrent.futures.ThreadPoolExecutor() as pool:
        htmls = pool.map(blog_spider.craw, blog_spider.urls)
    ...
            future = pool.submit(blog_spider.parse, html)
            futures[future] = url
        for future in concurrent.futures.as_completed(futures):

The pools notes (004_204d9a897d7f9bf9.txt) size it max_workers=20, as
--workers does; result_orders.py shows the three result orders exactly.
Added here, as in the Rust bin: each page's timeout and retries (--attempts,
--timeout), failed pages left unparsed, the account of every URL, exit code 1
only if a page failed; --only map does the whole crawl, fetch and parse, in
map (what compare times). Ctrl-C: the jobs not started are cancelled, the
ones running end their page, then the account of every URL (done, failed,
not fetched) and exit code 130.

The site must be running. In one terminal:
    cargo run -p shared --bin blog-site
in another:
    python3 examples-threads/python/thread_pool.py --site http://127.0.0.1:8000 --pages 50 --workers 20
"""

import argparse, concurrent.futures, os, sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "python"))
import blog_spider  # the crawl client, log(), spans, argument types: shared/python/blog_spider.py


def main():
    p = blog_spider.add_crawl_args(argparse.ArgumentParser(description=__doc__.splitlines()[0]))
    p.add_argument("--workers", type=blog_spider.count(1, 256), default=20, help="max_workers (the notes use 20)")
    p.add_argument("--only", choices=["map"], help="crawl through map alone, each job fetching and parsing its page")
    args = p.parse_args()
    urls = blog_spider.urls(args)  # no site there: one line saying how to start one, exit 1
    account = blog_spider.Account()  # every URL; it checks each page's post links

    def craw(url):  # blog_spider.craw(url) on a pool thread: timeout + retries, a failed page kept
        account.record(fetched := blog_spider.fetch(url, args))  # thread-safe: it takes its own lock
        if fetched.body is not None:
            blog_spider.log(f"craw {url}: {len(fetched.body.encode())} bytes")
            if args.only:  # --only map: the parse in the same job (the account counts the links)
                blog_spider.parse(fetched.body)
        return fetched

    with concurrent.futures.ThreadPoolExecutor(args.workers, "pool") as pool:
        try:
            with blog_spider.timed("map"):
                htmls = list(pool.map(craw, urls))  # input order, whatever order the jobs finish in
        except KeyboardInterrupt:  # Ctrl-C: the jobs not started cancelled, no further attempt, the account, exit 130
            account.stopped(urls, pool)
        blog_spider.log(f"map (input order): pages {[int(blog_spider.page_of(f.url)) for f in htmls]}")
        if not args.only:
            with blog_spider.timed("submit + as_completed"):
                # futures[pool.submit(parse, html)] = url; a failed page is in the account, not parsed
                futures = {pool.submit(blog_spider.parse, f.body): f.url for f in htmls if f.body is not None}
                for future in concurrent.futures.as_completed(futures):  # each as soon as it is done
                    blog_spider.log(f"as_completed: {futures[future]}: {len(future.result())} posts")
    account.print()
    account.check()  # exit 1 only if a page still failed after its retries
    print(f"check: the pool found {account.posts} post links on {args.pages} pages, as expected", flush=True)
    blog_spider.answer(blog_spider.crawl_answer(account.posts, args.pages))


if __name__ == "__main__":
    main()
