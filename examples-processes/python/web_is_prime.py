"""GET /is_prime/<numbers> on http.server, the checks on a ProcessPoolExecutor.

Twin of examples-processes/src/bin/web_is_prime.rs: the course's lesson 07
(flask_process_pool.py) with the standard library only (http.server instead
of Flask). The view runs process_pool.map(is_prime, number_list) on a
ProcessPoolExecutor: only processes check numbers in parallel past the GIL
(the Rust bin uses a thread pool: Rust threads already use every core).
Bad input (7,abc, a number past 10**15) gets 400 and a one-line message (added here: Flask would answer
500). The default run starts the server on 127.0.0.1 (port 0), asks it
about --numbers and about 7,abc, checks the answers and exits; --serve keeps
serving until Ctrl-C, which stops it at once (exit 0): a terminal sends the
Ctrl-C to the pool's workers too, which it ends, so a request in flight gets 503.

    python3 examples-processes/python/web_is_prime.py
    python3 examples-processes/python/web_is_prime.py --serve --port 8000
"""
import argparse, http.client, json, multiprocessing, os, sys, threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "python"))
import blog_spider  # log(), fail(), argument types, is_prime: shared/python/blog_spider.py
from blog_spider import is_prime

MAX = 10**15  # largest number accepted: its check takes about a second here


def api_is_prime(numbers):
    """@app.route("/is_prime/<numbers>"): (status, body)."""
    for x in numbers.split(","):
        if not (x.isascii() and x.isdigit()) or int(x) > MAX:
            why = f"more than {MAX}" if x.isascii() and x.isdigit() else "not a whole number"
            return 400, f"bad number {json.dumps(x)}: {why}\n"
    number_list = [int(x) for x in numbers.split(",")]
    blog_spider.log(f"checking {len(number_list)} numbers")  # on the request's thread
    try:
        results = process_pool.map(is_prime, number_list)
        return 200, json.dumps({str(n): p for n, p in sorted(zip(number_list, results))}, separators=(",", ":"))
    except (BrokenProcessPool, RuntimeError):  # Ctrl-C: the workers ended, the pool shut down
        return 503, "shutting down\n"


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        prefix, path = "/is_prime/", self.path
        status, body = api_is_prime(path[len(prefix):]) if path.startswith(prefix) else (404, "not found\n")
        self.send_response(status)  # HTTP/1.0: the body ends when the connection closes
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args):
        pass  # no access log on stderr


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--serve", action="store_true", help="serve until Ctrl-C")
    p.add_argument("--port", type=blog_spider.count(0, 65535), default=0, help="0: any free port")
    p.add_argument("--numbers", default="2,17,91,112272535095293,112272535095295")
    args = p.parse_args()
    # spawn: the server's threads are running when the pool starts its workers
    with ProcessPoolExecutor(mp_context=multiprocessing.get_context("spawn")) as process_pool:
        try:
            server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
        except OSError as e:
            blog_spider.fail(f"cannot listen on 127.0.0.1:{args.port}: {e.strerror}")
        host, port = server.server_address
        blog_spider.log(f"serving on http://{host}:{port}/is_prime/{{numbers}}")
        if args.serve:
            try:
                server.serve_forever()
            except KeyboardInterrupt:  # the workers started after the Ctrl-C did not get it: end them
                process_pool.shutdown(wait=False)  # no new worker from here on (a request's submit fails)
                for worker in multiprocessing.active_children():
                    worker.terminate()
                sys.exit()
        threading.Thread(target=server.serve_forever, daemon=True).start()
        replies = []
        for numbers in [args.numbers, "7,abc"]:
            conn = http.client.HTTPConnection(host, port, timeout=30)
            conn.request("GET", f"/is_prime/{numbers}")
            reply = conn.getresponse()
            replies.append((reply.status, reply.read().decode()))
            blog_spider.log(f"GET /is_prime/{numbers} -> {replies[-1][0]} {replies[-1][1].rstrip()}")
        server.shutdown()
    if replies[0][0] != 200:
        blog_spider.fail(f"no answers for --numbers {args.numbers!r} (see the reply above)")
    expected = {str(n): is_prime(n) for n in map(int, args.numbers.split(","))}
    if json.loads(replies[0][1]) != expected or replies[1][0] != 400:
        blog_spider.fail(f"expected {expected} and a 400 for 7,abc")
    print("check: every answer matches is_prime; 7,abc got 400")
