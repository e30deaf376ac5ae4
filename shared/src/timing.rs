//! The notes' timing print and the event log every example writes.
//!
//! Two line shapes are used across the workspace, by the Rust bins and by
//! their Python twins alike, so that tools (and tests) can read them:
//!
//! - a cost line, the notes' own print: `single thread, cost = 1.234 seconds`
//!   ([`cost_line`], [`timed`], [`Stopwatch::report`]);
//! - an event line: `[  0.503s sing] message`, the seconds elapsed since the
//!   program's clock started ([`epoch`]) and the name of the thread or task
//!   that speaks ([`event`], [`event_here`], and the [`event!`](crate::event) and
//!   [`event_as!`](crate::event_as) macros).
//!
//! The Python twins print the same shapes with `blog_spider.log(msg)` and
//! `blog_spider.cost(label, seconds)` (shared/python/blog_spider.py).
//!
//! An async task has no thread of its own: wrap it in [`named`] and, while it
//! is polled, [`thread_name`] (so `event!` and every span) uses its name.
//!
//! While spans are recorded ([`crate::init`] with `CONCURRENCY_PAIRS_SPANS`
//! set), every event line is also recorded as a mark (a span with
//! start == end, what = the message) and every cost line as a span named by
//! its label; when not recording, that costs one relaxed atomic load.

use std::cell::RefCell;
use std::fmt::Display;
use std::future::Future;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

static EPOCH: OnceLock<Instant> = OnceLock::new();

/// The environment variable through which a child process inherits its
/// parent's clock: the parent's [`epoch`] as nanoseconds since the Unix epoch.
pub const EPOCH_ENV: &str = "CONCURRENCY_PAIRS_EPOCH_NS";

/// The instant the program's clock started: the first call to `epoch`
/// (every event function calls it; [`crate::init`] calls it first thing in
/// `main`). A child process whose environment has [`EPOCH_ENV`] (which
/// `init` exports) starts from its parent's epoch instead, so the event
/// lines of both line up (good to about a millisecond: the wall clock
/// crosses the process boundary).
/// Python twin: `START = time.perf_counter()` at import.
pub fn epoch() -> Instant {
    *EPOCH.get_or_init(|| {
        let now = Instant::now();
        let inherited =
            std::env::var(EPOCH_ENV).ok().and_then(|v| v.parse::<u128>().ok()).and_then(|t0| {
                let wall_now = SystemTime::now().duration_since(UNIX_EPOCH).ok()?.as_nanos();
                let ago = u64::try_from(wall_now.checked_sub(t0)?).ok()?;
                now.checked_sub(Duration::from_nanos(ago))
            });
        inherited.unwrap_or(now)
    })
}

/// The value of [`EPOCH_ENV`] for a child: this process's [`epoch`] as
/// nanoseconds since the Unix epoch (wall clock), as a decimal string.
pub fn epoch_ns() -> Option<String> {
    let ago = epoch().elapsed();
    let wall_now = SystemTime::now().duration_since(UNIX_EPOCH).ok()?;
    Some(wall_now.saturating_sub(ago).as_nanos().to_string())
}

/// Time since [`epoch`].
pub fn elapsed() -> Duration {
    epoch().elapsed()
}

/// Formats an event line: `[  0.503s who] msg` (elapsed seconds, 3 decimals,
/// right-aligned in 7 columns, as the Python twins' `:7.3f`).
pub fn event_line(who: &str, msg: impl Display) -> String {
    format!("[{:7.3}s {who}] {msg}", elapsed().as_secs_f64())
}

/// Prints an event line for `who` (a thread or task name) to stdout.
/// Writing locks stdout for the whole line, so lines from several threads
/// never tear, and Rust's stdout is line-buffered, so each line is visible at
/// once even through a pipe. While spans are recorded, the line is also
/// recorded as a mark on `who`'s row ([`crate::spans::mark_at`]).
pub fn event(who: &str, msg: impl Display) {
    let at = elapsed();
    let line = format!("[{:7.3}s {who}] {msg}", at.as_secs_f64());
    if crate::spans::enabled() {
        let msg = &line[line.find("] ").map_or(0, |i| i + 2)..];
        crate::spans::mark_at(who, msg, at.as_secs_f64());
    }
    print_line(&line);
}

/// Writes one line to stdout, ignoring a closed pipe (`bin | head` must not
/// panic with "Broken pipe" as `println!` would).
pub(crate) fn print_line(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stdout().lock(), "{line}");
}

thread_local! {
    /// The name of the task being polled on this thread (see [`named`]).
    static TASK: RefCell<Option<Arc<str>>> = const { RefCell::new(None) };
}

/// The current row's name: inside a future wrapped by [`named`], the task's
/// name; otherwise the thread's: the name given to `thread::Builder::name`,
/// `main` for the main thread, or `thread-<id>` for an unnamed thread.
pub fn thread_name() -> String {
    if let Some(task) = TASK.with(|t| t.borrow().clone()) {
        return task.to_string();
    }
    let t = std::thread::current();
    match t.name() {
        Some(name) => name.to_string(),
        None => {
            let id = format!("{:?}", t.id()); // "ThreadId(7)"
            let digits: String = id.chars().filter(char::is_ascii_digit).collect();
            format!("thread-{digits}")
        }
    }
}

/// Restores the previous task name when a poll ends (or unwinds).
struct TaskName(Option<Arc<str>>);

impl Drop for TaskName {
    fn drop(&mut self) {
        let previous = self.0.take();
        TASK.with(|t| *t.borrow_mut() = previous);
    }
}

/// Wraps `fut` so that, while it is polled, [`thread_name`] (and so
/// [`event!`](crate::event) lines and spans) gives `name` instead of the
/// thread's name: `tokio::spawn(named(format!("craw-{n}"), craw(url)))`.
/// The name is a thread-local set around each poll and restored after it,
/// so it works on any executor (tokio, smol, async-std, `block_on`) and on
/// whichever thread polls the task; nested `named` futures use the inner name.
/// Costs one `Arc` clone per poll.
pub fn named<F: Future>(name: impl Into<String>, fut: F) -> impl Future<Output = F::Output> {
    let name: Arc<str> = Arc::from(name.into());
    async move {
        let mut fut = std::pin::pin!(fut);
        std::future::poll_fn(|cx| {
            let previous = TASK.with(|t| t.borrow_mut().replace(Arc::clone(&name)));
            let _restore = TaskName(previous);
            fut.as_mut().poll(cx)
        })
        .await
    }
}

/// Prints an event line named after the current thread (or named task).
pub fn event_here(msg: impl Display) {
    event(&thread_name(), msg);
}

/// Prints an event line for the current thread (or [`named`] task):
/// `event!("got {}", x)` prints `[  1.002s worker-1] got 7`.
#[macro_export]
macro_rules! event {
    ($($arg:tt)*) => {
        $crate::timing::event_here(::std::format_args!($($arg)*))
    };
}

/// Prints an event line for a named speaker (an async task, a process role):
/// `event_as!("task-2", "done after {:?}", d)`.
#[macro_export]
macro_rules! event_as {
    ($who:expr, $($arg:tt)*) => {
        $crate::timing::event($who, ::std::format_args!($($arg)*))
    };
}

/// Parses an event line back into `(seconds, who, message)`; `None` for any
/// other line. `"[  0.503s sing] la la"` gives `(0.503, "sing", "la la")`.
pub fn parse_event_line(line: &str) -> Option<(f64, &str, &str)> {
    let rest = line.strip_prefix('[')?;
    let (head, msg) = rest.split_once("] ")?;
    let (secs, who) = head.trim_start().split_once("s ")?;
    Some((secs.parse().ok()?, who, msg))
}

/// The notes' timing print: `"{label}, cost = {seconds:.3} seconds"`.
pub fn cost_line(label: &str, elapsed: Duration) -> String {
    format!("{label}, cost = {:.3} seconds", elapsed.as_secs_f64())
}

/// Parses a cost line back into `(label, seconds)`; `None` for any other
/// line. `"single thread, cost = 1.234 seconds"` gives `("single thread", 1.234)`.
pub fn parse_cost_line(line: &str) -> Option<(&str, f64)> {
    let (label, rest) = line.trim_end().rsplit_once(", cost = ")?;
    let secs = rest.strip_suffix(" seconds")?.trim().parse::<f64>().ok()?;
    (secs.is_finite() && secs >= 0.0 && !label.is_empty()).then_some((label, secs))
}

/// Runs `f`, prints its cost line (the notes' `print(f"{label}, cost = ...")`)
/// and returns what `f` returned; while recording, also a span named
/// `label`. Python twin: `with blog_spider.timed(label): f()`.
pub fn timed<T>(label: &str, f: impl FnOnce() -> T) -> T {
    let sw = Stopwatch::start();
    let out = f();
    sw.report(label);
    out
}

/// A started wall clock (monotonic, `Instant`-based).
#[derive(Debug, Clone, Copy)]
pub struct Stopwatch {
    start: Instant,
}

impl Stopwatch {
    /// Starts the clock now.
    pub fn start() -> Self {
        Self { start: Instant::now() }
    }

    /// Wall time since [`Stopwatch::start`].
    pub fn elapsed(&self) -> Duration {
        self.start.elapsed()
    }

    /// Wall time since start, in seconds.
    pub fn secs(&self) -> f64 {
        self.elapsed().as_secs_f64()
    }

    /// Prints `"{label}, cost = X.XXX seconds"` and returns the elapsed time;
    /// while recording, also records a span named `label` from start to now
    /// on the current row.
    pub fn report(&self, label: &str) -> Duration {
        let now = Instant::now();
        let d = now.saturating_duration_since(self.start);
        crate::spans::record_here(label, self.start, now);
        print_line(&cost_line(label, d));
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        assert_eq!(
            cost_line("single thread", Duration::from_millis(1234)),
            "single thread, cost = 1.234 seconds"
        );
        let line = event_line("sing", "hello");
        assert!(line.starts_with('[') && line.ends_with("s sing] hello"), "{line}");
        assert_eq!(line.find(']'), Some(14), "{line}");
        let (t, who, msg) = parse_event_line(&line).unwrap();
        assert!(t >= 0.0 && who == "sing" && msg == "hello");
        assert_eq!(parse_event_line("single thread, cost = 1.0 seconds"), None);
        assert_eq!(
            parse_cost_line("single thread, cost = 1.234 seconds"),
            Some(("single thread", 1.234))
        );
        for not_cost in ["single thread, cost = x seconds", "cost = 1 seconds", "hello"] {
            assert_eq!(parse_cost_line(not_cost), None, "{not_cost}");
        }
    }

    /// A minimal executor: polls `fut` on this thread until it is ready.
    fn block_on<F: Future>(fut: F) -> F::Output {
        use std::task::{Context, Poll, Waker};
        let mut fut = std::pin::pin!(fut);
        let mut cx = Context::from_waker(Waker::noop());
        loop {
            if let Poll::Ready(out) = fut.as_mut().poll(&mut cx) {
                return out;
            }
        }
    }

    #[test]
    fn named_tasks_name_their_rows_while_polled() {
        let outer = thread_name();
        let mut yielded = false;
        let seen = block_on(named("craw-3", async {
            let before = thread_name();
            // one Pending in between: the name is set again at the next poll
            std::future::poll_fn(|cx| {
                if yielded {
                    std::task::Poll::Ready(())
                } else {
                    yielded = true;
                    cx.waker().wake_by_ref();
                    std::task::Poll::Pending
                }
            })
            .await;
            let inner = named("inner", async { thread_name() }).await;
            (before, inner, thread_name())
        }));
        assert_eq!(seen, ("craw-3".into(), "inner".into(), "craw-3".into()));
        assert_eq!(thread_name(), outer, "restored after the poll");
        // a panicking poll restores the name too
        let caught = std::panic::catch_unwind(|| block_on(named("boom", async { panic!("x") })));
        assert!(caught.is_err());
        assert_eq!(thread_name(), outer);
    }

    #[test]
    fn unnamed_thread_gets_an_id_name() {
        let name = std::thread::spawn(thread_name).join().unwrap();
        assert!(name.starts_with("thread-"), "{name}");
        let name = std::thread::Builder::new()
            .name("dance".into())
            .spawn(thread_name)
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(name, "dance");
    }
}
