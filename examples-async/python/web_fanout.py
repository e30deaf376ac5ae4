"""A web handler that runs its three waits at once: ~0.3 s, not 0.1 + 0.2 + 0.3 = 0.6 s.

Twin of examples-async/src/bin/web_fanout.rs, and the course's
05. flask_thread_pool.py nearly line for line: the view submits read_file()
(0.1 s), read_db() (0.2 s) and read_api() (0.3 s) to a ThreadPoolExecutor, so
the three waits overlap, then waits for each .result(). Standard library only,
so http.server stands in for Flask (its @app.route is the dict in do_GET).
/sequential calls them one after another: the slow version to compare against.

Run: python3 examples-async/python/web_fanout.py            (requests both routes, exits)
     python3 examples-async/python/web_fanout.py --serve --port 8080   (then curl it)
"""

import argparse, http.client, http.server, os, sys, threading, time
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "python"))
import blog_spider  # log() and the argument types: shared/python/blog_spider.py

pool = ThreadPoolExecutor()


def read(name, seconds):
    """read_file / read_db / read_api: a wait standing in for a file, a database or an API."""
    blog_spider.log(f"started ({seconds * 1000:.0f} ms)", name)  # said as `name`, not as its pool thread
    time.sleep(seconds)
    blog_spider.log("done", name)
    return f"{name} ok"


def fanout():
    """The course's index(): all three submitted to the pool at once; the answer comes after the longest."""
    result_file = pool.submit(read, "read_file", 0.1)
    result_db = pool.submit(read, "read_db", 0.2)
    result_api = pool.submit(read, "read_api", 0.3)
    return f"{result_file.result()}, {result_db.result()}, {result_api.result()}\n"


def sequential():
    """The slow version: each wait starts when the one before has finished."""
    return f"{read('read_file', 0.1)}, {read('read_db', 0.2)}, {read('read_api', 0.3)}\n"


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        route = {"/fanout": fanout, "/sequential": sequential}.get(self.path)
        body = route().encode() if route else b"not found\n"
        self.send_response(200 if route else 404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass  # quiet: the read lines say what happens


p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
p.add_argument("--serve", action="store_true", help="keep serving until Ctrl-C")
p.add_argument("--port", type=blog_spider.count(0, 65535), default=0, help="0 picks a free one")
p.add_argument("--requests", type=blog_spider.count(1, 100), default=2, help="requests to each route")
args = p.parse_args()
server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
base = f"http://127.0.0.1:{server.server_port}"
if args.serve:
    try:  # from the line below on, a Ctrl-C stops it: exit 0, as the Rust bin
        blog_spider.log(f"serving {base}/fanout and {base}/sequential")
        server.serve_forever()
    except KeyboardInterrupt:
        blog_spider.log("Ctrl-C: shutting down")
    sys.exit(0)
blog_spider.log(f"serving {base}/fanout and {base}/sequential")
threading.Thread(target=server.serve_forever, daemon=True).start()
slowest = {}
for route in ["sequential", "fanout"]:  # our own client: GET each route, check it, time it
    for n in range(1, args.requests + 1):
        start, conn = time.perf_counter(), http.client.HTTPConnection("127.0.0.1", server.server_port)
        conn.request("GET", f"/{route}")
        body = conn.getresponse().read().decode()
        took = time.perf_counter() - start
        if body != "read_file ok, read_db ok, read_api ok\n":
            blog_spider.fail(f"unexpected answer {body!r}")
        blog_spider.log(f"GET /{route} #{n}: answered in {took:.3f} s")
        slowest[route] = max(slowest.get(route, 0), took)
print(f"check: every answer complete; slowest /sequential {slowest['sequential']:.3f} s, /fanout {slowest['fanout']:.3f} s")

