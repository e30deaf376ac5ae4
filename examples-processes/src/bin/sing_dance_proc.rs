//! Sing and dance in two child processes: the binary runs itself again, once
//! as `sing` and once as `dance`, and each child prints its own PID.
//!
//! Mirrors the multiprocessing note (003), the notes' code word for word:
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
//! method does: start the same program again (`std::env::current_exe()`)
//! and tell it which part to play, here with a hidden `--role` flag. The role
//! is chosen first thing in `main`: that `match` is the analogue of the note's
//! `if __name__ == "__main__":` guard, which keeps a child that re-imports the
//! main module from starting processes of its own. `args=(3, )` and
//! `kwargs={'num': 3}` become the child's command line (`--num 3`). The note
//! says the main process waits for its children before it ends
//! (主进程会等待子进程执行结束以后才结束); Rust does not wait by itself, so
//! main waits for both explicitly (added here), and a child still running on
//! an error path is killed by its guard (`KillOnDrop`).
//!
//! Run it:
//!
//! ```text
//! cargo run -p examples-processes --bin sing_dance_proc
//! cargo run -p examples-processes --bin sing_dance_proc -- --num 5 --interval 0.2
//! cargo run -p examples-processes --bin sing_dance_proc -- --spans /tmp/sing_dance.jsonl
//! ```
//!
//! You should see `main` start `sing` and `dance` with their PIDs, then each
//! child say which PID it runs in and print its line 3 times (sing's and
//! dance's lines interleave; which comes first in a round varies), then
//! `check: 3 processes, 3 distinct PIDs`. The children run on main's clock
//! (`self_command` passes it on), so all the lines read as one timeline.
//! With `--spans FILE`, each child records every line it prints, from the
//! print to the end of its sleep, as a span on its own row (`sing (pid P)`,
//! `dance (pid P)`, labelled `唱歌......` / `跳舞......`) and appends them to
//! FILE, in one write, as it exits; main created FILE first thing and writes
//! its own (none) after reaping both: `num` spans per row, on main's clock.

use std::path::PathBuf;
use std::process::id as pid;
use std::thread;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::{Parser, ValueEnum};
use examples_processes::child::{KillOnDrop, self_command};
use examples_processes::secs;
use shared::event_as;
use shared::spans::{SpanFile, span_as};

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
    /// Write who ran when to FILE (JSON lines, one span per line printed).
    #[arg(long, value_name = "FILE")]
    spans: Option<PathBuf>,
    /// Which part this process plays; set only by the parent for its children.
    #[arg(long, hide = true)]
    role: Option<Role>,
}

#[derive(Clone, Copy, ValueEnum)]
enum Role {
    Sing,
    Dance,
}

/// The note's `sing(num)` and `dance(num)`, each in its own process.
fn perform(role: Role, num: u32, interval: Duration) {
    let (who, line) = match role {
        Role::Sing => ("sing", "唱歌......"),
        Role::Dance => ("dance", "跳舞......"),
    };
    event_as!(who, "running in pid {}", pid());
    let row = format!("{who} (pid {})", pid());
    for _ in 0..num {
        let _span = span_as(&row, line); // recorded only under --spans
        event_as!(who, "{line}");
        thread::sleep(interval);
    }
}

fn main() -> Result<()> {
    shared::quiet_backtraces();
    shared::timing::epoch();
    let args = Args::parse();
    // In main: creates --spans FILE now (a bad path fails before any child
    // starts). In a child: records into its parent's FILE, if it shares one.
    let spans = SpanFile::create(args.spans.as_deref())?;
    // The guard's analogue: a child plays its part and returns here.
    if let Some(role) = args.role {
        perform(role, args.num, args.interval);
        return spans.finish(); // appends this child's spans, in one write
    }

    event_as!("main", "main process pid {}", pid());
    let start = |role: &str| -> Result<KillOnDrop> {
        let mut cmd = self_command(role)?;
        cmd.args(["--num", &args.num.to_string()])
            .args(["--interval", &args.interval.as_secs_f64().to_string()]);
        let child = cmd
            .spawn()
            .with_context(|| format!("cannot start {role}"))?;
        event_as!("main", "started {role}_process: pid {}", child.id());
        Ok(KillOnDrop(child))
    };
    let mut sing_process = start("sing")?;
    let mut dance_process = start("dance")?;

    for (name, p) in [("sing", &mut sing_process), ("dance", &mut dance_process)] {
        let status = p
            .wait()
            .with_context(|| format!("cannot wait for {name}"))?;
        if !status.success() {
            bail!("{name}_process failed: {status}");
        }
        event_as!("main", "{name}_process (pid {}) exited: {status}", p.id());
    }
    let mut pids = vec![pid(), sing_process.id(), dance_process.id()];
    pids.sort_unstable();
    pids.dedup();
    if pids.len() != 3 {
        bail!("expected 3 distinct PIDs, got {pids:?}");
    }
    println!("check: 3 processes, 3 distinct PIDs");
    spans.finish() // both children have written theirs: they were reaped
}
