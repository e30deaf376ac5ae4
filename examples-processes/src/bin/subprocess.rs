//! Running another program with `std::process::Command`: feed it input
//! through a pipe, capture its stdout, stderr and exit status, and kill it
//! if it runs past a timeout.
//!
//! Mirrors `subprocess.run(cmd, input=..., capture_output=True, timeout=...)`,
//! that is `Popen(...).communicate(input, timeout)`. The note (002) says only
//! subprocess 模組可以在執行 Python 程式的過程中產生新的子行程 ("the subprocess
//! module starts new child processes while a Python program runs"); the
//! three runs are added here. std gives the parts; `communicate` below puts
//! them together: a thread writes the input and closes the pipe (the end of
//! the input), two threads read stdout and stderr (reading only after the
//! exit could deadlock once a pipe's buffer fills), and the parent polls
//! `try_wait` until the deadline, then kills and reaps the child (CPython's
//! `Popen.wait(timeout)` polls the same way on Unix).
//!
//! The "external program" is this binary again with `--role sort` (a numeric
//! sort) or `--role hang`, so it behaves the same on Linux, macOS and Windows
//! and fails or hangs on demand; for a real one, `Command::new("sort")`.
//!
//! ```text
//! cargo run -p examples-processes --bin subprocess
//! cargo run -p examples-processes --bin subprocess -- --timeout 0.5
//! ```
//!
//! You should see three runs, in this order: `sort [3 1 2]: exit status: 0,
//! stdout "1\n2\n3\n"`; `sort [3 banana]: exit status: 1` with the sort's
//! error on its stderr; `hang []: timed out after 1s: killed`. Then the check.

use std::io::{Read, Write, stdin};
use std::process::{Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::{Parser, ValueEnum};
use examples_processes::child::{KillOnDrop, self_command};
use examples_processes::positive_secs;
use shared::event_as;

/// Pipe data through a child program, with a timeout.
#[derive(Parser)]
#[command(allow_negative_numbers = true)] // `-1` is a value to refuse, not a flag
struct Args {
    /// Seconds a child may run before it is killed (more than 0, at most 3600).
    #[arg(long, default_value = "1", value_parser = positive_secs)]
    timeout: Duration,
    /// Set only by the parent for its children.
    #[arg(long, hide = true)]
    role: Option<Role>,
}

#[derive(Clone, Copy, ValueEnum)]
enum Role {
    /// Sorts the numbers on stdin, one per line.
    Sort,
    /// Never finishes.
    Hang,
}

/// What a finished child left: its status and everything it printed.
struct Output {
    status: ExitStatus,
    stdout: String,
    stderr: String,
}

/// `Popen(cmd).communicate(input, timeout)`: `None` if it was killed.
fn communicate(mut cmd: Command, input: &str, timeout: Duration) -> Result<Option<Output>> {
    let deadline = Instant::now() + timeout;
    let pipes = (Stdio::piped(), Stdio::piped(), Stdio::piped());
    let spawned = cmd.stdin(pipes.0).stdout(pipes.1).stderr(pipes.2).spawn();
    let mut child = KillOnDrop(spawned.context("cannot start the child")?);
    let mut to_child = child.stdin.take().context("no stdin pipe")?;
    let input = input.to_owned();
    // A child that exits without reading it all breaks the pipe: not our error.
    let writer = thread::spawn(move || to_child.write_all(input.as_bytes()));
    let read_all = |mut pipe: Box<dyn Read + Send>| {
        thread::spawn(move || {
            let mut text = String::new();
            pipe.read_to_string(&mut text).map(|_| text)
        })
    };
    let out = read_all(Box::new(child.stdout.take().context("no stdout pipe")?));
    let err = read_all(Box::new(child.stderr.take().context("no stderr pipe")?));
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break Some(status);
        }
        if Instant::now() >= deadline {
            child.kill()?; // subprocess.TimeoutExpired; run() kills it too
            child.wait()?;
            break None;
        }
        thread::sleep(Duration::from_millis(10));
    };
    let _ = writer.join();
    // join() is Err only if a reader panicked: a bug, so pass it on.
    let (stdout, stderr) = (out.join().unwrap()?, err.join().unwrap()?);
    Ok(status.map(|status| Output {
        status,
        stdout,
        stderr,
    }))
}

/// The child's part: a numeric sort, failing on a line that is not a number.
fn sort() -> Result<()> {
    let mut text = String::new();
    stdin().read_to_string(&mut text)?;
    let mut nums = Vec::new();
    for line in text.lines() {
        nums.push(
            line.trim()
                .parse::<i64>()
                .with_context(|| format!("not a number: {line:?}"))?,
        );
    }
    nums.sort_unstable();
    nums.iter().for_each(|n| println!("{n}"));
    Ok(())
}

fn main() -> Result<()> {
    shared::quiet_backtraces();
    shared::timing::epoch();
    let args = Args::parse();
    let timeout = args.timeout;
    match args.role {
        Some(Role::Sort) => return sort(),
        Some(Role::Hang) => loop {
            thread::sleep(Duration::from_secs(3600));
        },
        None => {}
    }

    let mut captured = Vec::new();
    for (role, input) in [("sort", "3\n1\n2\n"), ("sort", "3\nbanana\n"), ("hang", "")] {
        let shown = input.split_whitespace().collect::<Vec<_>>().join(" ");
        match communicate(self_command(role)?, input, timeout)? {
            Some(o) => {
                event_as!(
                    "main",
                    "{role} [{shown}]: {}, stdout {:?}",
                    o.status,
                    o.stdout
                );
                event_as!("main", "{role} [{shown}]: stderr {:?}", o.stderr);
                captured.push(Some((o.status.success(), o.stdout)));
            }
            None => {
                event_as!(
                    "main",
                    "{role} [{shown}]: timed out after {timeout:?}: killed"
                );
                captured.push(None);
            }
        }
    }
    let sorted = Some((true, "1\n2\n3\n".to_string()));
    if captured[0] != sorted || !matches!(captured[1], Some((false, _))) || captured[2].is_some() {
        bail!("expected a sorted output, a failure and a timeout");
    }
    println!("check: output, failure status and timeout all captured");
    Ok(())
}
