//! Running another program with `std::process::Command`: feed it input
//! through a pipe, capture its stdout, stderr and exit status, and kill it
//! if it runs past a timeout.
//!
//! The course's lesson 09 starts 7-Zip with `subprocess.Popen([...])` and
//! waits with `proc.communicate()`; note 002 says only subprocess 模組可以在執行
//! Python 程式的過程中產生新的子行程 ("the subprocess module starts new child
//! processes while a Python program runs"). Here the whole of
//! `subprocess.run(cmd, input=..., capture_output=True, timeout=...)`, that
//! is `Popen(...).communicate(input, timeout)`, from std's parts.
//!
//! The "external program" is this binary again with `--role sort` (a numeric
//! sort) or `--role hang` (`child::toy_program`), so it behaves the same on
//! Linux, macOS and Windows and fails or hangs on demand; for a real one,
//! `Command::new("sort")`.
//!
//! ```text
//! cargo run -p examples-processes --bin subprocess
//! cargo run -p examples-processes --bin subprocess -- --timeout 0.5
//! ```
//!
//! You should see three runs, in this order: `sort [3 1 2]: exit status: 0,
//! stdout "1\n2\n3\n"`; `sort [3 banana]: exit status: 1` with the sort's
//! error on its stderr; `hang []: timed out after 1s: killed`. Then the check.

use std::io::Write;
use std::process::{Command, ExitStatus, Stdio};
use std::thread;
use std::time::Duration;

use anyhow::{Context, Result, ensure};
use clap::Parser;
use examples_processes::child::{self, KillOnDrop, read_all, self_command, wait_timeout};
use examples_processes::positive_secs;
use shared::event; // `event!` = println with the elapsed time and the thread's name (shared/src/timing.rs)

/// Pipe data through a child program, with a timeout.
#[derive(Parser)]
#[command(allow_negative_numbers = true)] // `-1` is a value to refuse, not a flag
struct Args {
    /// Seconds a child may run before it is killed (more than 0, at most 3600).
    #[arg(long, default_value = "1", value_parser = positive_secs)]
    timeout: Duration,
    /// Set only by the parent for its children: sort or hang.
    #[arg(long, hide = true)]
    role: Option<String>,
}

/// What `communicate` returns: the exit status, stdout and stderr.
type Captured = (ExitStatus, String, String);

/// `Popen(cmd).communicate(input, timeout)`: (status, stdout, stderr), or
/// `None` if the child ran past the timeout and was killed.
fn communicate(mut cmd: Command, input: &str, timeout: Duration) -> Result<Option<Captured>> {
    cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = KillOnDrop(cmd.spawn().context("cannot start the child")?); // killed if we fail
    // A thread per pipe (read_all: read_to_string on a thread, src/child.rs):
    // reading only after the exit could deadlock once a pipe's buffer fills.
    // Dropping the stdin pipe after writing ends the input.
    let (mut stdin, input) = (child.stdin.take().context("no stdin")?, input.to_owned());
    let writer = thread::spawn(move || stdin.write_all(input.as_bytes())); // fails if the child quits early: fine
    let out = read_all(child.stdout.take().context("no stdout")?);
    let err = read_all(child.stderr.take().context("no stderr")?);
    // Popen.wait(timeout); past it the child is killed, as run() does on
    // TimeoutExpired (std has no wait-with-timeout: src/child.rs polls).
    let status = wait_timeout(&mut child, timeout)?;
    let _ = writer.join();
    // join() is Err only if a reader panicked: a bug, so pass it on.
    let (stdout, stderr) = (out.join().unwrap()?, err.join().unwrap()?);
    Ok(status.map(|status| (status, stdout, stderr)))
}

fn main() -> Result<()> {
    let _run = shared::init()?; // quiet errors, one clock for parent and children (shared/src/lib.rs)
    let args = Args::parse();
    // A child plays the external program: a numeric sort, or a hang (src/child.rs).
    if let Some(role) = &args.role {
        return child::toy_program(role);
    }
    let mut captured = Vec::new();
    for (role, input) in [("sort", "3\n1\n2\n"), ("sort", "3\nbanana\n"), ("hang", "")] {
        let shown = input.split_whitespace().collect::<Vec<_>>().join(" ");
        let run = communicate(self_command(role)?, input, args.timeout)?;
        if let Some((status, stdout, stderr)) = &run {
            event!("{role} [{shown}]: {status}, stdout {stdout:?}");
            event!("{role} [{shown}]: stderr {stderr:?}");
        } else {
            event!("{role} [{shown}]: timed out after {:?}: killed", args.timeout);
        }
        captured.push(run.map(|(status, stdout, _)| (status.success(), stdout)));
    }
    // A sorted output, a failure (with nothing on stdout), a timeout.
    let expected = [Some((true, "1\n2\n3\n".into())), Some((false, String::new())), None];
    ensure!(captured == expected, "expected a sorted output, a failure and a timeout");
    println!("check: output, failure status and timeout all captured");
    Ok(())
}
