//! Four processes add 1 to a counter kept in a file, 1,000 times each. Without
//! a lock updates are lost; with an OS file lock around each
//! read-modify-write, none are.
//!
//! The multiprocessing note (001), word for word: `from multiprocessing import
//! Lock` / `lock = Lock()` / `with lock:` / `# do something`. std has no lock
//! shared between processes, but every OS locks files: `fs4::FileExt::lock`
//! (`flock(2)` on Unix, `LockFileEx` on Windows) blocks while another process
//! holds the lock on that file; `unlock`, or the holder's exit, releases it.
//! (Rust 1.89 added `File::lock` to std; this workspace supports 1.88, hence
//! fs4, called as `FileExt::lock(&file)` so newer compilers keep to it.)
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

use std::fs::File;
use std::io::{Seek, Write};
use std::{thread, time::Duration};

use anyhow::{Result, ensure};
use clap::{Parser, ValueEnum};
use examples_processes::TempFile;
use examples_processes::child::{self, self_command};
use fs4::FileExt;
use shared::event; // `event!` = println with the elapsed time and the thread's name (shared/src/timing.rs)

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
    /// Microseconds between reading the number and writing it back (widens the race).
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u64).range(0..=100_000))]
    window_us: u64,
    /// Run only one of the two (default: without the lock, then with it).
    #[arg(long, value_enum)]
    mode: Option<Mode>,
    /// Set only by the parent for its workers: no-lock or lock.
    #[arg(long, hide = true)]
    role: Option<String>,
}

#[derive(Clone, Copy, PartialEq, ValueEnum)]
enum Mode {
    NoLock,
    Lock,
}

/// A worker process: `increments` times, read-modify-write the counter file.
fn worker(lock: bool, increments: u64, window: Duration) -> Result<()> {
    let path = child::wait_for_go()?; // the file's path is the "go": all start together (src/child.rs)
    let mut f = File::options().read(true).write(true).open(path)?;
    for _ in 0..increments {
        if lock {
            FileExt::lock(&f)?; // `with lock:` begins (blocks while another process holds it)
        }
        f.rewind()?;
        let n: u64 = std::io::read_to_string(&mut f)?.trim().parse()?; // read
        thread::sleep(window);
        f.rewind()?;
        writeln!(f, "{:020}", n + 1)?; // modify, write (fixed width: every byte a digit)
        if lock {
            FileExt::unlock(&f)?; // `with lock:` ends
        }
    }
    Ok(())
}

/// One run: `processes` workers on a fresh counter file; returns the count.
fn run(args: &Args, lock: bool) -> Result<u64> {
    let file = TempFile::new("process_lock", ".txt"); // removed on every return
    std::fs::write(&file.0, format!("{:020}\n", 0))?;
    let mut cmd = self_command(if lock { "lock" } else { "no-lock" })?;
    cmd.args(["--increments", &args.increments.to_string()]);
    cmd.args(["--window-us", &args.window_us.to_string()]);
    // Each worker is killed if we fail; all are sent the file's path at once (src/child.rs).
    for mut w in child::start_together(&mut cmd, args.processes, &file.0.display().to_string())? {
        let status = w.wait()?;
        ensure!(status.success(), "worker {} failed: {status}", w.id());
        event!("worker pid {} done: {} increments", w.id(), args.increments);
    }
    Ok(std::fs::read_to_string(&file.0)?.trim().parse()?)
}

fn main() -> Result<()> {
    let _run = shared::init()?; // quiet errors, one clock for parent and workers (shared/src/lib.rs)
    let args = Args::parse();
    // The `if __name__ == "__main__":` guard: a worker does its increments and exits.
    if let Some(role) = &args.role {
        return worker(role == "lock", args.increments, Duration::from_micros(args.window_us));
    }
    let expected = u64::from(args.processes) * args.increments;
    let modes = args.mode.map_or(vec![Mode::NoLock, Mode::Lock], |only| vec![only]);
    for lock in modes.into_iter().map(|mode| mode == Mode::Lock) {
        let count = run(&args, lock)?;
        let lost = i128::from(expected) - i128::from(count);
        let label = if lock { "file lock" } else { "no lock" };
        println!("{label}: counter = {count}, expected {expected}: lost {lost} updates");
        if lock {
            ensure!(lost == 0, "updates were lost under the lock");
            println!("check: with the file lock no update was lost");
        }
    }
    Ok(())
}
