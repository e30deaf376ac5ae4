//! A million tasks that each sleep 1 s, waited for together: how much memory
//! does one waiting task cost? (Then the notes' claim, 「一个线程中可以启动多个协程，
//! 比如几万个」 "one thread can start many coroutines, tens of thousands", and
//! 「多协程 … 内存开销最少，启动数目最多」 "coroutines: the least memory, the most
//! started", both in 003, measured.)
//!
//! Mirrors `await asyncio.gather(*(sleeper(1) for _ in range(n)))`. Two forms
//! (added here), on each of three runtimes: `--form spawn`, a spawned task per
//! sleep (what `gather` does with coroutines), and `--form join`, one task
//! joining N sleep futures. Where the bytes go: at tokio's two forms below.
//!
//! Printed: peak resident memory (`getrusage`, examples-async/src/memory.rs) minus the
//! peak before the tasks, over N. async-std is discontinued (its maintainers,
//! 2025, in favour of smol); it is measured because published figures include it.
//!
//! Run it in release, the only mode worth measuring:
//! `cargo run --release -p examples-async --bin million_tasks -- --runtime tokio --form join`
//! (also `--runtime smol|async-std`, `--form spawn`, `--tasks N`, `--sleep SECS`).
//!
//! You should see the task count, a cost line a little over the sleep (not N
//! times it), the `check:` line, then peak RSS and bytes per task. Peak RSS
//! is measured on Unix only (elsewhere: `peak RSS: not measured on this system`).

use std::time::Duration;

use anyhow::Result;
use clap::Parser;
use examples_async::memory::PeakRss;
use futures::FutureExt;
use futures::future::join_all;
use shared::event;
use shared::timing::Stopwatch;
use shared::workload::secs_arg;

#[derive(Parser)]
#[command(allow_negative_numbers = true)] // `-1` is a value to refuse, not a flag
#[command(about = "N concurrent sleeping tasks: peak memory per task")]
struct Args {
    /// Which runtime runs the tasks.
    #[arg(long, default_value = "tokio", value_parser = ["tokio", "smol", "async-std"])]
    runtime: String,
    /// A spawned task per sleep, or one task joining N sleep futures.
    #[arg(long, default_value = "spawn", value_parser = ["spawn", "join"])]
    form: String,
    /// How many tasks.
    #[arg(long, default_value_t = 1_000_000, value_parser = clap::value_parser!(u32).range(1..=10_000_000))]
    tasks: u32,
    /// Seconds each task sleeps.
    // secs_arg: seconds from 0 to 3600, NaN and inf refused (shared/src/workload.rs)
    #[arg(long, default_value = "1", value_parser = secs_arg)]
    sleep: Duration,
}

fn main() -> Result<()> {
    let _run = shared::init()?; // quiet backtraces, the clock, spans if asked (shared/src/lib.rs)
    let args = Args::parse();
    let (n, d, spawn) = (args.tasks, args.sleep, args.form == "spawn");
    let before = PeakRss::now(); // peak resident memory so far (getrusage; examples-async/src/memory.rs)
    event!("{n} tasks on {}, form {}, each sleeping {d:?}", args.runtime, args.form);
    let sw = Stopwatch::start();
    match args.runtime.as_str() {
        // What #[tokio::main] builds. Where the bytes go (x86-64 Linux, glibc):
        // a tokio `Sleep` is 112 B, its timer-wheel entry inside it (no allocation).
        "tokio" => tokio::runtime::Runtime::new()?.block_on(async {
            let sleeps = (0..n).map(|_| tokio::time::sleep(d));
            if spawn {
                // ~456 B a task: the task cell (header, scheduler, id, the future,
                // trailer) is padded to 256 B by its 128-byte alignment against
                // false sharing, glibc's aligned allocation wastes ~190 B beside
                // it (a bare 256-byte alloc at align 128 costs 447 B); plus the
                // 8-byte JoinHandle.
                for h in sleeps.map(tokio::spawn).collect::<Vec<_>>() {
                    h.await?; // Err only if the task panicked
                }
            } else {
                // ~192 B a task: join_all keeps over 30 futures in a FuturesOrdered,
                // an Arc'd node each (the future, an 8-byte index, 48 B of links
                // and flags: 184 B, which glibc rounds up to 192).
                join_all(sleeps).await;
            }
            anyhow::Ok(())
        })?,
        "smol" => {
            let ex = smol::Executor::new();
            smol::block_on(ex.run(async {
                // A Timer's output is an Instant: map it to (), so join_all keeps no outputs.
                let sleeps = (0..n).map(|_| smol::Timer::after(d).map(drop));
                if spawn {
                    for t in sleeps.map(|s| ex.spawn(s)).collect::<Vec<_>>() {
                        t.await;
                    }
                } else {
                    join_all(sleeps).await;
                }
            }));
        }
        _ => async_std::task::block_on(async {
            let sleeps = (0..n).map(|_| async_std::task::sleep(d));
            if spawn {
                for h in sleeps.map(async_std::task::spawn).collect::<Vec<_>>() {
                    h.await;
                }
            } else {
                join_all(sleeps).await;
            }
        }),
    }
    // prints `label, cost = X seconds` (Stopwatch, shared/src/timing.rs)
    sw.report(&format!("{n} sleeping tasks"));
    println!("check: all {n} tasks finished"); // each handle, or the join, awaited
    before.report_per_task(n); // the growth of the peak, over n
    Ok(())
}
