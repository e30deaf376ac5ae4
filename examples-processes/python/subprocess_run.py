"""subprocess.run: pipe input through a child program, capture output and status, kill it after a timeout.

Python twin of examples-processes/src/bin/subprocess.rs, named
subprocess_run.py, not subprocess.py: a script's folder comes first on the
import path, so a subprocess.py here would shadow the standard library's for
every twin in this folder (multiprocessing imports it too). The note (002) says
only: subprocess 模組可以在執行 Python 程式的過程中產生新的子行程 ("the
subprocess module starts new child processes while a Python program runs").
subprocess.run(cmd, input=..., capture_output=True, timeout=...) is
Popen(...).communicate(input, timeout): on TimeoutExpired, run() kills the
child and waits for it. The child program is this file run again with
--role sort (a numeric sort) or --role hang, as in the Rust bin.

Run it:
    python3 examples-processes/python/subprocess_run.py --timeout 1
"""

import argparse
import json
import subprocess
import sys
import time

START = time.perf_counter()


def log(msg, who="main"):
    print(f"[{time.perf_counter() - START:7.3f}s {who}] {msg}\n", end="", flush=True)


MAX_SECS = 3600  # the Rust bin's maximum


def secs(s):
    """argparse type: 0 to 3600 seconds (float() accepts "nan" and "inf": refuse them)."""
    try:
        x = float(s)
    except ValueError:
        x = -1.0
    if not 0 <= x <= MAX_SECS:  # False for NaN too
        raise argparse.ArgumentTypeError(f"{s} is not a number of seconds from 0 to {MAX_SECS}")
    return x


def positive_secs(s):
    """argparse type: more than 0, at most 3600 seconds."""
    x = secs(s)
    if x == 0:
        raise argparse.ArgumentTypeError(f"{s} is not a number of seconds more than 0, at most {MAX_SECS}")
    return x


def sort():
    nums = []
    for line in sys.stdin.read().splitlines():
        try:
            nums.append(int(line.strip()))
        except ValueError:
            sys.exit(f"error: not a number: {json.dumps(line)}")
    for n in sorted(nums):
        print(n)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=positive_secs, default=1.0)
    parser.add_argument("--role", choices=["sort", "hang"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.role == "sort":
        return sort()
    if args.role == "hang":
        while True:
            time.sleep(3600)

    captured = []
    for role, data in [("sort", "3\n1\n2\n"), ("sort", "3\nbanana\n"), ("hang", "")]:
        shown = " ".join(data.split())
        cmd = [sys.executable, __file__, "--role", role]
        try:
            p = subprocess.run(cmd, input=data, capture_output=True, text=True, timeout=args.timeout)
        except subprocess.TimeoutExpired:
            log(f"{role} [{shown}]: timed out after {args.timeout} s: killed")
            captured.append(None)
            continue
        log(f"{role} [{shown}]: exit status: {p.returncode}, stdout {json.dumps(p.stdout)}")
        log(f"{role} [{shown}]: stderr {json.dumps(p.stderr)}")
        captured.append((p.returncode == 0, p.stdout))
    if captured[0] != (True, "1\n2\n3\n") or captured[1] is None or captured[1][0] or captured[2] is not None:
        sys.exit("error: expected a sorted output, a failure and a timeout")
    print("check: output, failure status and timeout all captured")


if __name__ == "__main__":
    main()
