"""The blog crawler on one event loop: every page in turn, then one task per page.

Twin of examples-async/src/bin/crawler_async.rs: the course's 08. async_spider.py
and the notes' asyncio crawler (001_02a52d28409d88e4.txt), word for word:

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
Python 3.10 (3.12 warns), so this twin takes the loop of an asyncio.Runner
(3.11+), whose run() also turns a Ctrl-C into the cancellation of what it
runs: then the account of every URL so far, exit 130, as the Rust bin. The
course fetches with aiohttp; blog_spider.async_fetch speaks HTTP/1.1 over
asyncio.open_connection (standard library only), with a timeout per request,
retries with backoff and the account of every URL, as the Rust bin.

The site must be running. In one terminal:
    cargo run -p shared --bin blog-site -- --error-rate 0.3 --drop-rate 0.2 --seed 7
in another:
    python3 examples-async/python/crawler_async.py    (--only async: one crawl; --permits N: a cap)
"""

import argparse, asyncio, os, sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "python"))
import blog_spider  # the crawl client, log(), spans, argument types: shared/python/blog_spider.py


async def myfunc(page, url, account):
    """The notes' myfunc(url): fetch one page (with retries), account for it, say what came of it."""
    async with permits:  # at most --permits tasks fetch at once (see crawler_semaphore)
        fetched = await blog_spider.async_fetch(url, args)
    posts = account.record(fetched)  # its post links, checked against the site; None if it failed
    if posts is None:
        blog_spider.log(f"page {page}: failed after {fetched.attempts} attempts: {fetched.error}")
    elif page <= 100:  # pages after the 100th say nothing, so a long crawl stays readable
        blog_spider.log(f"page {page}: {posts} posts")


p = blog_spider.add_crawl_args(argparse.ArgumentParser(description=__doc__.splitlines()[0]))
p.add_argument("--permits", type=blog_spider.count(1, 100_000), help="most tasks fetching at once")
p.add_argument("--only", choices=["single", "async"], help="run one crawl only (default: both)")
args = p.parse_args()
urls = blog_spider.urls(args)  # one line and exit 1 if no site answers there
runner = asyncio.Runner()  # its run(): the loop's run_until_complete, and Ctrl-C cancels what it runs
loop = runner.get_loop()  # the notes' asyncio.get_event_loop(), see above
# The account of every URL, one per crawl; at most --permits tasks fetching at once.
single, many, permits = blog_spider.Account(), blog_spider.Account(), asyncio.Semaphore(args.permits or args.pages)
tasks = []

try:
    if args.only != "async":
        async def single_thread():  # awaited one after another: the loop has nothing else to run
            for page, url in enumerate(urls, 1):
                await myfunc(page, url, single)
        with blog_spider.timed("single thread"):  # `single thread, cost = 5.123 seconds`
            runner.run(asyncio.wait([loop.create_task(single_thread(), name="main")]))
        single.print()

    if args.only != "single":
        with blog_spider.timed("async") as crawl:
            tasks = [loop.create_task(myfunc(page, url, many), name=f"craw-{page}") for page, url in enumerate(urls, 1)]
            runner.run(asyncio.wait(tasks))  # the notes' loop.run_until_complete(asyncio.wait(tasks))
        print(f"async: {args.pages} pages in {crawl.seconds:.3f} s = {args.pages / crawl.seconds:.0f} pages/s", flush=True)
        many.print()
except KeyboardInterrupt:  # Ctrl-C: run() cancelled the wait, then raised this (the crawl tasks are left)
    (many if tasks else single).stopped(urls)  # the account of every URL so far; exit 130

single.check()  # exit 1 if a page still failed after its retries (a crawl not run has no pages)
many.check()
found = many.posts or single.posts
print(f"check: every crawl found {found} post links on {args.pages} pages, as expected", flush=True)
blog_spider.answer(blog_spider.crawl_answer(found, args.pages))
