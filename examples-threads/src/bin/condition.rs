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
//! - The wait is a loop on a predicate (`while talk.turn != me { wait }`): a
//!   wake-up is only a hint (spurious wake-ups happen, and a notify may be
//!   meant for another waiter). `Condvar::wait_while` and Python's
//!   `cond.wait_for(pred)` are the same loop. No notify can be lost, whichever
//!   thread the OS starts first: nobody waits for a notify, only for the turn.
//! - The speakers `notify_all`: main waits on the same Condvar, and
//!   `notify_one` could wake main instead of the speaker whose turn it is.
//! - xiaoai thinks half as long as tmall, yet never speaks out of turn:
//!   without the wait she would answer before she was asked.
//! - main waits with a timeout (`wait_timeout_while`): it wakes every `--tick`
//!   to report, and fails instead of hanging if the talk stalls.
//!
//! Run: `cargo run -p examples-threads --bin condition -- --exchanges 6 --pause 0.3 --tick 1`
//!
//! You should see 12 lines, tmall, xiaoai, tmall, ... strictly alternating on
//! every run, main's `still waiting` about once a second in between, then
//! `check: 12 lines, the turns strictly alternate`.

use std::sync::{Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, ensure};
use clap::Parser;
use shared::event;
use shared::workload::{positive_secs_arg, secs_arg};

/// tmall speaks the even lines, xiaoai the odd ones; more exchanges than
/// lines start the poem again.
const POEM: [&str; 10] = [
    "XiaoAi!",
    "Here.",
    "I live at the river's head,",
    "you live at its mouth.",
    "Day after day I long for you and never see you,",
    "yet we drink from the same river.",
    "When will this water stop flowing?",
    "When will this longing end?",
    "If only your heart were like mine,",
    "I would never fail your love.",
];

#[derive(Parser)]
#[command(allow_negative_numbers = true)] // `-1` is a value to refuse, not a flag
#[command(about = "Two threads take turns through a Mutex + Condvar (threading.Condition)")]
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

/// What the threads wait about, inside the Mutex (a Condvar holds no state).
struct Talk {
    turn: usize,      // 0 = tmall speaks next, 1 = xiaoai
    said: Vec<usize>, // who spoke, in order: the self-check reads it
}

// Statics need no Arc; and main can return (ending the process) even if a
// speaker is stuck, which a scope's join would not allow.
static TALK: Mutex<Talk> = Mutex::new(Talk {
    turn: 0,
    said: Vec::new(),
});
static CV: Condvar = Condvar::new();

fn speaker(me: usize, exchanges: usize, pause: Duration) {
    for i in 0..exchanges {
        // unwrap on lock(): the lock is poisoned only if a thread panicked
        // while holding it, and then there is nothing sensible left to do.
        let mut talk = TALK.lock().unwrap();
        // The predicate loop: wait() releases the lock while asleep and takes
        // it back before returning, so the check always sees fresh data.
        while talk.turn != me {
            talk = CV.wait(talk).unwrap();
        }
        drop(talk); // our turn, and only we can pass it on: think unlocked
        thread::sleep(if me == 0 { pause } else { pause / 2 }); // xiaoai is quicker
        let mut talk = TALK.lock().unwrap();
        event!("{}", POEM[(2 * i + me) % POEM.len()]);
        talk.said.push(me);
        talk.turn = 1 - me;
        CV.notify_all(); // wake the other speaker *and* main: see the header
    }
}

fn main() -> anyhow::Result<()> {
    shared::quiet_backtraces();
    shared::timing::epoch();
    let args = Args::parse();
    let (exchanges, total) = (args.exchanges as usize, 2 * args.exchanges as usize);
    // Give up (instead of hanging) if the talk takes far longer than it should.
    let patience = args.pause.saturating_mul(total as u32) + Duration::from_secs(10);

    let mut handles = Vec::new();
    for (me, name) in ["tmall", "xiaoai"].into_iter().enumerate() {
        let pause = args.pause;
        let h = thread::Builder::new()
            .name(name.to_string())
            .spawn(move || speaker(me, exchanges, pause))
            .with_context(|| format!("cannot spawn the {name} thread"))?;
        handles.push(h);
    }

    // wait(timeout) in a loop: returns once every line is said, or after a
    // tick with the lock taken back; re-checks after every wake-up.
    let started = Instant::now();
    let mut talk = TALK.lock().unwrap();
    loop {
        let (guard, res) = CV
            .wait_timeout_while(talk, args.tick, |t| t.said.len() < total)
            .unwrap();
        talk = guard;
        if !res.timed_out() {
            break;
        }
        let said = talk.said.len();
        event!("still waiting: {said} of {total} lines said");
        ensure!(started.elapsed() <= patience, "stalled after {said} lines");
    }
    let alternate = talk.said.iter().enumerate().all(|(i, &who)| who == i % 2);
    drop(talk);
    for h in handles {
        h.join().unwrap(); // unwrap on join(): re-raise a speaker's panic
    }
    ensure!(alternate, "the turns did not alternate");
    println!("check: {total} lines, the turns strictly alternate");
    Ok(())
}
