"""Processes cannot be cancelled, only asked, or terminated: what each leaves in the file.

Twin of examples-processes/src/bin/stop_forced.rs (added here). A worker
process writes records to a file, each in two halves around a unit of work.
Asked (a multiprocessing.Event, checked between records, as stop_pause checks
its flag), it finishes the record in hand and writes its count. Terminated
(Process.terminate(): SIGTERM on Unix, TerminateProcess on Windows; no
finally, no with-block exit), it stops mid-record: half a record, no count.
The file is unbuffered: with open()'s default buffer the killed worker would
lose its whole records too. There is no Thread.kill (notes, 002: 若要停止執行緒，
需自行實作 "to stop a thread you must implement it yourself").

Run: python3 examples-processes/python/stop_forced.py
"""

import multiprocessing, os, pathlib, sys, tempfile, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "python"))
from blog_spider import fail, log  # log(): print with the time and a name, one clock for every process


def worker(path, stop, half):
    records, out = 0, open(path, "wb", buffering=0)  # unbuffered: each write is in the file at once (the OS closes it)
    while not stop.is_set():  # asked? checked between records only
        records += 1
        out.write(b"record %d: first half," % records)
        log(f"record {records}: half written", "worker")
        half.set() if records == 2 else None  # tells main: half-way through record 2
        time.sleep(0.2)  # the work: terminate() lands here, mid-record
        out.write(b" second half\n")
    out.write(b"count: %d records\n" % records)  # what a terminated worker never writes


def run(how):
    path = pathlib.Path(tempfile.gettempdir(), f"stop_forced-{os.getpid()}.txt")
    stop, half = multiprocessing.Event(), multiprocessing.Event()
    (p := multiprocessing.Process(target=worker, args=(path, stop, half))).start()
    half.wait()
    log(f"{how}: {'stop.set()' if how == 'ask' else 'Process.terminate()'}")
    stop.set() if how == "ask" else p.terminate()
    p.join()
    lines = path.read_text().splitlines()
    path.unlink()
    log(f"worker exited: exit code {p.exitcode}; its file: {lines}")
    return lines[-1]


if __name__ == "__main__":
    asked, killed = run("ask"), run("kill")
    if (asked, killed) != ("count: 2 records", "record 2: first half,"):
        fail(f"{asked}, {killed}")
    print("check: asked, 2 whole records and the count; killed, half of record 2 and no count")
