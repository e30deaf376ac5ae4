//! Threads and processes cannot be cancelled, only asked (added here: the
//! notes cancel only the spinner). A worker process writes records to a
//! file, each in two halves around a unit of work. Asked to stop (a line on
//! its stdin, checked between records, as `stop_pause` checks its flag), it
//! finishes the record in hand and writes its count. Killed (`Child::kill`:
//! SIGKILL on Unix, `TerminateProcess` on Windows; Python's `terminate()` is
//! SIGTERM), it stops mid-record: the file ends in half a record, no count.
//!
//! The notes (002): 若要停止執行緒，需自行實作，讓執行緒跑完應有的流程。 ("To stop
//! a thread you must implement it yourself, letting the thread run through
//! its proper flow.") A thread has no kill at all, in Rust or in Python: one
//! killed mid-step would leave its locks held, its destructors unrun and the
//! memory it shares half-updated, in a process that goes on. A killed process
//! shares only files and pipes; the OS takes back the rest, as shown here.
//!
//! Run: `cargo run -p examples-processes --bin stop_forced`
//!
//! You should see, for `ask`, the worker's `record 1` and `record 2: half
//! written`, main's `ask: a line on its stdin`, the worker's exit status 0
//! and its file: two whole records and `count: 2 records`; for `kill`, the
//! same start, main's `kill: Child::kill`, `signal: 9 (SIGKILL)`, and the
//! file: one whole record and `record 2: first half,`; then `check:`.

use std::io::{BufRead, BufReader, Write};
use std::{fs::File, path::Path, process::Child, process::Stdio, thread, time::Duration};

use anyhow::{Context, Result, ensure};
use clap::Parser;
use examples_processes::{TempFile, child::KillOnDrop, child::self_command, child::stop_signal};

/// A worker process asked to stop, then one killed: what each leaves in its file
#[derive(Parser)]
struct Args {
    /// Set only by the parent for its child: the file the worker writes.
    #[arg(long, hide = true)]
    role: Option<String>,
}

fn worker(file: &Path) -> Result<()> {
    // A line on stdin (or its end) is the parent asking; File is unbuffered: each write! is in the file at once.
    let (stop, mut out, mut records) = (stop_signal(), File::create(file)?, 0);
    while stop.try_recv().is_err() {
        records += 1; // asked? checked between records only
        write!(out, "record {records}: first half,")?;
        shared::event_as!("worker", "record {records}: half written");
        thread::sleep(Duration::from_millis(200)); // the work: a kill lands here, mid-record
        writeln!(out, " second half")?;
    }
    Ok(writeln!(out, "count: {records} records")?) // what a killed worker never writes
}

/// Starts a worker and stops it (`how`) half-way through record 2; the file's last line.
fn run(name: &str, how: &str, stop: impl Fn(&mut Child) -> std::io::Result<()>) -> Result<String> {
    let file = TempFile::new("stop_forced", ".txt"); // removed when dropped
    let mut cmd = self_command(&file.0.to_string_lossy())?; // `--role FILE`
    let mut child = KillOnDrop(cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).spawn()?);
    let lines = BufReader::new(child.stdout.take().context("no pipe")?).lines();
    for line in lines.map_while(Result::ok) {
        println!("{line}"); // the worker's event lines, passed on
        if line.ends_with("record 2: half written") {
            shared::event_as!("main", "{name}: {how}");
            stop(&mut child)?; // here `child` is a KillOnDrop: `&mut` gives the Child inside
        }
    }
    shared::event_as!("main", "worker exited: {}", child.wait()?);
    let text = std::fs::read_to_string(&file.0)?;
    text.lines().for_each(|l| shared::event_as!("main", "file: {l:?}"));
    Ok(text.lines().last().unwrap_or_default().to_string())
}

fn main() -> Result<()> {
    let _run = shared::init()?; // quiet errors, one clock for parent and child (shared/src/lib.rs)
    if let Some(file) = Args::parse().role {
        return worker(Path::new(&file)); // the `if __name__ == "__main__"` guard: the child
    }
    let ask = |c: &mut Child| c.stdin.as_mut().map_or(Ok(()), |stdin| writeln!(stdin));
    let asked = run("ask", "a line on its stdin", ask)?;
    let killed = run("kill", "Child::kill", Child::kill)?;
    ensure!(asked == "count: 2 records" && killed == "record 2: first half,", "{asked}, {killed}");
    println!("check: asked, 2 whole records and the count; killed, half of record 2 and no count");
    Ok(())
}
