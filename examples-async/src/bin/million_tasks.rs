//! A million tasks that each sleep 1 s, waited for together: how much memory
//! does one waiting task cost? (Then the notes' claim, 「一个线程中可以启动多个协程，
//! 比如几万个」 "one thread can start many coroutines, tens of thousands", and
//! 「多协程 … 内存开销最少，启动数目最多」 "coroutines: the least memory, the most
//! started", both in 003, measured.)
//!
//! Mirrors `await asyncio.gather(*(asyncio.sleep(1) for _ in range(n)))`.
//! Two forms (added here), on each of three runtimes:
//! - `--form spawn`: a spawned task each (`tokio::spawn`, smol's
//!   `Executor::spawn`, async-std's `task::spawn`), then every handle awaited:
//!   a task is a heap allocation holding its future plus the runtime's header.
//! - `--form join`: one task joins N sleep futures with `join_all`: no task
//!   per sleep, only the futures themselves (and `join_all`'s bookkeeping).
//!
//! The figure printed is peak resident memory (`getrusage`, via
//! `shared::measure`) minus the peak before the tasks were made, divided by
//! N. async-std is discontinued (its maintainers, 2025, in favour of smol);
//! it is measured here because the published figures include it.
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
use futures::future::join_all;
use shared::event;
use shared::measure::{SUPPORTED, rusage_self};
use shared::timing::Stopwatch;

#[derive(Parser)]
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
    #[arg(long, default_value = "1", value_parser = secs)]
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

fn secs(s: &str) -> Result<Duration> {
    let d = shared::workload::seconds(s.parse()?)?;
    ensure!(d <= Duration::from_secs(60), "at most 60 seconds");
    Ok(d)
}

/// Tasks whose sleep has ended.
static DONE: AtomicUsize = AtomicUsize::new(0);

/// One task's whole body: sleep, then count itself done.
async fn sleeper(sleep: impl Future<Output = impl Sized>) {
    sleep.await;
    DONE.fetch_add(1, Relaxed);
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
    let (n, d) = (args.tasks, args.sleep);
    let before = rusage_self().max_rss_bytes;
    event!(
        "{n} tasks on {:?}, form {:?}, each sleeping {d:?}",
        args.runtime,
        args.form
    );
    let sw = Stopwatch::start();
    match args.runtime {
        Runtime::Tokio => tokio(n, d, args.form)?,
        Runtime::Smol => smol(n, d, args.form),
        Runtime::AsyncStd => async_std(n, d, args.form),
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
    let mb = |b: u64| b as f64 / 1e6;
    let per_task = peak.saturating_sub(before) as f64 / f64::from(n);
    println!(
        "peak RSS = {:.1} MB (before the tasks: {:.1} MB), {per_task:.0} bytes per task",
        mb(peak),
        mb(before)
    );
    Ok(())
}
