//! An event loop (an executor) from scratch, std only: a run queue, `Waker`s
//! made with `std::task::Wake`, a timer thread for sleeps. It runs the `gather`
//! demo: tasks of 1, 2 and 3 units take 3, not 6. Written by hand because it is
//! the lesson; use tokio or smol in real code.
//!
//! The notes (001, 「核心原理1：超级循环」 "core principle 1: the super loop"):
//! 「用一个超级循环（其实就是while true）循环，里面每次轮询处理所有的task」 ("one super
//! loop, really a `while true`, that each time round polls every task"), and
//! their verse 《the one loop》 line by line against the code:
//!
//! | the notes | gloss | here |
//! |---|---|---|
//! | 至尊循环驭众生 | the one loop rules them all | `run`: one thread polls each task the queue hands it |
//! | 至尊循环寻众生 | the one loop finds them | `Wake for Task`: a woken task sends itself back onto the queue |
//! | 至尊循环引众生 | the one loop brings them in | `spawn` queues a new task; the `timer` thread wakes sleepers |
//! | 普照众生欣欣荣 | it shines on them all and all thrive | `run` ends once every task has finished (`LIVE` is 0) |
//!
//! `spawn` is the notes' `loop.create_task(myfunc(url))` and `run` their
//! `loop.run_until_complete(asyncio.wait(tasks))`. One correction: a real loop
//! polls only the tasks whose `Waker` was called, not every task each time
//! round (a busy loop); the `polled N times` line shows it. What tokio adds
//! (not shown): a reactor (epoll / kqueue / IOCP via mio) that wakes tasks when
//! sockets are ready, a timer wheel, work stealing between worker threads, and
//! cooperative budgeting (a task that has done enough in one poll is made to
//! yield, so it cannot starve the rest).
//!
//! Run: `cargo run -p examples-async --bin event_loop -- --unit 0.5`
//!
//! You should see task-1..3 all `start` before any is `done`, done in the
//! order 1, 2, 3, a cost line of about 3 units, and the `check:` line.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, LazyLock, Mutex};
use std::task::{Context, Poll, Wake, Waker};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Result, ensure};
use clap::Parser;
use shared::workload::secs_arg;
use shared::{event, event_as};

// ---- the executor ----

/// A spawned future (None once it has finished).
struct Task(Mutex<Option<Pin<Box<dyn Future<Output = ()> + Send>>>>);

/// The run queue: woken tasks wait in it for `run` to poll them.
type Queue = (Sender<Arc<Task>>, Mutex<Receiver<Arc<Task>>>);
static QUEUE: LazyLock<Queue> = LazyLock::new(|| {
    let (tx, rx) = mpsc::channel();
    (tx, Mutex::new(rx))
});
static LIVE: AtomicUsize = AtomicUsize::new(0); // tasks not yet finished
static POLLS: AtomicUsize = AtomicUsize::new(0);

impl Wake for Task {
    /// 至尊循环寻众生: a woken task puts itself back on the run queue.
    fn wake(self: Arc<Self>) {
        let _ = QUEUE.0.send(self); // cannot fail: the receiver is a static
    }
}

/// 至尊循环引众生: box the future into a task and queue it (`create_task`).
fn spawn(fut: impl Future<Output = ()> + Send + 'static) {
    LIVE.fetch_add(1, SeqCst);
    Arc::new(Task(Mutex::new(Some(Box::pin(fut))))).wake(); // onto the run queue
}

/// 至尊循环驭众生: one thread polls whichever task was woken, until none is left.
fn run() {
    let ready = QUEUE.1.lock().unwrap(); // poisoned only by a panic
    while LIVE.load(SeqCst) > 0 {
        let Ok(task) = ready.recv() else { return };
        let mut slot = task.0.lock().unwrap();
        let Some(fut) = slot.as_mut() else { continue }; // a late wake of a finished task
        let waker = Waker::from(task.clone());
        POLLS.fetch_add(1, SeqCst);
        let cx = &mut Context::from_waker(&waker);
        if fut.as_mut().poll(cx).is_ready() {
            *slot = None;
            LIVE.fetch_sub(1, SeqCst); // 普照众生欣欣荣
        } // else parked until its Waker is called
    }
}

/// The timer thread, started by the first sleep: it holds each sleeper's
/// Waker and calls it at the deadline.
static TIMER: LazyLock<Sender<(Instant, Waker)>> = LazyLock::new(|| {
    let (tx, new) = mpsc::channel::<(Instant, Waker)>();
    thread::spawn(move || {
        let mut sleepers = Vec::new();
        loop {
            let next = sleepers.iter().map(|s: &(Instant, Waker)| s.0).min(); // a scan
            let wait = next.map_or(Duration::MAX, |t| {
                t.saturating_duration_since(Instant::now())
            });
            match new.recv_timeout(wait) {
                Ok(s) => sleepers.push(s),
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return,
            }
            let now = Instant::now();
            for (_, w) in sleepers.extract_if(.., |s| s.0 <= now) {
                w.wake(); // 至尊循环引众生: a sleeper brought back
            }
        }
    });
    tx
});

/// `Sleep(deadline).await`: Pending until the deadline; the timer thread
/// holds our Waker till then (sent again if we are polled early).
struct Sleep(Instant);

impl Future for Sleep {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if Instant::now() >= self.0 {
            return Poll::Ready(());
        }
        let _ = TIMER.send((self.0, cx.waker().clone())); // the timer never hangs up
        Poll::Pending
    }
}

// ---- the gather demo on it ----

#[derive(Parser)]
#[command(allow_negative_numbers = true)] // `-1` is a value to refuse, not a flag
#[command(about = "an executor from scratch running the gather demo")]
struct Args {
    /// Seconds in one unit: task-k waits k units.
    #[arg(long, default_value = "1", value_parser = secs_arg)]
    unit: Duration,
}

/// Each task's number, in the order they finished.
static FINISHED: Mutex<Vec<u32>> = Mutex::new(Vec::new());

/// The notes' `myfunc(url)`: start, wait `k` units, done.
async fn task(k: u32, unit: Duration) {
    event_as!(&format!("task-{k}"), "start, waiting {k} unit(s)");
    Sleep(Instant::now() + unit * k).await;
    event_as!(&format!("task-{k}"), "done");
    FINISHED.lock().unwrap().push(k);
}

fn main() -> Result<()> {
    shared::quiet_backtraces();
    shared::timing::epoch();
    let unit = Args::parse().unit;
    let sw = shared::timing::Stopwatch::start();
    for k in 1..=3 {
        spawn(task(k, unit)); // tasks = [loop.create_task(myfunc(url)) for url in urls]
    }
    run(); // loop.run_until_complete(asyncio.wait(tasks))
    sw.report("event_loop gather");
    let finished = FINISHED.lock().unwrap().clone();
    let polls = POLLS.load(SeqCst);
    event!("finished {finished:?}, the loop polled {polls} times");
    let mut each = finished.clone();
    each.sort();
    ensure!(each == [1, 2, 3], "not every task finished once");
    println!("check: all 3 tasks ran to completion");
    Ok(())
}
