//! Four processes add 1 to a counter kept in a file, 1,000 times each. Without
//! a lock updates are lost; with an OS file lock around each
//! read-modify-write, none are.
//!
//! Mirrors the multiprocessing note (001), the notes' code word for word:
//! `from multiprocessing import Lock` / `lock = Lock()` / `with lock:` /
//! `# do something`. std has no lock shared between processes, but every OS
//! locks files: `fs4::FileExt::lock` (`flock(2)` on Unix, `LockFileEx` on
//! Windows) blocks while another process holds the lock on that file, and
//! `unlock` (or the holder's exit) releases it. Rust 1.89 added the same
//! `File::lock` to std; this workspace supports 1.88, hence fs4, called as
//! `FileExt::lock(&file)` so newer compilers do not pick std's method.
//!
//! Each worker (this binary again with `--role worker`, chosen first thing in
//! `main`: the `if __name__ == "__main__"` guard's analogue) waits for `"Go"`
//! on its stdin, so all start together; then, each time, it reads the number,
//! sleeps `--window-us` (added here: it widens the race so the loss shows on
//! every run) and writes the number plus one, zero-padded to a fixed width.
//!
//! ```text
//! cargo run -p examples-processes --bin process_lock
//! cargo run -p examples-processes --bin process_lock -- --mode no-lock --window-us 0
//! ```
//!
//! You should see 4 workers finish without the lock and `no lock: counter =
//! N, expected 4000: lost M updates` with M > 0 (M varies from run to run;
//! with `--window-us 0` it can even be 0), then 4 finish with the file lock,
//! `file lock: counter = 4000, expected 4000: lost 0 updates`, and the check.

use std::fs::{File, OpenOptions};
use std::io::{BufReader, Read, Seek, SeekFrom, Write, stdin, stdout};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::{thread, time::Duration};

use anyhow::{Context, Result, bail};
use clap::{Parser, ValueEnum};
use examples_processes::TempFile;
use examples_processes::child::{KillOnDrop, recv, self_command, send};
use fs4::FileExt;
use serde::{Deserialize, Serialize};
use shared::event_as;

/// Lost updates to a counter file, and the file lock that prevents them.
#[derive(Parser)]
#[command(allow_negative_numbers = true)] // `-1` is a value to refuse, not a flag
struct Args {
    /// Worker processes.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=64))]
    processes: u32,
    /// Increments per process.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    increments: u64,
    /// Microseconds between reading the number and writing it back.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u64).range(0..=100_000))]
    window_us: u64,
    /// Which runs to do.
    #[arg(long, value_enum, default_value_t = Mode::Both)]
    mode: Mode,
    /// Set only by the parent for its children (with --file, and --lock).
    #[arg(long, hide = true, requires = "file")]
    role: Option<Role>,
    #[arg(long, hide = true)]
    file: Option<PathBuf>,
    #[arg(long, hide = true)]
    lock: bool,
}

#[derive(Clone, Copy, PartialEq, ValueEnum)]
enum Mode {
    Both,
    NoLock,
    Lock,
}

#[derive(Clone, Copy, ValueEnum)]
enum Role {
    Worker,
}

/// Parent to worker: `"Go"`, start now. Worker to parent: finished.
#[derive(Serialize, Deserialize)]
enum Msg {
    Go,
    Done { pid: u32, increments: u64 },
}

fn read_counter(f: &mut File) -> Result<u64> {
    let mut text = String::new();
    f.seek(SeekFrom::Start(0))?;
    f.read_to_string(&mut text)?;
    text.trim()
        .parse()
        .with_context(|| format!("bad counter {text:?}"))
}

fn write_counter(f: &mut File, n: u64) -> Result<()> {
    f.seek(SeekFrom::Start(0))?;
    Ok(writeln!(f, "{n:020}")?) // fixed width: every byte a digit
}

/// The worker: `increments` times, read-modify-write the counter file.
fn worker(path: &Path, increments: u64, window: Duration, lock: bool) -> Result<()> {
    let mut f = OpenOptions::new().read(true).write(true).open(path)?;
    recv::<Msg>(&mut BufReader::new(stdin()))?.context("no go from the parent")?;
    for _ in 0..increments {
        if lock {
            FileExt::lock(&f)?; // `with lock:` begins (blocks while another holds it)
        }
        let n = read_counter(&mut f)?;
        thread::sleep(window);
        write_counter(&mut f, n + 1)?;
        if lock {
            FileExt::unlock(&f)?; // `with lock:` ends
        }
    }
    let pid = std::process::id();
    send(&mut stdout(), &Msg::Done { pid, increments })
}

/// One run: `processes` workers on a fresh counter file; returns the count.
fn run(args: &Args, lock: bool) -> Result<u64> {
    let file = TempFile::new("process_lock", ".txt"); // removed on every return
    let path = &file.0;
    write_counter(&mut File::create(path)?, 0)?;
    let mut workers = Vec::new();
    for _ in 0..args.processes {
        let (k, w) = (args.increments.to_string(), args.window_us.to_string());
        let mut cmd = self_command("worker")?;
        cmd.arg("--file").arg(path);
        cmd.args(["--increments", &k, "--window-us", &w]);
        cmd.args(lock.then_some("--lock"));
        let spawned = cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).spawn();
        workers.push(KillOnDrop(spawned.context("cannot start a worker")?));
    }
    for w in &mut workers {
        send(w.stdin.as_mut().context("no pipe")?, &Msg::Go)?; // all start together
    }
    for w in &mut workers {
        let mut from = BufReader::new(w.stdout.take().context("no pipe")?);
        let Some(Msg::Done { pid, increments }) = recv(&mut from)? else {
            bail!("worker {} failed: {}", w.id(), w.wait()?);
        };
        event_as!("main", "worker pid {pid} done: {increments} increments");
        w.wait()?;
    }
    read_counter(&mut File::open(path)?)
}

fn main() -> Result<()> {
    shared::quiet_backtraces();
    shared::timing::epoch();
    let args = Args::parse();
    let window = Duration::from_micros(args.window_us);
    if let (Some(Role::Worker), Some(file)) = (args.role, &args.file) {
        return worker(file, args.increments, window, args.lock);
    }

    let expected = u64::from(args.processes) * args.increments;
    for (lock, label) in [(false, "no lock"), (true, "file lock")] {
        if args.mode == Mode::Both || args.mode == if lock { Mode::Lock } else { Mode::NoLock } {
            let count = run(&args, lock)?;
            let lost = i128::from(expected) - i128::from(count);
            println!("{label}: counter = {count}, expected {expected}: lost {lost} updates");
            if lock && count != expected {
                bail!("updates were lost under the lock");
            }
        }
    }
    if args.mode != Mode::NoLock {
        println!("check: with the file lock no update was lost");
    }
    Ok(())
}
