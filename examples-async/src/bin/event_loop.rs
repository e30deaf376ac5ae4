//! An event loop (an executor) written from scratch: a run queue, `Waker`s
//! made with `std::task::Wake`, and a timer thread for sleeps, running the
//! `gather` demo: three tasks of 1, 2 and 3 units take 3, not 6. It is written
//! by hand on purpose, std only, because it is the lesson; use tokio or smol
//! in real code.
//!
//! The notes' first principle (001, 「核心原理1：超级循环」, "core principle 1: the
//! super loop"): 「用一个超级循环（其实就是while true）循环，里面每次轮询处理所有的task」
//! ("one super loop, really just `while true`, that each time round polls every
//! task"), and its rhyme, line by line against the code below:
//!
//! | the notes | gloss | here |
//! |---|---|---|
//! | 《the one loop》 | | `run`: one thread, one loop |
//! | 至尊循环驭众生 | the one loop rules them all | `run` polls each task `ready` hands it, until none is left |
//! | 至尊循环寻众生 | the one loop finds them | `Wake for Task`: a woken task sends itself back onto the run queue |
//! | 至尊循环引众生 | the one loop brings them in | `spawn` boxes a future into a `Task` and queues it; the timer thread wakes sleepers at their deadline |
//! | 普照众生欣欣荣 | it shines on them all and all thrive | every task runs to completion: `run` ends when `LIVE` is 0 |
//!
//! One correction to the notes: a real loop does not poll *every* task each
//! time round (that is a busy loop, O(N) per turn); it polls only the tasks
//! whose `Waker` was called, so an idle task costs nothing. The `polls` count
//! printed at the end shows it: about two polls per task, not thousands.
//!
//! What tokio adds to this (not shown): a reactor (epoll / kqueue / IOCP via
//! mio) that wakes tasks when sockets are ready, not only timers; a timer
//! wheel instead of this scan of every sleeper; work stealing between worker
//! threads; cooperative budgeting (a task that has done enough work in one
//! poll is made to yield, so it cannot starve the rest); task abort, a
//! blocking pool, and panics caught per task.
//!
//! Run: `cargo run -p examples-async --bin event_loop -- --unit 0.5`
//!
//! You should see task-1..3 all `start` before any is `done`, done in the
//! order 1, 2, 3, a cost line of about 3 units, and the `check:` line.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, OnceLock};
use std::task::{Context, Poll, Wake, Waker};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, ensure};
use clap::Parser;
use shared::{event, event_as};

// ---- the executor (~100 lines) ----

type BoxFuture = Pin<Box<dyn Future<Output = ()> + Send>>;

/// A spawned future and the run queue it goes back on when woken.
struct Task {
    future: Mutex<Option<BoxFuture>>, // None once it has finished
    queue: Sender<Arc<Task>>,
}

impl Wake for Task {
    /// 至尊循环寻众生: a woken task puts itself back on the run queue.
    fn wake(self: Arc<Self>) {
        let _ = self.queue.send(self.clone()); // Err only once the loop is gone
    }
}

static QUEUE: OnceLock<Sender<Arc<Task>>> = OnceLock::new();
static LIVE: AtomicUsize = AtomicUsize::new(0); // tasks not yet finished
static POLLS: AtomicUsize = AtomicUsize::new(0);
static TIMER: OnceLock<Sender<(Instant, Waker)>> = OnceLock::new();

/// Where a task's output waits for whoever awaits its handle.
struct Slot<T> {
    value: Option<T>,
    waiter: Option<Waker>,
}

/// Awaits a spawned task's output (tokio's `JoinHandle`, asyncio's `Task`).
struct JoinHandle<T>(Arc<Mutex<Slot<T>>>);

impl<T> Future for JoinHandle<T> {
    type Output = T;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        let mut slot = self.0.lock().unwrap(); // poisoned only by a panic
        match slot.value.take() {
            Some(v) => Poll::Ready(v),
            None => {
                slot.waiter = Some(cx.waker().clone()); // wake me when it is set
                Poll::Pending
            }
        }
    }
}

/// 至尊循环引众生: box the future into a task and queue it (`create_task`).
fn spawn<T: Send + 'static>(fut: impl Future<Output = T> + Send + 'static) -> JoinHandle<T> {
    let slot = Arc::new(Mutex::new(Slot {
        value: None,
        waiter: None,
    }));
    let out = slot.clone();
    let body = async move {
        let v = fut.await;
        let mut s = out.lock().unwrap();
        s.value = Some(v);
        if let Some(w) = s.waiter.take() {
            w.wake();
        }
    };
    let queue = QUEUE.get().expect("block_on sets up the queue").clone();
    let task = Arc::new(Task {
        future: Mutex::new(Some(Box::pin(body))),
        queue,
    });
    LIVE.fetch_add(1, SeqCst);
    Waker::from(task).wake(); // onto the run queue
    JoinHandle(slot)
}

/// 至尊循环驭众生: one thread polls whichever task was woken, until none is left.
fn run(ready: &Receiver<Arc<Task>>) {
    while LIVE.load(SeqCst) > 0 {
        let Ok(task) = ready.recv() else { return };
        let mut slot = task.future.lock().unwrap();
        let Some(mut fut) = slot.take() else { continue }; // a late wake of a finished task
        let waker = Waker::from(task.clone());
        POLLS.fetch_add(1, SeqCst);
        match fut.as_mut().poll(&mut Context::from_waker(&waker)) {
            Poll::Pending => *slot = Some(fut), // parked until its Waker is called
            Poll::Ready(()) => drop(LIVE.fetch_sub(1, SeqCst)), // 普照众生欣欣荣
        }
    }
}

/// asyncio.run: start the timer thread, spawn `main`, run the loop, return its output.
fn block_on<T: Send + 'static>(main: impl Future<Output = T> + Send + 'static) -> Result<T> {
    let (tx, ready) = mpsc::channel();
    ensure!(QUEUE.set(tx).is_ok(), "block_on runs once per process");
    let (ttx, trx) = mpsc::channel::<(Instant, Waker)>();
    let _ = TIMER.set(ttx);
    thread::Builder::new().name("timer".into()).spawn(move || {
        let mut sleepers: Vec<(Instant, Waker)> = Vec::new();
        loop {
            let next = sleepers.iter().map(|s| s.0).min(); // a scan: tokio has a wheel
            let wait = next.map_or(Duration::MAX, |t| {
                t.saturating_duration_since(Instant::now())
            });
            match trx.recv_timeout(wait) {
                Ok(s) => sleepers.push(s),
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return,
            }
            let now = Instant::now();
            sleepers.retain(|(t, w)| {
                let due = *t <= now;
                if due {
                    w.wake_by_ref(); // 至尊循环引众生: a sleeper brought back
                }
                !due
            });
        }
    })?;
    let handle = spawn(main);
    run(&ready);
    handle
        .0
        .lock()
        .unwrap()
        .value
        .take()
        .context("main did not finish")
}

/// `sleep(d).await`: ready once `deadline` has passed; until then the timer
/// thread holds our Waker and calls it at the deadline.
struct Sleep(Instant);

impl Future for Sleep {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if Instant::now() >= self.0 {
            return Poll::Ready(());
        }
        let timer = TIMER.get().expect("block_on starts the timer");
        let _ = timer.send((self.0, cx.waker().clone()));
        Poll::Pending
    }
}

fn sleep(d: Duration) -> Sleep {
    Sleep(Instant::now() + d)
}

// ---- the gather demo on it ----

#[derive(Parser)]
#[command(about = "an executor from scratch running the gather demo")]
struct Args {
    /// Seconds in one unit: task-k waits k units.
    #[arg(long, default_value = "1", value_parser = unit)]
    unit: Duration,
}

fn unit(s: &str) -> Result<Duration> {
    let d = shared::workload::seconds(s.parse()?)?;
    ensure!(d <= Duration::from_secs(60), "at most 60 seconds");
    Ok(d)
}

async fn task(k: u32, unit: Duration) -> u32 {
    let who = format!("task-{k}");
    event_as!(&who, "start, waiting {k} unit(s)");
    sleep(unit * k).await;
    event_as!(&who, "done");
    k
}

fn main() -> Result<()> {
    shared::quiet_backtraces();
    shared::timing::epoch();
    let unit = Args::parse().unit;
    let sw = shared::timing::Stopwatch::start();
    let results = block_on(async move {
        let handles: Vec<_> = (1..=3).map(|k| spawn(task(k, unit))).collect();
        let mut out = Vec::new();
        for h in handles {
            out.push(h.await);
        }
        out
    })?;
    sw.report("event_loop gather");
    event!(
        "results {results:?}, the loop polled {} times",
        POLLS.load(SeqCst)
    );
    ensure!(
        results == [1, 2, 3] && LIVE.load(SeqCst) == 0,
        "a task did not finish"
    );
    println!("check: all 4 tasks (main and 3 spawned) ran to completion");
    Ok(())
}
