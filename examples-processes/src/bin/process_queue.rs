//! A typed message crosses a pipe to a child process and comes back: the
//! value is serialised to one line of JSON each way.
//!
//! The multiprocessing note (001), word for word:
//!
//! ```text
//! from multiprocessing import Queue
//! q = Queue()
//! q.put([42, None, 'hello'])
//! item = q.get()
//! ```
//!
//! `multiprocessing.Queue` pickles what you `put` and sends it through a pipe
//! to the other process, where `get` unpickles it. Here the pipe is the
//! child's stdin (parent to child) and stdout (child to parent), and the
//! pickle is `serde_json`. Unlike the pickle, the type is checked on arrival:
//! a line that is not an `Item` is an error, not a surprise later. The child
//! puts the item back; the parent checks it came back equal (added here).
//! Closing the child's stdin ends it, as Python's `q.put(None)` sentinel.
//!
//! ```text
//! cargo run -p examples-processes --bin process_queue
//! ```
//!
//! You should see main put `Item(42, None, "hello")` and the JSON line it
//! became, the child (on stderr: its stdout is the pipe) get it and put it
//! back, main get it back, the child exit, then `check: the item came back
//! unchanged`.

use std::io::BufReader;
use std::process::Stdio;

use anyhow::{Context, Result, ensure};
use clap::Parser;
use examples_processes::child::{KillOnDrop, recv, self_command, send};
use serde::{Deserialize, Serialize};
use shared::event_as; // println with the elapsed time and a given name (shared/src/timing.rs)
use shared::timing::event_line;

/// A message to a child process and back.
#[derive(Parser)]
struct Args {
    /// Set only by the parent for its child.
    #[arg(long, hide = true)]
    role: Option<String>,
}

/// The note's `[42, None, 'hello']`, typed: serde writes a tuple struct as a
/// JSON array, so it crosses as `[42,null,"hello"]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Item(i64, Option<String>, String);

/// The child: `item = q.get()`, then put it back, until the pipe closes.
fn child() -> Result<()> {
    let mut from_parent = BufReader::new(std::io::stdin());
    while let Some(item) = recv::<Item>(&mut from_parent)? {
        let msg = format!("pid {} got {item:?}; putting it back", std::process::id());
        eprintln!("{}", event_line("child", msg)); // stdout is the pipe
        send(&mut std::io::stdout(), &item)?;
    }
    Ok(())
}

fn main() -> Result<()> {
    let _run = shared::init()?; // quiet errors, one clock for parent and child (shared/src/lib.rs)
    let args = Args::parse();
    // The `if __name__ == "__main__":` guard: the child plays its part.
    if args.role.is_some() {
        return child();
    }
    let mut cmd = self_command("child")?;
    let mut child = KillOnDrop(cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).spawn()?);
    event_as!("main", "started the child: pid {}", child.id());
    let mut to_child = child.stdin.take().context("no pipe to the child")?;
    let mut from_child = BufReader::new(child.stdout.take().context("no pipe from the child")?);

    let item = Item(42, None, "hello".into());
    event_as!("main", "put {item:?} as the line {}", serde_json::to_string(&item)?);
    send(&mut to_child, &item)?; // q.put([42, None, 'hello'])
    let back: Item = recv(&mut from_child)?.context("the child closed its pipe")?; // item = q.get()
    event_as!("main", "got back {back:?}");

    drop(to_child); // the end of the stream: the child's loop ends
    let status = child.wait().context("cannot wait for the child")?;
    event_as!("main", "child exited: {status}");
    ensure!(status.success(), "the child failed: {status}");
    ensure!(back == item, "sent {item:?} but got back {back:?}");
    println!("check: the item came back unchanged");
    Ok(())
}
