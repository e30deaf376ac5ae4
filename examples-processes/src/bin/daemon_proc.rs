//! A child process outlives its parent unless someone ends it: std's `Child`
//! neither waits nor kills when dropped. A guard whose `Drop` kills and reaps
//! the child is Rust's `daemon=True`.
//!
//! The multiprocessing note (003): 主进程会等待子进程执行结束以后才结束，
//! 可以设置 daemon=True 守护主进程，使得主进程执行结束以后，子进程自动销毁，程序结束
//! ("the main process waits for its children to finish before it ends; set
//! daemon=True and the children are destroyed when the main process ends").
//! Python has two behaviours and Rust a third:
//!
//! - `--mode kill` (default, `daemon=True`): the worker is wrapped in `Daemon`
//!   below, whose `drop` kills and reaps it, when `main` returns or fails;
//! - `--mode join` (Python's default, `daemon=False`): main waits for it;
//! - `--mode detach` (Rust's default): the `Child` is dropped and nothing
//!   happens; the worker runs on, orphaned, after main has returned.
//!
//! ```text
//! cargo run -p examples-processes --bin daemon_proc
//! cargo run -p examples-processes --bin daemon_proc -- --mode join --worker-secs 2
//! cargo run -p examples-processes --bin daemon_proc -- --mode detach --worker-secs 2
//! ```
//!
//! You should see (kill) a step or two from `worker`, then `main` returning and
//! its guard killing the worker (`signal: 9 (SIGKILL)` on Unix): no `worker
//! finished`. With `join` all 10 steps and `worker finished` come before main's
//! `worker exited`; with `detach` the worker's later steps and `worker
//! finished` come after main's last line (and after your shell's prompt).

use std::process::Child;
use std::thread;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::{Parser, ValueEnum};
use examples_processes::child::self_command;
use examples_processes::secs;
use shared::event_as; // println with the elapsed time and a given name (shared/src/timing.rs)

/// A long worker process and a main that ends first.
#[derive(Parser)]
#[command(allow_negative_numbers = true)] // `-1` is a value to refuse, not a flag
struct Args {
    /// How long the worker would run, in seconds (10 steps; 0 to 3600).
    #[arg(long, default_value = "10", value_parser = secs)]
    worker_secs: Duration,
    /// How long main keeps busy before it returns, in seconds (0 to 3600).
    #[arg(long, default_value = "1", value_parser = secs)]
    main_secs: Duration,
    /// What happens to the worker when main is done.
    #[arg(long, value_enum, default_value_t = Mode::Kill)]
    mode: Mode,
    /// Set only by the parent for its child.
    #[arg(long, hide = true)]
    role: Option<String>,
}

#[derive(Clone, Copy, ValueEnum)]
enum Mode {
    /// daemon=True: killed when main returns (or fails).
    Kill,
    /// daemon=False, Python's default: main waits for it.
    Join,
    /// Rust's default: dropped, not killed, the worker runs on.
    Detach,
}

/// Rust's `daemon=True`: the child dies with this value.
struct Daemon(Child);

impl Drop for Daemon {
    fn drop(&mut self) {
        if let Ok(Some(_)) = self.0.try_wait() {
            return; // it has ended (and is now reaped): nothing to kill
        }
        let _ = self.0.kill(); // SIGKILL on Unix, TerminateProcess on Windows; fails only if it just ended
        match self.0.wait() {
            // wait() reaps it: no zombie left behind
            Ok(status) => event_as!("main", "drop: killed worker {}: {status}", self.0.id()),
            Err(e) => eprintln!("cannot reap worker {}: {e}", self.0.id()),
        }
    }
}

fn worker(total: Duration) {
    event_as!("worker", "running in pid {}", std::process::id());
    for i in 1..=10 {
        event_as!("worker", "step {i}/10");
        thread::sleep(total / 10);
    }
    event_as!("worker", "worker finished");
}

fn main() -> Result<()> {
    let _run = shared::init()?; // quiet errors, one clock for parent and child (shared/src/lib.rs)
    let args = Args::parse();
    // The `if __name__ == "__main__":` guard: the child plays the worker.
    if args.role.is_some() {
        worker(args.worker_secs);
        return Ok(());
    }
    let mut cmd = self_command("worker")?;
    cmd.args(["--worker-secs", &args.worker_secs.as_secs_f64().to_string()]);
    let mut child = cmd.spawn().context("cannot start the worker")?;
    event_as!("main", "started worker {}", child.id());
    thread::sleep(args.main_secs);
    match args.mode {
        Mode::Kill => {
            let _worker = Daemon(child); // dropped at the end of this block: the guard kills it
            event_as!("main", "main returns: the guard kills the worker (daemon=True)");
        }
        Mode::Join => {
            event_as!("main", "waiting for the worker (daemon=False)");
            let status = child.wait().context("cannot wait for the worker")?;
            event_as!("main", "worker exited: {status}");
        }
        // `child` is dropped when main returns: no kill, no wait, std's Child just lets go.
        Mode::Detach => event_as!("main", "main returns; the worker runs on without it"),
    }
    Ok(())
}
