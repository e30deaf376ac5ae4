//! An event loop (an executor) from scratch, std only, running the `gather`
//! demo: tasks that wait 1, 2 and 3 units take 3, not 6. Written by hand
//! because it is the lesson; use tokio or smol in real code.
//!
//! The notes (001, 「核心原理1：超级循环」 "core principle 1: the super loop"):
//! 「用一个超级循环（其实就是while true）循环，里面每次轮询处理所有的task」 ("one super
//! loop, really a `while true`, that each time round polls every task"), and
//! their verse, whose lines mark the code below: 至尊循环驭众生 (the one loop
//! rules them all), 至尊循环寻众生 (finds them), 至尊循环引众生 (brings them in),
//! 普照众生欣欣荣 (shines on them all, and all thrive).
//!
//! One correction to the note: a real loop does not poll every task each time
//! round (that is a busy loop). It polls a task only when the task's `Waker`
//! was called, so each task here is polled exactly twice: once to start it,
//! once when its timer wakes it. The `polls per task` line counts them. What tokio
//! adds (not shown): a reactor (epoll / kqueue / IOCP) that wakes tasks when
//! sockets are ready, a timer wheel instead of a thread per sleep, work
//! stealing between threads, and a budget that makes a busy task yield.
//!
//! Run: `cargo run -p examples-async --bin event_loop -- --unit 0.5`
//!
//! You should see task-1..3 all `start` before any is `done`, done in the
//! order 1, 2, 3, a cost line of about 3 units, then
//! `polls per task: [2, 2, 2], 6 in all` and the `check:` line.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Result, ensure};
use clap::Parser;
use shared::event;
use shared::timing::{Stopwatch, named};
use shared::workload::secs_arg;

type BoxFuture = Pin<Box<dyn Future<Output = ()> + Send>>;

// ANCHOR: loop the one loop: tasks on a run queue, polled when woken (loop.create_task, run_until_complete)
/// A spawned future (None once it has finished), the run queue it goes back
/// on when woken, and how many times the loop has polled it.
struct Task(Mutex<Option<BoxFuture>>, Sender<Arc<Task>>, AtomicUsize);

impl Wake for Task {
    /// 至尊循环寻众生: a woken task puts itself back on the run queue.
    fn wake(self: Arc<Self>) {
        let _ = self.1.clone().send(self); // cannot fail while the loop holds the Receiver
    }
}

/// 至尊循环引众生: box the future into a task and queue it (`loop.create_task`).
fn spawn(queue: &Sender<Arc<Task>>, fut: impl Future<Output = ()> + Send + 'static) -> Arc<Task> {
    let future = Mutex::new(Some(Box::pin(fut) as BoxFuture));
    let task = Arc::new(Task(future, queue.clone(), AtomicUsize::new(0)));
    task.clone().wake(); // onto the run queue, to be polled a first time
    task
}

/// 至尊循环驭众生: one thread polls whichever task was woken, until none is left.
/// (The note's loop polls *every* task each time round: a busy loop.)
fn run(ready: &Receiver<Arc<Task>>, mut live: usize) {
    while live > 0 {
        // Blocks until some Waker is called; Err only if every Sender is gone.
        let Ok(task) = ready.recv() else { return };
        let mut slot = task.0.lock().unwrap(); // poisoned only by a panic
        let Some(fut) = slot.as_mut() else { continue }; // a late wake of a finished task
        task.2.fetch_add(1, SeqCst);
        let waker = Waker::from(task.clone()); // how the future gets back onto the queue
        let mut cx = Context::from_waker(&waker);
        if fut.as_mut().poll(&mut cx).is_ready() {
            *slot = None;
            live -= 1; // 普照众生欣欣荣
        } // else it is in no queue at all until its Waker is called
    }
}
// ANCHOR_END: loop

// ANCHOR: sleep sleep(d): parked until its deadline
/// `sleep(d).await`: Pending until the deadline. The first poll starts a thread
/// that sleeps till then and calls the Waker (tokio keeps one timer wheel).
struct Sleep(Instant, bool);

impl Future for Sleep {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let deadline = self.0;
        if Instant::now() >= deadline {
            return Poll::Ready(());
        }
        if !std::mem::replace(&mut self.1, true) {
            let waker = cx.waker().clone();
            thread::spawn(move || {
                thread::sleep(deadline.saturating_duration_since(Instant::now()));
                waker.wake();
            });
        }
        Poll::Pending
    }
}
// ANCHOR_END: sleep

#[derive(Parser)]
#[command(allow_negative_numbers = true)] // `-1` is a value to refuse, not a flag
#[command(about = "an executor from scratch running the gather demo")]
struct Args {
    /// Seconds in one unit: task-k waits k units.
    // secs_arg: seconds from 0 to 3600, NaN and inf refused (shared/src/workload.rs)
    #[arg(long, default_value = "1", value_parser = secs_arg)]
    unit: Duration,
}

// ANCHOR: myfunc the notes' myfunc(url)
/// The notes' `myfunc(url)`: start, wait `k` units, done.
async fn task(k: u32, unit: Duration) {
    // println! with the time and the task's name (shared/src/timing.rs)
    event!("start, waiting {k} unit(s)");
    Sleep(Instant::now() + unit * k, false).await;
    event!("done");
}
// ANCHOR_END: myfunc

// ANCHOR: main main: three tasks, run, polls counted and checked
fn main() -> Result<()> {
    let _run = shared::init()?; // quiet backtraces, the clock, spans if asked (shared/src/lib.rs)
    let unit = Args::parse().unit;
    let (queue, ready) = channel();
    let sw = Stopwatch::start();
    // tasks = [loop.create_task(myfunc(url)) for url in urls]; `named` gives each task's lines its name
    let tasks: Vec<_> =
        (1..=3).map(|k| spawn(&queue, named(format!("task-{k}"), task(k, unit)))).collect();
    run(&ready, tasks.len()); // loop.run_until_complete(asyncio.wait(tasks))
    // prints `label, cost = X seconds` (Stopwatch, shared/src/timing.rs)
    sw.report("event_loop gather");
    let polls: Vec<usize> = tasks.iter().map(|t| t.2.load(SeqCst)).collect();
    println!("polls per task: {polls:?}, {} in all", polls.iter().sum::<usize>());
    // Once to start, at most once more when its timer woke it: never a poll for nothing.
    ensure!(polls.iter().all(|&n| n <= 2), "a task was polled without being woken");
    println!("check: all 3 tasks ran to completion, each polled only when woken");
    Ok(())
}
// ANCHOR_END: main
