//! A typed message crosses a pipe to a child process and comes back: the
//! value is serialised to one line of JSON each way.
//!
//! Mirrors the multiprocessing note (001), the notes' code word for word:
//!
//! ```text
//! from multiprocessing import Queue
//! q = Queue()
//! q.put([42, None, 'hello'])
//! item = q.get()
//! ```
//!
//! `multiprocessing.Queue` pickles what you `put` and sends it through a pipe
//! to the other process, where `get` unpickles it. Here the pipe is the child's
//! stdin (parent to child) and stdout (child to parent), and the pickle is
//! `serde_json`: `Item` is a tuple struct, which serde writes as a JSON array,
//! so the note's list crosses as `[42,null,"hello"]`, `None` as `null`. Unlike
//! the pickle, the type is checked on arrival: a line that is not an `Item`
//! is an error, not a surprise later. The child gets the item, logs it (to
//! stderr: its stdout is the pipe) and puts it back; the parent checks that
//! what came back equals what it sent (the round trip is added here).
//!
//! The child is this binary run again with `--role child` (chosen first thing
//! in `main`, the analogue of the `if __name__ == "__main__"` guard); it ends
//! when the parent closes its stdin, Python's `q.put(None)` sentinel.
//!
//! Run it:
//!
//! ```text
//! cargo run -p examples-processes --bin process_queue
//! ```
//!
//! You should see main put `Item(42, None, "hello")` and the JSON line it
//! became, the child (on stderr) get it and put it back, main get it back,
//! the child exit, then `check: the item came back unchanged`.

use std::io::{BufReader, stdin, stdout};
use std::process::Stdio;

use anyhow::{Context, Result, bail};
use clap::{Parser, ValueEnum};
use examples_processes::child::{KillOnDrop, recv, self_command, send};
use serde::{Deserialize, Serialize};
use shared::event_as;
use shared::timing::event_line;

/// A message to a child process and back.
#[derive(Parser)]
#[command(allow_negative_numbers = true)] // `-1` is a value to refuse, not a flag
struct Args {
    /// Set only by the parent for its child.
    #[arg(long, hide = true)]
    role: Option<Role>,
}

#[derive(Clone, Copy, ValueEnum)]
enum Role {
    Child,
}

/// The note's `[42, None, 'hello']`, typed: on the wire `[42,null,"hello"]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Item(i64, Option<String>, String);

/// The child: `item = q.get()`, then put it back, until the pipe closes.
fn child() -> Result<()> {
    let (mut from_parent, mut to_parent) = (BufReader::new(stdin()), stdout());
    while let Some(item) = recv::<Item>(&mut from_parent)? {
        let pid = std::process::id();
        eprintln!(
            "{}",
            event_line("child", format!("pid {pid} got {item:?}; putting it back"))
        );
        send(&mut to_parent, &item)?;
    }
    Ok(())
}

fn main() -> Result<()> {
    shared::quiet_backtraces();
    shared::timing::epoch();
    let args = Args::parse();
    if let Some(Role::Child) = args.role {
        return child();
    }

    let mut child = KillOnDrop(
        self_command("child")?
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .context("cannot start the child")?,
    );
    event_as!("main", "started the child: pid {}", child.id());
    let mut to_child = child.stdin.take().context("no pipe to the child")?;
    let mut from_child = BufReader::new(child.stdout.take().context("no pipe from the child")?);

    let item = Item(42, None, "hello".into());
    event_as!(
        "main",
        "put {item:?} as the line {}",
        serde_json::to_string(&item)?
    );
    send(&mut to_child, &item)?; // q.put([42, None, 'hello'])
    let back: Item = recv(&mut from_child)?.context("the child closed its pipe")?;
    event_as!("main", "got back {back:?}");

    drop(to_child); // end of the stream: the child's loop ends
    let status = child.wait().context("cannot wait for the child")?;
    event_as!("main", "child exited: {status}");
    if !status.success() {
        bail!("the child failed: {status}");
    }
    if back != item {
        bail!("sent {item:?} but got back {back:?}");
    }
    println!("check: the item came back unchanged");
    Ok(())
}
