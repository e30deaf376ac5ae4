//! The notes' timing print and the event log every example writes.
//!
//! Two line shapes are used across the workspace, by the Rust bins and by
//! their Python twins alike, so that tools (and tests) can read them:
//!
//! - a cost line, the notes' own print: `single thread, cost = 1.234 seconds`
//!   ([`cost_line`], [`timed`], [`Stopwatch::report`]);
//! - an event line: `[  0.503s sing] message`, the seconds elapsed since the
//!   program's clock started ([`epoch`]) and the name of the thread or task
//!   that speaks ([`event`], [`event_as`], and the [`event!`](crate::event) and
//!   [`event_as!`](crate::event_as) macros).
//!
//! The Python twins print the same shapes with
//! `print(f"[{time.perf_counter() - START:7.3f}s {name}] {msg}")`.

use std::fmt::Display;
use std::sync::OnceLock;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

static EPOCH: OnceLock<Instant> = OnceLock::new();

/// The environment variable through which a child process inherits its
/// parent's clock: the parent's [`epoch`] as nanoseconds since the Unix epoch.
pub const EPOCH_ENV: &str = "CONCURRENCY_PAIRS_EPOCH_NS";

/// The instant the program's clock started: the first call to `epoch`
/// (every event function calls it), so a bin calls it, or logs, first thing
/// in `main`. A child process started with [`share_epoch`] starts from its
/// parent's epoch instead, so the event lines of both line up.
/// Python twin: `START = time.perf_counter()` at import.
pub fn epoch() -> Instant {
    *EPOCH.get_or_init(|| {
        let now = Instant::now();
        let inherited = std::env::var(EPOCH_ENV)
            .ok()
            .and_then(|v| v.parse::<u128>().ok())
            .and_then(|t0| {
                let wall_now = SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .ok()?
                    .as_nanos();
                let ago = u64::try_from(wall_now.checked_sub(t0)?).ok()?;
                now.checked_sub(Duration::from_nanos(ago))
            });
        inherited.unwrap_or(now)
    })
}

/// Lets a child process started from `cmd` share this process's clock: its
/// event lines then count from the parent's start, so a parent's and its
/// children's lines can be read (and sorted) as one timeline. Uses the wall
/// clock to cross the process boundary (good to about a millisecond).
pub fn share_epoch(cmd: &mut std::process::Command) -> &mut std::process::Command {
    let ago = epoch().elapsed();
    if let Ok(wall_now) = SystemTime::now().duration_since(UNIX_EPOCH) {
        let t0 = wall_now.saturating_sub(ago).as_nanos();
        cmd.env(EPOCH_ENV, t0.to_string());
    }
    cmd
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
/// once even through a pipe.
pub fn event(who: &str, msg: impl Display) {
    print_line(&event_line(who, msg));
}

/// Writes one line to stdout, ignoring a closed pipe (`bin | head` must not
/// panic with "Broken pipe" as `println!` would).
pub(crate) fn print_line(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stdout().lock(), "{line}");
}

/// The current thread's name: the name given to `thread::Builder::name`,
/// `main` for the main thread, or `thread-<id>` for an unnamed thread.
pub fn thread_name() -> String {
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

/// Prints an event line named after the current thread.
pub fn event_here(msg: impl Display) {
    event(&thread_name(), msg);
}

/// Prints an event line for the current thread: `event!("got {}", x)`
/// prints `[  1.002s worker-1] got 7`.
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

/// Runs `f`, prints its cost line (the notes' `print(f"{label}, cost = ...")`)
/// and returns what `f` returned. Python twin: `start = time.time(); f();
/// print(f"{label}, cost = {time.time() - start:.3f} seconds")`.
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
        Self {
            start: Instant::now(),
        }
    }

    /// Wall time since [`Stopwatch::start`].
    pub fn elapsed(&self) -> Duration {
        self.start.elapsed()
    }

    /// Wall time since start, in seconds.
    pub fn secs(&self) -> f64 {
        self.elapsed().as_secs_f64()
    }

    /// Prints `"{label}, cost = X.XXX seconds"` and returns the elapsed time.
    pub fn report(&self, label: &str) -> Duration {
        let d = self.elapsed();
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
        assert!(
            line.starts_with('[') && line.ends_with("s sing] hello"),
            "{line}"
        );
        assert_eq!(line.find(']'), Some(14), "{line}");
        let (t, who, msg) = parse_event_line(&line).unwrap();
        assert!(t >= 0.0 && who == "sing" && msg == "hello");
        assert_eq!(parse_event_line("single thread, cost = 1.0 seconds"), None);
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
