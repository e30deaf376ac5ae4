//! Two named threads run at the same time: `sing` and `dance` interleave.
//!
//! Mirrors the notes' first thread example (notes/003_d0b3d7c6892ba864.txt),
//! word for word:
//!
//! ```text
//! def sing(num):
//!     for i in range(num):
//!         print("唱歌......")
//!         time.sleep(0.5)
//! ...
//!     sing_thread = threading.Thread(target=sing, args=(3, ))
//!     dance_thread = threading.Thread(target=dance, kwargs={'num': 3})
//!
//!     sing_thread.start()
//!     dance_thread.start()
//! ```
//!
//! (唱歌 is "singing"; `dance` is the same with `print("跳舞......")`,
//! "dancing"; `...` marks lines left out here). In Rust a
//! `move` closure replaces `target`, `args` and `kwargs`: it captures what the
//! function needs. Naming the threads (`thread::Builder::name`, Python's
//! `name=`), numbering the lines and the `--iterations` / `--interval` flags
//! are added here.
//!
//! The note never joins, and in Python it need not: the interpreter waits for
//! every non-daemon thread before it exits (notes/002_bdfb11ea434acb50.txt:
//! 執行緒預設要完全執行完畢才會結束, "by default a thread runs all the way to
//! its end before it ends").
//! Rust does not wait: when `main` returns the process exits and kills the
//! threads still running. So the Rust version must `join()` both (added here).
//!
//! `--spans FILE` (added here, for `compare timeline`) writes one JSON line
//! per sing or dance line (`shared::spans`), from the line to the end of
//! its sleep, on rows `sing` and `dance`.
//!
//! Run it:
//!
//! ```text
//! cargo run -p examples-threads --bin sing_dance
//! cargo run -p examples-threads --bin sing_dance -- --iterations 5 --interval 0.2
//! cargo run -p examples-threads --bin sing_dance -- --spans /tmp/spans.jsonl
//! ```
//!
//! You should see `sing` and `dance` lines in rounds, one each per round every
//! `--interval` seconds; which of the two speaks first within a round varies
//! between runs (notes/003: 线程之间的执行是无序的，是由 CPU 调度决定的,
//! "the order in which threads run is not fixed; the CPU's scheduling decides
//! it"). Then
//! `sing and dance, cost = 1.5xx seconds`: about iterations x interval, not
//! twice that, because the two threads sleep at the same time. With
//! `--spans`, the file holds `sing 1/3`.. on row `sing` and `dance 1/3`.. on
//! row `dance`, each row's one after another, the two rows side by side.

use std::path::PathBuf;
use std::thread;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::Parser;
use shared::event;
use shared::spans::{SpanFile, span};
use shared::timing::Stopwatch;
use shared::workload::secs_arg;

/// Two threads, `sing` and `dance`, running side by side.
#[derive(Parser)]
#[command(allow_negative_numbers = true)] // `-1` is a value to refuse, not a flag
struct Args {
    /// How many times each thread sings or dances (the note's `num`).
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=1000))]
    iterations: u32,
    /// Seconds each thread sleeps after each line (0 to 3600).
    #[arg(long, default_value = "0.5", value_parser = secs_arg)]
    interval: Duration,
    /// Write who ran what when to FILE, one JSON line per span (`shared::spans`).
    #[arg(long, value_name = "FILE")]
    spans: Option<PathBuf>,
}

/// The note's `sing(num)`; `event!` is a `println!` that adds the time and the
/// thread's name (`[  0.501s sing] ...`).
fn sing(num: u32, interval: Duration) {
    for i in 1..=num {
        let _span = span(format_args!("sing {i}/{num}")); // until the sleep ends
        event!("唱歌...... (singing {i}/{num})");
        thread::sleep(interval);
    }
}

/// The note's `dance(num)`.
fn dance(num: u32, interval: Duration) {
    for i in 1..=num {
        let _span = span(format_args!("dance {i}/{num}"));
        event!("跳舞...... (dancing {i}/{num})");
        thread::sleep(interval);
    }
}

fn main() -> Result<()> {
    shared::quiet_backtraces();
    shared::timing::epoch();
    let args = Args::parse();
    let spans = SpanFile::create(args.spans.as_deref())?; // a bad path fails now
    let (num, interval) = (args.iterations, args.interval);

    let sw = Stopwatch::start();
    event!("starting two threads");
    // threading.Thread(target=sing, args=(3, ))
    let sing_thread = thread::Builder::new()
        .name("sing".into())
        .spawn(move || sing(num, interval))
        .context("cannot spawn the sing thread")?;
    // threading.Thread(target=dance, kwargs={'num': 3})
    let dance_thread = thread::Builder::new()
        .name("dance".into())
        .spawn(move || dance(num, interval))
        .context("cannot spawn the dance thread")?;

    // Not in the note: without these joins main would return now and the
    // process would end, killing both threads mid-song.
    // join() is Err only if the thread panicked; unwrap() passes that panic
    // on, since a panicking worker is a bug here, not bad input.
    sing_thread.join().unwrap();
    dance_thread.join().unwrap();
    event!("both threads joined");
    // ~ num x interval: the two sleeps overlap instead of adding up.
    sw.report("sing and dance");
    spans.finish()
}
