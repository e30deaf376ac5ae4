"""subprocess.run: pipe input through a child program, capture output and status, kill it after a timeout.

Twin of examples-processes/src/bin/subprocess.rs, named subprocess_run.py,
not subprocess.py: a script's folder comes first on the import path, so a
subprocess.py here would shadow the standard library's for every twin in
this folder. The course's lesson 09 runs 7-Zip with subprocess.Popen and
proc.communicate(); note 002 says only: subprocess 模組可以在執行 Python 程式的過程中
產生新的子行程 ("the subprocess module starts new child processes while a
Python program runs"). subprocess.run(cmd, input=..., capture_output=True,
timeout=...) is Popen(...).communicate(input, timeout): on TimeoutExpired,
run() kills the child and waits for it. The child program is this file run
again with --role sort (a numeric sort) or --role hang, as in the Rust bin.

    python3 examples-processes/python/subprocess_run.py --timeout 1
"""
import argparse, json, os, subprocess, sys, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "python"))
import blog_spider  # log(), fail(), argument types: shared/python/blog_spider.py


def sort():
    nums = []
    for line in sys.stdin.read().splitlines():
        try:
            nums.append(int(line.strip()))
        except ValueError:
            sys.exit(f"error: not a number: {json.dumps(line)}")
    print("\n".join(str(n) for n in sorted(nums)))


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--timeout", type=blog_spider.positive_seconds, default=1.0)
    p.add_argument("--role", choices=["sort", "hang"], help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.role == "sort":
        sys.exit(sort())
    while args.role == "hang":
        time.sleep(3600)
    captured = []
    for role, data in [("sort", "3\n1\n2\n"), ("sort", "3\nbanana\n"), ("hang", "")]:
        shown, cmd = " ".join(data.split()), [sys.executable, __file__, "--role", role]
        try:
            r = subprocess.run(cmd, input=data, capture_output=True, text=True, timeout=args.timeout)
        except subprocess.TimeoutExpired:
            blog_spider.log(f"{role} [{shown}]: timed out after {args.timeout} s: killed")
            captured.append(None)
            continue
        blog_spider.log(f"{role} [{shown}]: exit status: {r.returncode}, stdout {json.dumps(r.stdout)}")
        blog_spider.log(f"{role} [{shown}]: stderr {json.dumps(r.stderr)}")
        captured.append((r.returncode == 0, r.stdout))
    if captured[0] != (True, "1\n2\n3\n") or captured[1] is None or captured[1][0] or captured[2] is not None:
        blog_spider.fail("expected a sorted output, a failure and a timeout")
    print("check: output, failure status and timeout all captured")
