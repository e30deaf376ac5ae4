"""Cancellation safety: asyncio.wait_for(readline(), tick) in a loop, a hand-made readline beside StreamReader's.

Twin of examples-async/src/bin/cancel_safety.rs (added here). The peer's two
lines come in chunks cut mid-line, the next chunk only when a wait_for times
out (the tick): half a line, a tick, the rest. A timeout cancels the read. A
readline built from reader.read(1) into a local buffer loses the half line it
held, as tokio's read_line does; StreamReader.readline() takes nothing from
the reader's buffer until a whole line is there, so it loses nothing (measured
on 3.11: 0 bytes), like tokio's lines().next_line().

Run: python3 examples-async/python/cancel_safety.py
"""

import asyncio, os, sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "python"))
from blog_spider import fail, log  # log(): print with the time and the task's name

CHUNKS = [b"hello wo", b"rld\nsecond ", b"line\n"]  # two lines, cut mid-line (24 bytes)


async def hand_readline(reader):
    line = b""  # the usual shape: a fresh buffer each call
    while not line.endswith(b"\n"):
        line += await reader.read(1)  # a cancel here drops `line`, and what it held
    return line


async def select_loop(readline):
    log(f"{readline.__qualname__}, in a wait_for loop:")
    reader, received = asyncio.StreamReader(), 0
    for chunk in CHUNKS:  # the peer: half a line at first, the next chunk on each tick
        log(f"the peer sends {chunk!r}")
        reader.feed_data(chunk)
        while True:
            try:
                line = await asyncio.wait_for(readline(reader), 0.02)
            except TimeoutError:
                break  # the tick: the read was cancelled
            log(f"line {line!r}")
            received += len(line)
    return received


async def main():
    asyncio.current_task().set_name("main")
    lost, kept = 24 - await select_loop(hand_readline), 24 - await select_loop(asyncio.StreamReader.readline)
    if (lost, kept) != (15, 0):
        fail(f"bytes lost: {lost} and {kept}, not 15 and 0")
    print(f"check: of 24 bytes, hand_readline lost {lost} (two half lines), StreamReader.readline {kept}")


asyncio.run(main())
