//! A million tasks that each sleep 1 s, waited for together: how much memory
//! does one waiting task cost? (Then the notes' claim, 「一个线程中可以启动多个协程，
//! 比如几万个」 "one thread can start many coroutines, tens of thousands", and
//! 「多协程 … 内存开销最少，启动数目最多」 "coroutines: the least memory, the most
//! started", both in 003, measured.)
//!
//! Mirrors `await asyncio.gather(*(sleeper(1) for _ in range(n)))`. Two forms
//! (added here), on each of three runtimes. Where the bytes go on tokio
//! (x86-64 Linux, glibc), each sleep being tokio's 112-byte `Sleep`, whose
//! timer-wheel entry lives inside it (a timer allocates nothing of its own):
//! - `--form join`, ~192 B a task: one task joins N futures with `join_all`,
//!   which for more than 30 keeps them in a `FuturesOrdered`: an `Arc`'d node
//!   each (the future, an 8-byte index, 48 B of links and flags: 184 B, which
//!   glibc rounds up to 192).
//! - `--form spawn`, ~456 B a task: a spawned task each (`tokio::spawn`, smol's
//!   `Executor::spawn`, async-std's `task::spawn`), every handle then awaited.
//!   tokio's task cell (header, scheduler handle, id, the future, trailer) is
//!   padded to 256 B by its 128-byte alignment against false sharing, and
//!   glibc's aligned allocation wastes ~190 B beside each cell (a bare 256-byte
//!   `alloc` at align 128 costs 447 B); plus the 8-byte `JoinHandle`.
//!
//! Printed: peak resident memory (`getrusage`, via `shared::measure`) minus the
//! peak before the tasks, over N. async-std is discontinued (its maintainers,
//! 2025, in favour of smol); it is measured because published figures include it.
//!
//! Run it in release, the only mode worth measuring:
//! `cargo run --release -p examples-async --bin million_tasks -- --runtime tokio --form join`
//! (also `--runtime smol|async-std`, `--form spawn`, `--tasks N`, `--sleep SECS`).
//!
//! You should see the task count, a cost line a little over the sleep (not N
//! times it), the `check:` line, then peak RSS and bytes per task. Peak RSS
//! is reported on Unix only (zero elsewhere).

use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::Duration;

use anyhow::{Result, ensure};
use clap::{Parser, ValueEnum};
use futures::FutureExt;
use futures::future::join_all;
use shared::event;
use shared::measure::{SUPPORTED, rusage_self};
use shared::timing::Stopwatch;
use shared::workload::secs_arg;

#[derive(Parser)]
#[command(allow_negative_numbers = true)] // `-1` is a value to refuse, not a flag
#[command(about = "N concurrent sleeping tasks: peak memory per task")]
struct Args {
    /// Which runtime runs the tasks.
    #[arg(long, value_enum, default_value_t = Runtime::Tokio)]
    runtime: Runtime,
    /// A spawned task per sleep, or one task joining N sleep futures.
    #[arg(long, value_enum, default_value_t = Form::Spawn)]
    form: Form,
    /// How many tasks.
    #[arg(long, default_value_t = 1_000_000, value_parser = clap::value_parser!(u32).range(1..=10_000_000))]
    tasks: u32,
    /// Seconds each task sleeps.
    #[arg(long, default_value = "1", value_parser = secs_arg)]
    sleep: Duration,
}

#[derive(Clone, Copy, ValueEnum, Debug)]
enum Runtime {
    Tokio,
    Smol,
    AsyncStd,
}

#[derive(Clone, Copy, ValueEnum, Debug)]
enum Form {
    Spawn,
    Join,
}

/// Tasks whose sleep has ended.
static DONE: AtomicUsize = AtomicUsize::new(0);

/// One task's whole body: sleep, then count itself done. Written with `map`,
/// not as `async fn sleeper(sleep: impl Future) { sleep.await; .. }`: rustc
/// keeps an async fn's argument and the future it awaits in separate slots,
/// which made each task 232 bytes instead of 112 (rust-lang/rust#62958).
fn sleeper(sleep: impl Future) -> impl Future<Output = ()> {
    sleep.map(|_| {
        DONE.fetch_add(1, Relaxed);
    })
}

fn tokio(n: u32, d: Duration, form: Form) -> Result<()> {
    use tokio::time::sleep;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_time()
        .build()?;
    rt.block_on(async {
        match form {
            Form::Spawn => {
                let handles: Vec<_> = (0..n).map(|_| tokio::spawn(sleeper(sleep(d)))).collect();
                for h in handles {
                    h.await?; // Err only if the task panicked
                }
            }
            Form::Join => drop(join_all((0..n).map(|_| sleeper(sleep(d)))).await),
        }
        Ok(())
    })
}

fn smol(n: u32, d: Duration, form: Form) {
    use smol::Timer;
    let ex = smol::Executor::new();
    smol::block_on(ex.run(async {
        match form {
            Form::Spawn => {
                let tasks: Vec<_> = (0..n).map(|_| ex.spawn(sleeper(Timer::after(d)))).collect();
                for t in tasks {
                    t.await;
                }
            }
            Form::Join => drop(join_all((0..n).map(|_| sleeper(Timer::after(d)))).await),
        }
    }));
}

fn async_std(n: u32, d: Duration, form: Form) {
    use async_std::task;
    task::block_on(async {
        match form {
            Form::Spawn => {
                let handles: Vec<_> = (0..n)
                    .map(|_| task::spawn(sleeper(task::sleep(d))))
                    .collect();
                for h in handles {
                    h.await;
                }
            }
            Form::Join => drop(join_all((0..n).map(|_| sleeper(task::sleep(d)))).await),
        }
    });
}

fn main() -> Result<()> {
    shared::quiet_backtraces();
    shared::timing::epoch();
    let args = Args::parse();
    let (n, d, runtime, form) = (args.tasks, args.sleep, args.runtime, args.form);
    let before = rusage_self().max_rss_bytes;
    event!("{n} tasks on {runtime:?}, form {form:?}, each sleeping {d:?}");
    let sw = Stopwatch::start();
    match runtime {
        Runtime::Tokio => tokio(n, d, form)?,
        Runtime::Smol => smol(n, d, form),
        Runtime::AsyncStd => async_std(n, d, form),
    }
    sw.report(&format!("{n} sleeping tasks"));
    let done = DONE.load(Relaxed);
    ensure!(done == n as usize, "only {done} of {n} tasks finished");
    println!("check: all {n} tasks finished");

    let peak = rusage_self().max_rss_bytes;
    if !SUPPORTED {
        println!("peak RSS: not measured on this system");
        return Ok(());
    }
    let (mb, before_mb) = (peak as f64 / 1e6, before as f64 / 1e6);
    let per_task = peak.saturating_sub(before) as f64 / f64::from(n);
    println!(
        "peak RSS = {mb:.1} MB (before the tasks: {before_mb:.1} MB), {per_task:.0} bytes per task"
    );
    Ok(())
}
