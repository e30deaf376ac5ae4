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
//! "dancing"; `...` marks lines left out here.) Added here: the thread names,
//! the numbered lines, the flags and the cost line.
//!
//! Run: `cargo run -p examples-threads --bin sing_dance [-- --iterations 5 --interval 0.2]`
//!
//! You should see `sing` and `dance` lines in rounds, one each per round;
//! which of the two speaks first within a round varies between runs (notes/003:
//! 线程之间的执行是无序的，是由 CPU 调度决定的, "the order in which threads run is
//! not fixed; the CPU's scheduling decides it"). Then `sing and dance, cost =
//! 1.5xx seconds`: about iterations x interval, not twice that.

use std::{thread, time::Duration};

use clap::Parser;
use shared::{event, timing::Stopwatch, workload::secs_arg};

/// Two threads, sing and dance, side by side (threading.Thread)
#[derive(Parser)]
struct Args {
    /// How many times each thread sings or dances: the note's `num` (1 to 1000).
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=1000))]
    iterations: u32,
    /// Seconds each thread sleeps after each line: the note's 0.5 (0 to 3600).
    #[arg(long, default_value = "0.5", value_parser = secs_arg)]
    interval: Duration,
}

// ANCHOR: sing the note's sing(num): a line, a sleep, num times
fn sing(num: u32, interval: Duration) {
    for i in 1..=num {
        // `event!` = println with the time and the thread's name (shared/src/timing.rs)
        event!("唱歌...... (singing {i}/{num})");
        thread::sleep(interval);
    }
}
// ANCHOR_END: sing

// ANCHOR: dance dance(num), the same
fn dance(num: u32, interval: Duration) {
    for i in 1..=num {
        event!("跳舞...... (dancing {i}/{num})");
        thread::sleep(interval);
    }
}
// ANCHOR_END: dance

// ANCHOR: main main: both threads started (args / kwargs), then waited for
fn main() -> anyhow::Result<()> {
    let _run = shared::init()?; // one-line errors and the clock of `event!` (shared/src/lib.rs)
    let args = Args::parse();
    let (num, interval) = (args.iterations, args.interval);
    let sw = Stopwatch::start();
    event!("starting two threads");
    // threading.Thread(target=sing, args=(3, )): a `move` closure captures the arguments.
    // spawn() also start()s it.
    let sing_thread =
        thread::Builder::new().name("sing".into()).spawn(move || sing(num, interval))?;
    // threading.Thread(target=dance, kwargs={'num': 3}): Rust has no keyword arguments.
    let dance_thread =
        thread::Builder::new().name("dance".into()).spawn(move || dance(num, interval))?;
    // Not in the note: Python waits for its threads at exit, Rust does not (returning
    // from main ends the process), so join both. unwrap re-raises a thread's panic.
    sing_thread.join().unwrap();
    dance_thread.join().unwrap();
    event!("both threads joined");
    sw.report("sing and dance"); // ~ num x interval: the two sleeps overlap
    Ok(())
}
// ANCHOR_END: main
