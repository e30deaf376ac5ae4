//! Sing and dance in two child processes: the binary runs itself again, once
//! as `sing` and once as `dance`, and each child prints its own PID.
//!
//! The multiprocessing note (003), word for word:
//!
//! ```text
//! sing_process = multiprocessing.Process(target=sing, args=(3, ))
//! dance_process = multiprocessing.Process(target=dance, kwargs={'num': 3})
//! sing_process.start()
//! dance_process.start()
//! ```
//!
//! where `sing` prints `唱歌......` ("singing......") and `dance` prints
//! `跳舞......` ("dancing......") `num` times, 0.5 s apart. Rust cannot start a
//! function in a new process, so it does what multiprocessing's *spawn* start
//! method does: start the same program again (`std::env::current_exe()`) and
//! tell it which part to play, here with a hidden `--role` flag.
//!
//! ```text
//! cargo run -p examples-processes --bin sing_dance_proc
//! cargo run -p examples-processes --bin sing_dance_proc -- --num 5 --interval 0.2
//! ```
//!
//! You should see `main` start `sing` and `dance` with their PIDs, then each
//! child say which PID it runs in and print its line 3 times (sing's and
//! dance's lines interleave; which comes first in a round varies), both exits,
//! then `check: 3 processes, 3 distinct PIDs`. The children run on main's
//! clock, so all the lines read as one timeline.

use std::process::id as pid;
use std::thread;
use std::time::Duration;

use anyhow::{Context, Result, ensure};
use clap::Parser;
use examples_processes::child::{KillOnDrop, self_command};
use examples_processes::secs;
use shared::event_as; // println with the elapsed time and a given name (shared/src/timing.rs)

/// Sing and dance in two child processes.
#[derive(Parser)]
#[command(allow_negative_numbers = true)] // `-1` is a value to refuse, not a flag
struct Args {
    /// How many lines each child prints (the note's `num`).
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=100))]
    num: u32,
    /// Seconds between a child's lines (0 to 3600).
    #[arg(long, default_value = "0.5", value_parser = secs)]
    interval: Duration,
    /// Set only by the parent for its children: sing or dance.
    #[arg(long, hide = true)]
    role: Option<String>,
}

/// The note's `sing(num)` and `dance(num)`, each in its own process.
fn perform(who: &str, line: &str, num: u32, interval: Duration) -> Result<()> {
    event_as!(who, "running in pid {}", pid());
    for _ in 0..num {
        event_as!(who, "{line}");
        thread::sleep(interval);
    }
    Ok(())
}

fn main() -> Result<()> {
    let _run = shared::init()?; // quiet errors, one clock for parent and children (shared/src/lib.rs)
    let args = Args::parse();
    // The `if __name__ == "__main__":` guard: it keeps a child, which runs
    // this same main, from starting processes of its own.
    match args.role.as_deref() {
        Some("sing") => return perform("sing", "唱歌......", args.num, args.interval),
        Some(_) => return perform("dance", "跳舞......", args.num, args.interval),
        None => {} // main
    }
    event_as!("main", "main process pid {}", pid());
    // Process(target=..., args=(3, )).start(): the arguments become flags.
    let start = |role: &str| -> Result<KillOnDrop> {
        let mut cmd = self_command(role)?;
        cmd.args(["--num", &args.num.to_string()]);
        cmd.args(["--interval", &args.interval.as_secs_f64().to_string()]);
        let child = cmd.spawn().context("cannot start a child")?;
        event_as!("main", "started {role}_process: pid {}", child.id());
        Ok(KillOnDrop(child)) // killed if main fails before it ends
    };
    let mut sing_process = start("sing")?;
    let mut dance_process = start("dance")?;
    // Python's main waits for its children at exit; Rust's does not: wait here.
    for (name, p) in [("sing", &mut sing_process), ("dance", &mut dance_process)] {
        let status = p.wait()?;
        ensure!(status.success(), "{name}_process failed: {status}");
        event_as!("main", "{name}_process (pid {}) exited: {status}", p.id());
    }
    let (sing, dance) = (sing_process.id(), dance_process.id());
    ensure!(sing != dance && pid() != sing && pid() != dance, "3 PIDs expected");
    println!("check: 3 processes, 3 distinct PIDs");
    Ok(())
}
