"""blog_spider: what every Python twin uses and no twin teaches, in one stdlib-only module.

Named after the course's own module (its lessons `import blog_spider` for `urls`,
`craw(url)` and `parse(html)`); the Rust side of each helper is in `shared/src`.
A twin reaches it with (the path is relative to the twin's file):

    import os, sys
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "python"))
    import blog_spider  # the crawl client, log(), spans, argument types: shared/python/blog_spider.py

- log(msg): `[  0.101s who] msg` (who: the running asyncio task's name, else the thread's;
  the main thread is named `main`, as in Rust). START honours CONCURRENCY_PAIRS_EPOCH_NS.
- cost(label, seconds), `with timed(label):`: `label, cost = X.XXX seconds`;
  answer(text): `answer: text`; crawl_answer / primes_answer / sha_answer: Rust's strings.
- argparse types: count(lo, hi), seconds(lo, hi), positive_seconds, site_url.
- the crawl: add_crawl_args(parser), urls(args), craw(url, retry), fetch(url, retry) -> Fetched,
  async_fetch / async_craw, parse(html), Account, posts_on_page, expected_posts (shared::crawl, shared::site).
- the workloads: PRIMES, is_prime(n), sha_job(size, seed) (shared::workload); open_files, peak_rss (the echo twins).
- Ctrl-C (issue 17): a KeyboardInterrupt that nothing catches (also one while the interpreter waits for
  non-daemon threads at exit) ends the program quietly with exit code 130 (no traceback, no wait for
  threads: Rust's default SIGINT); a child process (multiprocessing) gets SIGINT's
  default action, as a Rust child has, so a Ctrl-C to the group ends it at once, silently. A twin with work to
  stop or an account to give catches KeyboardInterrupt itself. STOP (an Event): set it and fetch makes no
  further attempt; Account.stopped(urls): sets STOP, waits for the threads, prints the account of every URL
  (done, failed, not fetched), exit 130.
- spans: with CONCURRENCY_PAIRS_SPANS=FILE set, fetches ("page N"), timed/cost (the label),
  is_prime ("is_prime N", big n only), sha_job ("sha seed N") and every log() line (a mark)
  are recorded and appended to FILE at exit (worker processes too), as Rust's shared::spans.
"""

import os
import sys
import threading
import time

EPOCH_ENV = "CONCURRENCY_PAIRS_EPOCH_NS"  # shared::timing::EPOCH_ENV
SPANS_ENV = "CONCURRENCY_PAIRS_SPANS"  # shared::spans::SPANS_ENV
ROOT_ENV = "CONCURRENCY_PAIRS_SPANS_ROOT"  # shared::spans::ROOT_ENV
MAX_PAGES, MAX_ATTEMPTS, MAX_TIMEOUT, MAX_FLAG_SECS = 100_000, 20, 600.0, 3600  # shared's limits
BACKOFF = 0.05  # seconds after the first failed attempt, doubled after each further one (shared::crawl::Retry)
DEFAULT_SITE = "http://127.0.0.1:8000"
START_SITE_HINT = "start one with `cargo run -p shared --bin blog-site`"
PRIMES = [112272535095293] * 100  # the course's CPU job
SPAN_MIN_PRIME = 1_000_000_000_000  # smaller is_prime checks are no span (shared::workload::SPAN_MIN_PRIME)
MASK = (1 << 64) - 1


def _start():
    """perf_counter() at the program's start: now, or the parent's start (EPOCH_ENV, wall-clock ns)."""
    now = time.perf_counter()
    try:
        ago = (time.time_ns() - int(os.environ[EPOCH_ENV])) / 1e9
    except (KeyError, ValueError):
        ago = -1
    return now - ago if 0 <= ago < 1e6 else now


START = _start()
os.environ.setdefault(EPOCH_ENV, str(time.time_ns() - round((time.perf_counter() - START) * 1e9)))
if threading.current_thread() is threading.main_thread() and threading.current_thread().name == "MainThread":
    threading.current_thread().name = "main"  # the name Rust gives it, so lines and rows match


# --- the event log and the cost lines (shared::timing) ---

def who():
    """The row: the running asyncio task's name, else the thread's (a process-pool worker: ` (pid P)` added)."""
    name = None
    asyncio = sys.modules.get("asyncio")  # no asyncio imported: no task can be running
    if asyncio is not None:
        try:
            task = asyncio.current_task()
            name = task.get_name() if task is not None else None
        except RuntimeError:  # no running event loop in this thread
            pass
    return name or threading.current_thread().name


def _say(text):
    """One write of text to stdout; a closed stdout (`twin.py | head`) is ignored, as Rust's event! ignores it."""
    try:
        print(text, end="", flush=True)
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit


def log(msg, name=None):
    """shared's event!: `[  0.503s who] msg`, one write per line so lines from threads never tear.
    name: speak as another row (Rust's event_as!), e.g. a pool thread doing `read_file`'s work."""
    at, name = time.perf_counter() - START, name or who()
    if RECORDING:
        _SPANS.append((name, str(msg), at, at))
    _say(f"[{at:7.3f}s {name}] {msg}\n")


def cost(label, seconds):
    """The notes' timing print, `label, cost = X.XXX seconds`; while recording, a span named label."""
    if RECORDING:
        end = time.perf_counter() - START
        _SPANS.append((who(), label, end - seconds, end))
    _say(f"{label}, cost = {seconds:.3f} seconds\n")


class timed:
    """`with timed("single thread"): ...` prints the block's cost line (shared::timing::timed)."""

    def __init__(self, label):
        self.label = label

    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, kind, value, tb):
        self.seconds = time.perf_counter() - self.start
        if not _by_ctrl_c(value):  # a Ctrl-C's block did not finish: no cost line
            cost(self.label, self.seconds)


def answer(text):
    """The line the comparison harness checks: `answer: text`."""
    _say(f"answer: {text}\n")


def crawl_answer(posts, pages):
    return f"{posts} post links on {pages} pages"


def primes_answer(flags):
    return f"{sum(1 for f in flags if f)} of {len(flags)} prime"


def sha_answer(digests):
    """digests in seed order; the sha256 of their hex strings joined (shared::report::sha_answer)."""
    import hashlib
    return f"{len(digests)} digests, sha256 of all: {hashlib.sha256(''.join(digests).encode()).hexdigest()}"


# --- argument types for argparse: a bad value is one argparse error line and exit code 2 ---

def _error(msg):
    import argparse
    return argparse.ArgumentTypeError(msg)


def count(lo, hi):
    """type=count(1, 100): an integer in lo..=hi, as clap's range (`0 is not in 1..=100`)."""
    def parse(s):
        try:
            n = int(s)
        except ValueError:
            raise _error(f"{s!r} is not a whole number") from None
        if not lo <= n <= hi:
            raise _error(f"{n} is not in {lo}..={hi}")
        return n
    return parse


def _float(s):
    try:
        return float(s)
    except ValueError:
        return float("nan")  # refused below: NaN is in no range


def seconds(lo=0, hi=MAX_FLAG_SECS):
    """type=seconds(0, 10): a number of seconds in lo..=hi; NaN, infinities and words refused (secs_arg)."""
    def parse(s):
        x = _float(s)
        if not lo <= x <= hi:  # False for NaN
            raise _error(f"{s} is not a number of seconds from {lo:g} to {hi:g}")
        return x
    return parse


def positive_seconds(s, hi=MAX_FLAG_SECS, what="a number of seconds"):
    """type=positive_seconds: more than 0, at most 3600 (shared::workload::positive_secs_arg)."""
    x = _float(s)
    if not 0 < x <= hi:
        raise _error(f"{s} is not {what} more than 0, at most {hi:g}")
    return x


def _timeout(s):
    """--timeout: seconds, more than 0, at most 600 (shared::crawl::timeout_arg)."""
    x = _float(s)
    if not 0 < x <= MAX_TIMEOUT:
        raise _error(f"{s} is not a timeout in seconds (more than 0, at most {MAX_TIMEOUT:g})")
    return x


def site_url(s):
    """type=site_url: http://HOST[:PORT], trailing / dropped (shared::crawl::site_url_arg)."""
    url = s.strip().rstrip("/")
    rest = url[len("http://"):] if url.startswith("http://") else ""
    if not rest or rest[0] in "/:":
        raise _error(f"`{s}` is not a site URL: give it as http://HOST:PORT, e.g. http://127.0.0.1:8000")
    return url


# --- the site and its pages (shared::site) ---

def add_crawl_args(parser):
    """--pages --site --attempts --timeout, with shared::crawl::CrawlArgs's limits and defaults."""
    parser.add_argument("--pages", type=count(1, MAX_PAGES), default=50, help="number of list pages to crawl")
    parser.add_argument("--site", type=site_url, default=DEFAULT_SITE,
                        help="the running blog site (cargo run -p shared --bin blog-site)")
    parser.add_argument("--attempts", type=count(1, MAX_ATTEMPTS), default=4,
                        help="attempts per page, the first included (1 = no retries)")
    parser.add_argument("--timeout", type=_timeout, default=1.0, help="seconds one request may take")
    return parser


def urls(args):
    """The list page URLs of args.site, 1..=args.pages, once the site answers; else one line, exit 1."""
    import socket
    authority = args.site[len("http://"):].split("/")[0]
    host, _, port = authority.rpartition(":") if ":" in authority else (authority, "", "80")
    try:
        socket.create_connection((host, int(port)), timeout=1).close()
    except ConnectionRefusedError:
        print(f"error: no blog site at {args.site} (connection refused): {START_SITE_HINT}", file=sys.stderr)
        sys.exit(1)
    except OSError:
        pass  # slow or unreachable: the crawl's retries will say
    return [f"{args.site}/sitehome/p/{n}" for n in range(1, args.pages + 1)]


def posts_on_page(n):
    """shared::site::posts_on_page: 10 + splitmix64(n) % 11 post links, fixed for each page."""
    return 10 + _splitmix64(n)[1] % 11


def expected_posts(pages):
    return sum(posts_on_page(n) for n in range(1, pages + 1))


def page_of(url):
    """`.../sitehome/p/7` -> "7" (the name of a fetch's span), else the URL (shared::crawl::page_of)."""
    last = url.rstrip("/").rpartition("/")[2]
    return last if last.isdigit() else url


def parse(html):
    """The course's parse(html): every <a class="post-item-title" href=...>title</a> as (href, title)."""
    from html.parser import HTMLParser

    class PostLinks(HTMLParser):
        def __init__(self):
            super().__init__()
            self.posts, self.open = [], False

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "a" and "post-item-title" in (attrs.get("class") or "").split():
                self.posts.append([attrs.get("href", ""), ""])
                self.open = True

        def handle_data(self, data):
            if self.open:
                self.posts[-1][1] += data

        def handle_endtag(self, tag):
            self.open = self.open and tag != "a"

    p = PostLinks()
    p.feed(html)
    return [(href, title) for href, title in p.posts]


# --- the crawl client (shared::crawl): causes, retries, the account ---

class Retry:
    """Attempts per URL (the first included) and seconds per request; args from add_crawl_args fit too."""

    def __init__(self, attempts=4, timeout=1.0):
        self.attempts, self.timeout = attempts, timeout


class FetchError(Exception):
    """Why one attempt failed, as Rust's FetchError prints it, and whether another attempt may help."""

    def __init__(self, cause, retryable):
        super().__init__(cause)
        self.cause, self.retryable = cause, retryable


class Fetched:
    """One URL's crawl: url, body (None if it failed), errors (every failed attempt's cause)."""

    def __init__(self, url, errors, body):
        self.url, self.errors, self.body = url, errors, body

    @property
    def attempts(self):
        return len(self.errors) + (self.body is not None)

    @property
    def error(self):
        """The last failed attempt's cause (None if the URL was fetched)."""
        return None if self.body is not None else self.errors[-1]


class Failed(Exception):
    """craw(url) gave up: `failed: URL after N attempts (causes)`; .fetched has the rest."""

    def __init__(self, fetched):
        n = fetched.attempts
        super().__init__(f"failed: {fetched.url} after {n} attempt{'' if n == 1 else 's'} ({', '.join(fetched.errors)})")
        self.fetched = fetched


def _cause(e, timeout):
    import http.client
    import urllib.error
    if isinstance(e, urllib.error.HTTPError):
        return FetchError(f"HTTP {e.code}", e.code >= 500)
    if isinstance(e, urllib.error.URLError) and isinstance(e.reason, BaseException):
        e = e.reason  # urlopen wraps what was raised while connecting and sending
    if isinstance(e, TimeoutError):
        return FetchError(f"timed out after {timeout:.1f} s", True)
    if isinstance(e, ConnectionRefusedError):
        return FetchError("connection refused", True)
    if isinstance(e, (http.client.IncompleteRead, ConnectionResetError, ConnectionAbortedError, BrokenPipeError)):
        return FetchError("connection dropped", True)
    return FetchError(str(e), False)


def _get(url, timeout):
    """One blocking GET (urllib; the course's requests.get(url).text); its timeout is per socket operation."""
    import http.client
    import urllib.request
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return resp.read().decode("utf-8")
    except (OSError, http.client.HTTPException, ValueError) as e:
        raise _cause(e, timeout) from None


def _settle(url, errors, e, retry):
    """After a failed attempt: the final Fetched, or None to try again after delay(len(errors))."""
    errors.append(e.cause)
    return Fetched(url, errors, None) if len(errors) >= max(retry.attempts, 1) or not e.retryable else None


def delay(failed_attempts):
    """shared::crawl::Retry::delay: 50, 100, 200 ms..., capped at 32x."""
    return BACKOFF * 2 ** min(max(failed_attempts - 1, 0), 5)


def fetch(url, retry=Retry()):
    """Up to retry.attempts GETs of url with backoff between them -> Fetched (span "page N")."""
    with span(f"page {page_of(url)}"):
        errors = []
        while True:
            try:
                return Fetched(url, errors, _get(url, retry.timeout))
            except FetchError as e:
                done = _settle(url, errors, e, retry)
                if done or STOP.is_set():  # stopped (Ctrl-C): no further attempt
                    return done or Fetched(url, errors, None)
            time.sleep(delay(len(errors)))


def craw(url, retry=Retry()):
    """The course's craw(url): the page's html, or raises Failed after the retries."""
    fetched = fetch(url, retry)
    if fetched.body is None:
        raise Failed(fetched)
    return fetched.body


async def _async_get(url):
    import asyncio
    authority, _, path = url[len("http://"):].partition("/")
    host, _, port = authority.partition(":")
    reader, writer = await asyncio.open_connection(host, int(port or 80))
    try:
        writer.write(f"GET /{path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\r\n".encode())
        await writer.drain()
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        code = int(head[0].split(" ")[1])
        if not 200 <= code < 300:
            raise FetchError(f"HTTP {code}", code >= 500)
        headers = {k.strip().lower(): v.strip() for k, _, v in (h.partition(":") for h in head[1:] if h)}
        length = headers.get("content-length")
        body = await reader.readexactly(int(length)) if length is not None else await reader.read()
        return body.decode("utf-8")
    finally:
        writer.close()


async def _async_attempt(url, timeout):
    import asyncio
    if not url.startswith("http://"):
        raise FetchError(f"{url}: only http:// URLs are supported", False)
    try:
        return await asyncio.wait_for(_async_get(url), timeout)  # the whole request within timeout
    except asyncio.TimeoutError:
        raise FetchError(f"timed out after {timeout:.1f} s", True) from None
    except ConnectionRefusedError:
        raise FetchError("connection refused", True) from None
    except (asyncio.IncompleteReadError, ConnectionResetError, ConnectionAbortedError, BrokenPipeError):
        raise FetchError("connection dropped", True) from None
    except (OSError, ValueError, IndexError, UnicodeDecodeError, asyncio.LimitOverrunError) as e:
        raise FetchError(str(e), False) from None


async def async_fetch(url, retry=Retry()):
    """fetch for asyncio: HTTP/1.1 over asyncio.open_connection, awaiting the backoff (span on the task)."""
    import asyncio
    with span(f"page {page_of(url)}"):
        errors = []
        while True:
            try:
                return Fetched(url, errors, await _async_attempt(url, retry.timeout))
            except FetchError as e:
                done = _settle(url, errors, e, retry)
                if done:
                    return done
            await asyncio.sleep(delay(len(errors)))


async def async_craw(url, retry=Retry()):
    """The course's async_craw(url): the page's html, or raises Failed after the retries."""
    fetched = await async_fetch(url, retry)
    if fetched.body is None:
        raise Failed(fetched)
    return fetched.body


class Account:
    """Every URL of a crawl, as Rust's shared::crawl::Account (and tally): record(fetched), print(), check().

    record() also parses each fetched list page and checks its post links against posts_on_page;
    .posts is the post links found in all."""

    def __init__(self):
        self.urls, self.posts, self.problems, self._lock = {}, 0, [], threading.Lock()

    def record(self, fetched):
        found = None if fetched.body is None else len(parse(fetched.body))
        page = page_of(fetched.url)
        with self._lock:
            self.urls[fetched.url] = fetched  # a URL recorded twice keeps the later record
            if found is not None:
                self.posts += found
                if page.isdigit() and "/sitehome/p/" in fetched.url and found != posts_on_page(int(page)):
                    self.problems.append(f"page {page}: {found} post links, expected {posts_on_page(int(page))}")
        return found

    def failed(self):
        return sum(1 for f in self.urls.values() if f.body is None)

    def lines(self):
        done = [f for f in self.urls.values() if f.body is not None]
        ok = sum(1 for f in done if not f.errors)
        out = [f"{len(self.urls)} pages: {ok} ok, {len(done) - ok} retried, {self.failed()} failed"]
        for url in sorted(self.urls):
            f = self.urls[url]
            if f.errors:
                n = f.attempts
                kind = "retried" if f.body is not None else "failed"
                out.append(f"{kind}: {url} after {n} attempt{'' if n == 1 else 's'} ({', '.join(f.errors)})")
        return out

    def print(self):
        _say("".join(line + "\n" for line in self.lines()))

    def stopped(self, urls, pool=None):
        """A crawl stopped by Ctrl-C: sets STOP, shuts the pool down (the jobs not started cancelled), waits for
        the other threads (each ends its page in flight, with no further attempt), prints the account of every URL
        of urls (done, failed, not fetched) and exits 130."""
        STOP.set()
        if pool is not None:
            pool.shutdown(cancel_futures=True)
        for t in threading.enumerate():
            if t is not threading.current_thread() and not t.daemon:
                t.join()
        with self._lock:
            lines, rest = self.lines(), [u for u in urls if u not in self.urls]
        pages = ", ".join(_ranges([int(page_of(u)) if page_of(u).isdigit() else 0 for u in rest]))
        lines[0] = f"stopped by Ctrl-C: {len(urls)} pages: {lines[0].split(': ', 1)[1]}, {len(rest)} not fetched"
        _say("".join(line + "\n" for line in lines + ([f"not fetched: pages {pages}"] if rest else [])))
        sys.exit(130)

    def check(self):
        """Exits 1 with one error line if a page's post links were off or a page failed after its retries."""
        if self.problems:
            fail(self.problems[0])
        if self.failed():
            fail(f"{self.failed()} of {len(self.urls)} pages failed after their retries")


def _ranges(pages):
    """[1, 2, 3, 7] -> ["1-3", "7"] (shared::crawl::ranges)."""
    out = []
    for n in sorted(pages):
        if out and out[-1][1] == n - 1:
            out[-1][1] = n
        else:
            out.append([n, n])
    return [f"{a}-{b}" if a != b else f"{a}" for a, b in out]


def fail(msg):
    """One error line on stderr, exit code 1 (as a Rust bin's `Error: ...`)."""
    print(f"error: {msg}", file=sys.stderr, flush=True)
    sys.exit(1)


# --- Ctrl-C (issue 17) ---

STOP = threading.Event()  # set by a crawler's `except KeyboardInterrupt`: fetch makes no further attempt


def _exit_130():
    for f in (sys.stdout, sys.stderr):
        try:
            f.flush()
        except (OSError, ValueError):
            pass
    os._exit(130)


def _by_ctrl_c(value):
    """value is a KeyboardInterrupt, or was raised while one was handled (CPython 3.11's ProcessPoolExecutor
    can raise RuntimeError from its cleanup when a Ctrl-C lands while it starts)."""
    seen = set()
    while value is not None and id(value) not in seen:
        if isinstance(value, KeyboardInterrupt):
            return True
        seen.add(id(value))
        value = value.__context__
    return False


def _quiet_ctrl_c(kind, value, tb, _default=sys.excepthook):
    """An uncaught KeyboardInterrupt: exit 130 at once, no traceback, no wait for threads (as Rust's default)."""
    if not _by_ctrl_c(value):
        return _default(kind, value, tb)
    _exit_130()


def _quiet_pool_thread(args, _default=threading.excepthook):
    """CPython 3.11's process pool manager thread sets an exception on a future a Ctrl-C cancelled when the workers
    die of the SIGINT (InvalidStateError in terminate_broken; 3.12 ignores it): not an error worth a traceback."""
    if not (args.exc_type.__name__ == "InvalidStateError" and "concurrent.futures" in args.exc_type.__module__):
        _default(args)


def _quiet_shutdown(_shutdown=threading._shutdown):
    """The interpreter's wait for non-daemon threads at exit; a Ctrl-C during it: exit 130, no traceback."""
    try:
        _shutdown()
    except KeyboardInterrupt:
        _exit_130()


def _default_sigint():
    """In a child process: SIGINT's default action, so a Ctrl-C to the group ends it silently (as a Rust child)."""
    import signal
    signal.signal(signal.SIGINT, signal.SIG_DFL)


sys.excepthook = _quiet_ctrl_c
threading._shutdown = _quiet_shutdown  # what the interpreter calls at exit (CPython 3.x)
threading.excepthook = _quiet_pool_thread
if hasattr(os, "register_at_fork"):  # Unix: multiprocessing's fork (and forkserver) children
    os.register_at_fork(after_in_child=_default_sigint)
if sys.modules.get("__mp_main__", sys.modules["__main__"]) is not sys.modules["__main__"]:
    _default_sigint()  # a "spawn" child (Windows, macOS) runs the twin again as __mp_main__, importing us anew


# --- the servers' limits (examples_async::echo) ---

def open_files(needed=None, per_conn=1):
    """Raises the soft RLIMIT_NOFILE to the hard limit (Unix; elsewhere nothing) and logs `up to N open files
    (RLIMIT_NOFILE)`; with `needed`, fails (one line, exit 1) if it cannot fit: Rust's ensure_open_files."""
    try:
        import resource
    except ImportError:
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if needed is not None and hard != resource.RLIM_INFINITY and hard < needed:
        extra = (" with the in-process server", ", or run echo_server separately and pass --addr") if per_conn == 2 else ("", "")
        fail(f"too many connections: they need {needed} open files ({per_conn} per connection{extra[0]}, plus 64 spare), "
             f"but this process may open at most {hard} (the hard limit, `ulimit -Hn`). Ask for fewer{extra[1]}.")
    if hard != soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if needed is None:
        log(f"up to {hard} open files (RLIMIT_NOFILE)")


def peak_rss():
    """This process's peak resident set in bytes (getrusage), or None where it is not measured (Windows)."""
    try:
        import resource
    except ImportError:
        return None
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb if sys.platform == "darwin" else kb * 1024  # macOS reports bytes, Linux KiB


# --- the workloads (shared::workload) ---

def _splitmix64(state):
    state = (state + 0x9E3779B97F4A7C15) & MASK
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return state, z ^ (z >> 31)


def _is_prime(n):
    import math
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


def is_prime(n):
    """The course's is_prime (trial division by odd numbers); a span "is_prime N" for big n while recording."""
    if RECORDING and n > SPAN_MIN_PRIME:
        with span(f"is_prime {n}"):
            return _is_prime(n)
    return _is_prime(n)


def pseudo_random_bytes(size, seed):
    """shared::workload::pseudo_random_bytes: SplitMix64 words from seed, little-endian, cut to size."""
    import struct
    state, words = seed, []
    for _ in range((size + 7) // 8):
        state, word = _splitmix64(state)
        words.append(word)
    return struct.pack(f"<{len(words)}Q", *words)[:size]


def sha_job(size, seed):
    """The notes' sha(size): the sha256 hex digest of size seeded bytes (span "sha seed N")."""
    import hashlib
    with span(f"sha seed {seed}"):
        return hashlib.sha256(pseudo_random_bytes(size, seed)).hexdigest()


# --- spans (shared::spans): recorded while CONCURRENCY_PAIRS_SPANS names a file, appended at exit ---

_SPANS = []  # (row, what, start, end) in seconds since START; list.append is atomic under the GIL
_TAG = ""  # " (pid P)" in a child process of the recording run


class span:
    """`with span("page 3"):` records the block on the current row; nothing while not recording (avoid in lessons)."""

    def __init__(self, what):
        self.what = what

    def __enter__(self):
        if RECORDING:
            self.name, self.start = who(), time.perf_counter() - START
        return self

    def __exit__(self, *exc):
        if RECORDING and hasattr(self, "name"):
            _SPANS.append((self.name, self.what, self.start, time.perf_counter() - START))


def write_spans():
    """Appends every span recorded so far to the spans file in one write (run at exit by itself)."""
    import json
    spans, _SPANS[:] = list(_SPANS), []
    if not (RECORDING and spans):
        return
    lines = "".join(json.dumps({"name": n if " (pid " in n else n + _TAG, "what": w,
                                "start": round(s, 6), "end": round(e, 6)}) + "\n" for n, w, s, e in spans)
    with open(os.environ[SPANS_ENV], "a") as f:
        f.write(lines)


def _in_forked_child():
    """After a fork: the parent's spans are not ours; rows get this process's pid."""
    global _TAG
    _SPANS.clear()
    _TAG = f" (pid {os.getpid()})"


class _Flusher:
    """multiprocessing workers leave by os._exit (no atexit): a finalizer registered after each fork writes."""

    def after_fork(self):
        from multiprocessing import util
        util.Finalize(None, write_spans, exitpriority=100)


def _start_recording():
    global _TAG
    path = os.environ[SPANS_ENV]
    try:
        open(path, "a").close()  # a bad path fails now, before any work
    except OSError as e:
        print(f"error: cannot create the spans file {path} (named by {SPANS_ENV}): {e.strerror}", file=sys.stderr)
        sys.exit(1)
    root = os.environ.setdefault(ROOT_ENV, str(os.getpid()))
    _TAG = "" if root == str(os.getpid()) else f" (pid {os.getpid()})"
    import atexit
    import multiprocessing
    from multiprocessing import util
    atexit.register(write_spans)
    os.register_at_fork(after_in_child=_in_forked_child)
    util.register_after_fork(_FLUSHER, _Flusher.after_fork)
    if multiprocessing.parent_process() is not None:  # imported inside a worker already running
        util.Finalize(None, write_spans, exitpriority=100)
    return True


_FLUSHER = _Flusher()
RECORDING = bool(os.environ.get(SPANS_ENV)) and _start_recording()
