"""A semaphore caps how many crawl tasks fetch at once: never more than --permits.

Twin of examples-async/src/bin/crawler_semaphore.rs: the course's
10. async_spider_semaphore.py, whose async_craw(url) fetches inside
`async with semaphore:` (semaphore = asyncio.Semaphore(10)) and then
`await asyncio.sleep(5)`, still holding the permit, so the cap shows: 50
pages, 10 at a time, 5 s each, take 25 s. Here that sleep is --sleep, 0.5 s by
default (--sleep 5 for the course's). The notes' "信号量限制并发" ("a semaphore
limits concurrency"), word for word (written for threads, typo included):

    from threading import Semaphore
    semaphre = Semaphore(10)
    with semaphre:
        # do something

The count of tasks holding a permit is printed at every acquire and release
and checked: never above the permits, and reaching them. blog_spider's fetch
has a timeout per request and retries (a page keeps its permit while it
retries); every URL is accounted for, as in the Rust bin, also when Ctrl-C
stops it (exit 130).

The site must be running. In one terminal:
    cargo run -p shared --bin blog-site
in another:
    python3 examples-async/python/crawler_semaphore.py --pages 50 --permits 10
"""

import argparse, asyncio, os, sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "python"))
import blog_spider  # the crawl client, log(), spans, argument types: shared/python/blog_spider.py

in_flight = {"now": 0, "most": 0}  # tasks holding a permit; one loop on one thread: no lock needed


async def async_craw(url):
    async with semaphore:  # the permit is held until the end of this block
        in_flight["now"] += 1
        in_flight["most"] = max(in_flight["most"], in_flight["now"])
        blog_spider.log(f"acquired, in flight = {in_flight['now']}")
        account.record(await blog_spider.async_fetch(url, args))  # with retries; every URL accounted for
        await asyncio.sleep(args.sleep)  # the course's `await asyncio.sleep(5)`
        in_flight["now"] -= 1
        blog_spider.log(f"releasing, in flight = {in_flight['now']}")


p = blog_spider.add_crawl_args(argparse.ArgumentParser(description=__doc__.splitlines()[0]))
p.add_argument("--permits", type=blog_spider.count(1, 10_000), default=10, help="pages fetched at once")
p.add_argument("--sleep", type=blog_spider.seconds(), default=0.5, help="seconds each task sleeps, holding its permit")
args = p.parse_args()
urls = blog_spider.urls(args)  # one line and exit 1 if no site answers there
# Runner (3.11+): its run() is the loop's run_until_complete, and a Ctrl-C cancels what it runs.
# The account: every URL's fate, each page's post links checked.
runner, account = asyncio.Runner(), blog_spider.Account()
semaphore = asyncio.Semaphore(args.permits)  # `semaphore = asyncio.Semaphore(10)`
try:
    with blog_spider.timed("async"):
        tasks = [runner.get_loop().create_task(async_craw(url), name=f"craw-{page}") for page, url in enumerate(urls, 1)]
        runner.run(asyncio.wait(tasks))
except KeyboardInterrupt:  # Ctrl-C: run() cancelled the wait, then raised this (the crawl tasks are left)
    account.stopped(urls)  # the account of every URL so far; exit 130
account.print()

# The lesson's own check, on every run (faulty or not): the bound held, and was reached.
most, bound = in_flight["most"], min(args.permits, args.pages)
if most > args.permits:
    blog_spider.fail(f"{most} in flight at once, over the {args.permits} permits")
if most != bound:
    blog_spider.fail(f"at most {most} in flight at once, never all {bound}")
print(f"check: at most {args.permits} in flight, and {bound} reached", flush=True)
account.check()  # exit 1 if a page still failed after its retries
print(f"check: every crawl found {account.posts} post links on {args.pages} pages, as expected")

