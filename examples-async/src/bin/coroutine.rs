//! Calling an `async fn` runs none of its body: it returns a future, a value
//! that does nothing until it is awaited (or spawned, or polled by an executor).
//!
//! Mirrors the notes (002, Chapter13), word for word:
//! - 「在定義函式加上 async 關鍵字，呼叫該函示不會馬上執行，還是傳回 coroutine 物件。」
//!   ("put `async` on a function's definition and calling it does not run it at
//!   once: it returns a coroutine object.")
//! - 「可以透過 async.run() 執行 async 方法 (會阻斷呦)。」 ("run an async method with
//!   async.run(), which blocks.") `async.run` is a slip for `asyncio.run`.
//! - 「可以透過 async.create_task() 建立多任務 (不會阻斷呦)。」 ("make several tasks
//!   with async.create_task(), which does not block"): `asyncio.create_task`.
//!
//! In Rust (added here): `hello("coro-1")` builds a state machine and returns
//! it; `.await` drives it. `tokio::spawn` is `create_task`: the runtime starts
//! the task by itself the next time this task yields. A future dropped without
//! being awaited never runs at all (Python warns `coroutine ... was never
//! awaited` at run time; rustc warns `futures do nothing unless you .await or
//! poll them` at compile time, because `Future` is `#[must_use]`).
//! `asyncio.run(main())` is `Runtime::block_on(main())`; `main` below builds a
//! one-thread runtime by hand, which is what
//! `#[tokio::main(flavor = "current_thread")]` expands to.
//!
//! Run: `cargo run -p examples-async --bin coroutine`
//!
//! You should see `main` make the future, wait, and only then `coro-1` say
//! `body runs` once main awaits it; `task-2` runs when main yields, without
//! an await; `coro-3` never says anything. Then `check:` lines. The order is
//! the same on every run (one thread, and each step waits for the previous).

use std::time::Duration;

use anyhow::{Result, ensure};
use clap::Parser;
use shared::workload::secs_arg;
use shared::{event, event_as};

#[derive(Parser)]
#[command(allow_negative_numbers = true)] // `-1` is a value to refuse, not a flag
#[command(about = "an async fn returns a future that does nothing until awaited")]
struct Args {
    /// Seconds main waits (doing nothing) between making a future and awaiting it.
    // secs_arg: seconds from 0 to 3600, NaN and inf refused (shared/src/workload.rs)
    #[arg(long, default_value = "0.5", value_parser = secs_arg)]
    pause: Duration,
}

/// The coroutine: prints when its body really runs, waits, answers 42.
async fn hello(who: &str) -> u64 {
    event_as!(who, "body runs"); // println! with the time and a row name (shared/src/timing.rs)
    tokio::time::sleep(Duration::from_millis(10)).await;
    event_as!(who, "body ends");
    42
}

async fn async_main(pause: Duration) -> Result<()> {
    let fut = hello("coro-1"); // nothing printed: the body has not started
    event!(
        "made the future ({} bytes, its state machine); its body has not run",
        size_of_val(&fut)
    );
    tokio::time::sleep(pause).await; // time passes; still nothing from coro-1
    event!("awaiting it now");
    let answer = fut.await;
    event!("coro-1 answered {answer}");

    let task = tokio::spawn(hello("task-2")); // create_task: scheduled, not run yet
    event!("spawned task-2 and did not await it; yielding");
    tokio::task::yield_now().await; // the runtime runs task-2 now
    event!("awaiting task-2 now");
    let answer2 = task.await?; // Err only if task-2 panicked
    event!("task-2 answered {answer2}");

    drop(hello("coro-3")); // made and dropped: its body never runs
    event!("dropped coro-3 unawaited");

    ensure!(answer == 42 && answer2 == 42, "wrong answers");
    println!("check: coro-1 ran only when awaited, task-2 when spawned, coro-3 never");
    Ok(())
}

fn main() -> Result<()> {
    let _run = shared::init()?; // quiet backtraces, the clock, spans if asked (shared/src/lib.rs)
    let args = Args::parse();
    // asyncio.run(main()): what #[tokio::main(flavor = "current_thread")]
    // expands to, with `?` where the macro `expect`s.
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(async_main(args.pause))
}
