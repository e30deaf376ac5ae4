"""gather on another runtime: asyncio has only its own loop, so this twin is gather.py.

Python twin of examples-async/src/bin/gather_async_std.rs. Rust has several async
runtimes (tokio, smol, async-std) and the same program runs on each; Python's
standard library has one event loop, so this script runs gather.py's program
(asyncio.gather, TaskGroup, and the notes' loop.create_task +
run_until_complete(asyncio.wait(tasks))) with the same flag (--unit:
gather.py reads this script's command line).

Run it:
    python3 examples-async/python/gather_async_std.py --unit 0.5

Same output as gather.py.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import gather  # noqa: E402

if __name__ == "__main__":
    gather.main()
