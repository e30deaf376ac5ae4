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

use std::io::{BufRead, Write};
use std::ops::{Deref, DerefMut};
use std::process::{Child, Command};

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
