r"""An async context manager (@asynccontextmanager): the close awaits, and runs even when the body fails.

Python twin of examples-async/src/bin/async_context.rs. The notes (002, Chapter13):
「可以使用 \@asynccontextmanager 實作非同步情境管理器。」 ("you can write an
asynchronous context manager with @asynccontextmanager"; the `\@` is the notes'
Markdown escape). Three forms, as in the Rust bin: explicit (open, query, then
`await conn.close()` in a finally), helper (`async with connection(name) as
conn:`, an @asynccontextmanager: try: yield conn / finally: await conn.close()),
and drop (never closed: __del__ notices, and cannot await either).

Run it:
    python3 examples-async/python/async_context.py --fail

explicit and helper: open, query, close (also after a failed query);
drop: open, query, `dropped while open`, no close.
"""

import argparse
import asyncio
import gc
import os, sys
from contextlib import asynccontextmanager
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "python"))
from blog_spider import log  # log(msg, name): `[  0.503s name] msg`, shared/python/blog_spider.py


class Connection:
    def __init__(self, name):
        self.name, self.open = name, True
        log("open", name)

    async def query(self, fail):
        await asyncio.sleep(0.02)
        log("query", self.name)
        if fail:
            raise RuntimeError("the query failed (--fail)")
        return 42

    async def close(self):
        await asyncio.sleep(0.02)
        self.open = False
        log("close", self.name)

    def __del__(self):  # the sync fallback: no await possible here
        if self.open:
            log("dropped while open: no async close ran", self.name)


@asynccontextmanager
async def connection(name):
    conn = Connection(name)
    try:
        yield conn
    finally:
        await conn.close()


async def explicit(fail):
    conn = Connection("conn-explicit")
    try:
        return await conn.query(fail)
    finally:
        await conn.close()


async def helper(fail):
    async with connection("conn-helper") as conn:
        return await conn.query(fail)


async def drop(fail):
    conn = Connection("conn-drop")
    return await conn.query(fail)  # no close: __del__ runs when the last reference goes


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fail", action="store_true")
    fail = parser.parse_args().fail
    for form, body in [("explicit", explicit), ("helper", helper), ("drop", drop)]:
        log(f"{form}: open, query, then clean up", "main")
        try:
            outcome = f"the body returned {asyncio.run(body(fail))}"
        except RuntimeError as e:
            outcome = f"the body failed: {e}"
        gc.collect()  # a failure's traceback keeps the body's frames, and conn, in a cycle: free them now
        log(f"{form}: {outcome}", "main")
    print("check: explicit and helper closed after the body, Ok or Err")


if __name__ == "__main__":
    main()
