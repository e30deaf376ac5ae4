//! Child processes for the examples: the binary re-executed in a role, a
//! child that is killed when dropped, and the crate's one message scheme,
//! JSON lines over a child's stdin and stdout.
//!
//! None of this is a lesson of its own (`daemon_proc` builds the same
//! kill-on-drop guard by hand, as its lesson); it is what the process bins
//! share so that each keeps to its point:
//!
//! - [`self_command`]: `current_exe() --role <role>`, the Rust analogue of
//!   multiprocessing's spawn start method, which starts a fresh interpreter on
//!   the same main module. The bin picks its role first thing in `main`, as
//!   Python's `if __name__ == "__main__"` guard keeps the parent's code from
//!   running again in the child. The child inherits the environment, and
//!   with it what `shared::init()` put there: the parent's clock (so the event
//!   lines of both count from the parent's start and read as one timeline)
//!   and, while the parent records spans, its spans file (the child's
//!   `shared::init()` appends its own spans there).
//! - [`KillOnDrop`]: std's `Child` neither waits nor kills when dropped, so a
//!   child forgotten on an error path (`?`) would run on after the example.
//!   The guard kills and reaps it instead; wait for it first to let it finish.
//! - [`send`] / [`recv`]: one serde value per line, `serde_json` text, the
//!   pipe analogue of `multiprocessing.Queue`'s pickles.
//! - [`wait_timeout`]: `Popen.wait(timeout)`, which std's `Child` lacks;
//!   [`read_all`]: a pipe read to its end on a thread of its own.
//! - [`start_together`] / [`wait_for_go`]: several copies of a command that
//!   start their work at the same moment (to widen a race between them).
//! - [`toy_program`]: the "external program" `subprocess` runs (this binary
//!   again): a numeric sort, or a program that hangs.
//! - [`stop_signal`]: in a child, a channel that says when the parent wants
//!   it to stop (a line on its stdin, or the pipe's end).

use std::io::{BufRead, Write};
use std::ops::{Deref, DerefMut};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// A `Command` that runs this very binary again with `--role <role>`; the
/// child inherits the parent's clock and spans file through the environment
/// (`shared::init()` exports both).
///
/// # Errors
/// If the path of the running executable cannot be found.
pub fn self_command(role: &str) -> Result<Command> {
    let exe = std::env::current_exe().context("cannot find this program's executable")?;
    let mut cmd = Command::new(exe);
    cmd.args(["--role", role]);
    Ok(cmd)
}

/// A child process that is killed (`Child::kill`: SIGKILL on Unix,
/// `TerminateProcess` on Windows) and reaped when dropped. Waiting for it
/// first (`guard.wait()`, through `DerefMut`) lets it finish normally; the
/// kill in `drop` then does nothing.
#[derive(Debug)]
pub struct KillOnDrop(pub Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        // Errors mean it has already gone: nothing left to clean up.
        let _ = self.0.kill();
        let _ = self.0.wait(); // reap it, so no zombie is left behind
    }
}

impl Deref for KillOnDrop {
    type Target = Child;
    fn deref(&self) -> &Child {
        &self.0
    }
}

impl DerefMut for KillOnDrop {
    fn deref_mut(&mut self) -> &mut Child {
        &mut self.0
    }
}

/// Writes `msg` as one line of JSON and flushes it (the other end reads it at
/// once): `[42,null,"hello"]\n`.
///
/// # Errors
/// If the value cannot be serialised or the pipe is closed.
pub fn send<T: Serialize>(w: &mut impl Write, msg: &T) -> Result<()> {
    let mut line = serde_json::to_string(msg).context("cannot serialise the message")?;
    line.push('\n');
    w.write_all(line.as_bytes()).and_then(|()| w.flush()).context("cannot write to the pipe")
}

/// Reads one JSON line into a `T`; `Ok(None)` at the end of the stream (the
/// other side closed the pipe or exited).
///
/// # Errors
/// If the pipe cannot be read or the line is not a `T`.
pub fn recv<T: DeserializeOwned>(r: &mut impl BufRead) -> Result<Option<T>> {
    let mut line = String::new();
    if r.read_line(&mut line).context("cannot read from the pipe")? == 0 {
        return Ok(None);
    }
    let msg = serde_json::from_str(&line).with_context(|| format!("bad message {line:?}"))?;
    Ok(Some(msg))
}

/// `Popen.wait(timeout)`: the child's exit status, or `None` if it is still
/// running after `timeout`; it is then killed and reaped, as
/// `subprocess.run` does on `TimeoutExpired`. std has no wait-with-timeout:
/// this polls `try_wait` every 10 ms, as CPython's `Popen.wait` does on Unix.
///
/// # Errors
/// If the child cannot be waited for or killed.
pub fn wait_timeout(child: &mut Child, timeout: Duration) -> Result<Option<ExitStatus>> {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(Some(status));
        }
        if Instant::now() >= deadline {
            child.kill()?;
            child.wait()?;
            return Ok(None);
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Reads a pipe (a child's stdout or stderr) to its end on a thread of its
/// own, so that one full pipe cannot block the others; `join()` gives the text.
pub fn read_all(
    pipe: impl std::io::Read + Send + 'static,
) -> std::thread::JoinHandle<std::io::Result<String>> {
    std::thread::spawn(move || std::io::read_to_string(pipe))
}

/// Starts `n` processes of `cmd`, each with a pipe on its stdin, and only
/// once all of them run sends each the line `go` (the children wait for it
/// with [`wait_for_go`]), so that their work overlaps however slowly they
/// start. Each is killed and reaped if dropped before it is waited for.
///
/// # Errors
/// If a process cannot be started or its pipe written (those already
/// started are then killed).
pub fn start_together(cmd: &mut Command, n: u32, go: &str) -> Result<Vec<KillOnDrop>> {
    cmd.stdin(Stdio::piped());
    let mut children = Vec::new();
    for _ in 0..n {
        children.push(KillOnDrop(cmd.spawn().context("cannot start a child")?));
    }
    for child in &mut children {
        writeln!(child.stdin.take().context("no pipe to the child")?, "{go}")?;
    }
    Ok(children)
}

/// The child's side of [`start_together`]: blocks until the parent's line
/// comes, and returns it (without its line end).
///
/// # Errors
/// If stdin cannot be read or ends first.
pub fn wait_for_go() -> Result<String> {
    let mut line = String::new();
    let read = std::io::stdin().read_line(&mut line).context("cannot read stdin")?;
    anyhow::ensure!(read > 0, "stdin ended before the parent said go");
    Ok(line.trim_end().to_string())
}

/// In a child: a channel that receives `()` once the parent writes a line to
/// this process's stdin, closes the pipe, or exits (a thread reads stdin and
/// turns any of those into the message). Its `recv_timeout(tick)` is
/// `multiprocessing.Event.wait(tick)`: a tick's sleep that the parent's
/// `done.set()` ends at once.
pub fn stop_signal() -> Receiver<()> {
    let (stop, stopped) = channel();
    std::thread::spawn(move || {
        // A line, the end of the pipe and a read error all mean: stop.
        let _ = std::io::stdin().lock().read_line(&mut String::new());
        let _ = stop.send(());
    });
    stopped
}

/// The external programs `subprocess` runs, as this binary again with
/// `--role sort` or `--role hang`, so that they behave the same on Linux,
/// macOS and Windows and fail or hang on demand. `sort` prints the numbers
/// on its stdin, one per line, in numeric order, and fails (exit 1, the
/// offending line on stderr) on a line that is not a number; any other role
/// hangs for ever (until killed).
///
/// # Errors
/// `sort`: if stdin cannot be read or a line is not a number.
pub fn toy_program(role: &str) -> Result<()> {
    if role != "sort" {
        loop {
            std::thread::sleep(Duration::from_secs(3600)); // hang
        }
    }
    let mut nums = Vec::new();
    for line in std::io::read_to_string(std::io::stdin())?.lines() {
        nums.push(line.trim().parse::<i64>().with_context(|| format!("not a number: {line:?}"))?);
    }
    nums.sort_unstable();
    nums.iter().for_each(|n| println!("{n}"));
    Ok(())
}
