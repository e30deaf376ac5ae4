//! A condition variable: two speakers take turns, strictly alternating, each
//! waiting in a loop on a predicate; main waits with a timeout.
//!
//! The notes (notes/002_bdfb11ea434acb50.txt), word for word:
//! threading.Condition 提供以下操作 ("threading.Condition offers these
//! operations"): wait() 方法會先釋放鎖定，等待通知後再去爭取鎖定，成功爭取後繼續執行。
//! ("wait() first releases the lock, waits for a notification, then competes
//! for the lock again and goes on once it has it.") and
//! wait() 可以設定浮點數指定逾時，若等待超過指定時間，就自動嘗試取得鎖定並執行。
//! ("wait() can take a float timeout: if the wait lasts longer, it tries to
//! take the lock and goes on by itself.") Their `notify()` bullets are the
//! `condition_notify` bin. The notes give no code: the two smart speakers
//! `tmall` and `xiaoai` trading lines of Li Zhiyi's poem 卜算子 (in English
//! here) are a well-known Chinese course's example (added here).
//!
//! Python's `Condition` is a lock and a wait queue in one; Rust splits it: a
//! `Mutex` around the data the threads wait about, and a `Condvar`.
//!
//! Run: `cargo run -p examples-threads --bin condition -- --exchanges 6 --pause 0.3 --tick 1`
//!
//! You should see 12 lines, tmall, xiaoai, tmall, ... strictly alternating on
//! every run, main's `still waiting` about once a second in between, then
//! `check: 12 lines, the turns strictly alternate`.

use std::sync::{Condvar, Mutex};
use std::{thread, time::Duration};

use anyhow::ensure;
use clap::Parser;
use examples_threads::POEM; // the poem's lines: tmall speaks the even ones (src/lib.rs)
use shared::event;
use shared::workload::{positive_secs_arg, secs_arg};

/// Two threads take turns through a Mutex + Condvar (threading.Condition)
#[derive(Parser)]
struct Args {
    /// Number of exchanges, two lines each (1 to 10,000).
    #[arg(long, default_value_t = 6, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    exchanges: u32,
    /// Seconds tmall thinks before each line, without the lock; xiaoai half that (0 to 3600).
    #[arg(long, default_value = "0.3", value_parser = secs_arg)]
    pause: Duration,
    /// Seconds main waits (wait_timeout) between reports (more than 0, at most 3600).
    #[arg(long, default_value = "1", value_parser = positive_secs_arg)]
    tick: Duration,
}

// Who spoke, in order: what the threads wait about, inside the Mutex (a Condvar
// holds no state). Whose turn it is follows from it: tmall's at an even count,
// xiaoai's at an odd one. The self-check reads it too.
// `pub`: tests/coordination.rs wakes a speaker out of its turn, to see it wait on.
pub static SAID: Mutex<Vec<usize>> = Mutex::new(Vec::new());
pub static CV: Condvar = Condvar::new(); // statics: shared with no Arc

pub fn speaker(me: usize, exchanges: usize, pause: Duration) {
    for _ in 0..exchanges {
        // unwrap on lock(): poisoned only if a thread panicked while holding it.
        let mut said = SAID.lock().unwrap();
        // wait() releases the lock while asleep and takes it back before it
        // returns. A loop, not an `if`: a wake-up is only a hint (spurious, or
        // a notify_all meant for main), so check the turn again every time.
        while said.len() % 2 != me {
            said = CV.wait(said).unwrap();
        }
        drop(said); // our turn, and only we can pass it on: think unlocked
        thread::sleep(if me == 0 { pause } else { pause / 2 }); // xiaoai is quicker, yet waits her turn
        let mut said = SAID.lock().unwrap();
        event!("{}", POEM[said.len() % POEM.len()]); // println with time and thread (shared/src/timing.rs)
        said.push(me); // and the turn passes to the other
        CV.notify_all(); // wake the other speaker *and* main (notify_one might pick main)
    }
}

fn main() -> anyhow::Result<()> {
    let _run = shared::init()?; // one-line errors and the clock of `event!` (shared/src/lib.rs)
    let args = Args::parse();
    let (exchanges, total) = (args.exchanges as usize, 2 * args.exchanges as usize);
    thread::scope(|s| {
        for (me, name) in ["tmall", "xiaoai"].into_iter().enumerate() {
            let speaker_thread = thread::Builder::new().name(name.into());
            speaker_thread.spawn_scoped(s, move || speaker(me, exchanges, args.pause))?;
        }
        // cond.wait_for(pred, timeout=tick) in a loop: returns once every line is said,
        // or after a tick (with the lock taken back) to report.
        let mut said = SAID.lock().unwrap();
        while said.len() < total {
            let (guard, res) = CV.wait_timeout_while(said, args.tick, |s| s.len() < total).unwrap();
            said = guard;
            if res.timed_out() {
                event!("still waiting: {} of {total} lines said", said.len());
            }
        }
        // Every line said: check who said each, still under the lock.
        ensure!(said.iter().enumerate().all(|(i, &who)| who == i % 2), "someone spoke out of turn");
        anyhow::Ok(()) // the scope joins both speakers (and re-raises a panic)
    })?;
    println!("check: {total} lines, the turns strictly alternate");
    Ok(())
}
