"""GET /is_prime/<numbers> on http.server, the checks on a ProcessPoolExecutor.

Python twin of examples-processes/src/bin/web_is_prime.rs: the catalogue's
Flask route /is_prime/<numbers> on a process pool, with the standard library
only (http.server instead of Flask). The handler runs
executor.map(is_prime, numbers) on a ProcessPoolExecutor, so the checks run
in other processes, past the GIL, and answers JSON {"n": true|false}; bad
input gets 400 and a one-line message. The default run starts the server on
127.0.0.1 (port 0), asks it about --numbers and about 7,abc with urllib,
prints the answers, checks them and that 7,abc got 400, and exits; --serve
keeps serving until Ctrl-C.

Run it:
    python3 examples-processes/python/web_is_prime.py
    python3 examples-processes/python/web_is_prime.py --serve --port 8000
"""

import argparse
import json
import math
import multiprocessing
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ProcessPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

START = time.perf_counter()
MAX = 10**15  # largest number accepted: its check takes about a second here


def log(msg, who="main"):
    print(f"[{time.perf_counter() - START:7.3f}s {who}] {msg}\n", end="", flush=True)


def is_prime(n):
    if n < 2:
        return False
    if n == 2:
        return True
    if n % 2 == 0:
        return False
    sqrt_n = int(math.floor(math.sqrt(n)))
    for i in range(3, sqrt_n + 1, 2):
        if n % i == 0:
            return False
    return True


def port_number(s):
    try:
        n = int(s)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{s!r} is not a port number") from None
    if not 0 <= n <= 65535:
        raise argparse.ArgumentTypeError(f"{s} is not in 0..=65535")
    return n


def make_handler(executor):
    class Handler(BaseHTTPRequestHandler):
        def reply(self, status, body, kind):
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            prefix = "/is_prime/"
            if not self.path.startswith(prefix) or "/" in self.path[len(prefix):]:
                return self.reply(404, "not found\n", "text/plain")
            nums = []
            for s in self.path[len(prefix):].split(","):
                if not (s.isascii() and s.isdigit()):
                    return self.reply(400, f"bad number {json.dumps(s)}: not a whole number\n", "text/plain")
                if int(s) > MAX:
                    return self.reply(400, f"bad number {json.dumps(s)}: more than {MAX}\n", "text/plain")
                nums.append(int(s))
            if len(nums) > 100:
                return self.reply(400, f"{len(nums)} numbers: at most 100, please\n", "text/plain")
            answers = dict(sorted(zip(nums, executor.map(is_prime, nums))))
            body = json.dumps({str(n): p for n, p in answers.items()}, separators=(",", ":"))
            self.reply(200, body, "application/json")

        def log_message(self, *args):
            pass  # no access log on stderr

    return Handler


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--serve", action="store_true")
    parser.add_argument("--port", type=port_number, default=0)
    parser.add_argument("--numbers", default="2,17,91,112272535095293,112272535095295")
    args = parser.parse_args()

    with ProcessPoolExecutor(mp_context=multiprocessing.get_context("spawn")) as executor:
        try:
            server = ThreadingHTTPServer(("127.0.0.1", args.port), make_handler(executor))
        except OSError as e:  # the port is taken, say: one message, as the Rust bin gives
            raise SystemExit(f"error: cannot listen on 127.0.0.1:{args.port}: {e.strerror}") from None
        host, port = server.server_address
        log(f"serving on http://{host}:{port}/is_prime/{{numbers}}")
        if args.serve:
            try:
                server.serve_forever()
            except KeyboardInterrupt:
                pass
            return
        threading.Thread(target=server.serve_forever, name="server", daemon=True).start()
        replies = []
        for numbers in [args.numbers, "7,abc"]:
            path = f"/is_prime/{numbers}"
            status, body = get(f"http://{host}:{port}{path}")
            log(f"GET {path} -> {status} {body.rstrip()}")
            replies.append((status, body))
        server.shutdown()
        server.server_close()
    status, body = replies[0]
    if status != 200:
        raise SystemExit(f"error: no answers for --numbers {args.numbers!r} (see the reply above)")
    answers = {int(n): p for n, p in json.loads(body).items()}
    expected = {int(s): is_prime(int(s)) for s in args.numbers.split(",")}
    if answers != expected:
        raise SystemExit(f"error: expected {expected}, got {answers}")
    if replies[1][0] != 400:
        raise SystemExit(f"error: 7,abc: expected 400 Bad Request, got {replies[1][0]}")
    print("check: every answer matches is_prime; 7,abc got 400")


if __name__ == "__main__":
    main()
