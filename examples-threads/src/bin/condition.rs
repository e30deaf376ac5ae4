//! Condition variables: two speakers take turns, strictly alternating.
//!
//! Mirrors the threading notes' `threading.Condition` example: two threads,
//! the smart speakers `tmall` and `xiaoai`, trade the lines of a poem; each
//! one waits on the condition (`with cond: cond.wait()`) until the other has
//! spoken, then speaks and notifies. Python's `Condition` is a lock and a wait
//! queue in one object; Rust splits it in two: a `Mutex` around the data the
//! threads wait about (whose turn it is) and a `Condvar` to wait on.
//!
//! - The wait is a loop on a predicate (`while talk.turn != me { wait }`): a
//!   wake-up is only a hint (spurious wake-ups happen, and a notify may be
//!   meant for another waiter), so the waiter checks again. `Condvar::wait_while`
//!   and Python's `cond.wait_for(pred)` are the same loop. Because the speakers
//!   wait on the predicate, not on a notify, it does not matter which thread
//!   the OS starts first: no notify can be lost.
//! - `notify_all`, not `notify_one`: three threads wait on this one Condvar
//!   (both speakers and `main`). `notify_one` could wake `main`, which would
//!   see its own predicate still false and sleep again, and the speaker whose
//!   turn it is would never hear it. `notify_one` is right only when every
//!   waiter waits for the same thing and any one of them can proceed.
//! - A wait with a timeout: `main` waits for the end of the talk with
//!   `wait_timeout_while`, waking every `--tick` seconds to report progress,
//!   and returns an error instead of hanging if the talk stalls.
//!
//! Run: `cargo run -p examples-threads --bin condition -- --exchanges 6 --pause 0.3 --tick 1`
//!
//! You should see 12 lines, tmall, xiaoai, tmall, ... strictly alternating
//! (every run, whichever thread the OS runs first), `main`'s `still talking`
//! lines about once a second in between, then
//! `check: 12 lines, the turns strictly alternate`.

use std::sync::{Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, bail, ensure};
use clap::Parser;
use shared::event;
use shared::workload::seconds;

/// One exchange per row: (tmall's line, xiaoai's answer). More exchanges
/// than rows start the poem again.
const POEM: [(&str, &str); 6] = [
    ("XiaoAi!", "Here."),
    ("Let's trade lines of a poem.", "Sure."),
    ("I live at the river's head,", "you live at its mouth."),
    (
        "Day after day I long for you and never see you,",
        "yet we drink from the same river.",
    ),
    (
        "When will this water stop flowing?",
        "When will this longing end?",
    ),
    (
        "If only your heart were like mine,",
        "I would never fail your love.",
    ),
];
const SPEAKERS: [&str; 2] = ["tmall", "xiaoai"];

#[derive(Parser)]
#[command(about = "Two threads take turns through a Mutex + Condvar (threading.Condition)")]
struct Args {
    /// Number of exchanges (two lines each).
    #[arg(long, default_value_t = 6, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    exchanges: u32,
    /// Seconds a speaker thinks before each line (without holding the lock).
    #[arg(long, default_value_t = 0.3)]
    pause: f64,
    /// Seconds `main` waits (wait_timeout) between progress reports.
    #[arg(long, default_value_t = 1.0)]
    tick: f64,
}

/// What the threads wait about. It lives inside the Mutex: the Condvar itself
/// holds no state, only sleepers.
struct Talk {
    turn: usize,      // index into SPEAKERS of who speaks next
    said: Vec<usize>, // who spoke, in order: the self-check reads it
}

// Statics need no Arc: both are const-constructible and live forever.
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
        // It is our turn and only we can pass it on, so think without the lock.
        drop(talk);
        thread::sleep(pause);
        let mut talk = TALK.lock().unwrap();
        let (a, b) = POEM[i % POEM.len()];
        event!("{}", if me == 0 { a } else { b });
        talk.said.push(me);
        talk.turn = 1 - me;
        CV.notify_all(); // wake the other speaker *and* main: see the header
    }
}

fn main() -> anyhow::Result<()> {
    shared::timing::epoch();
    let args = Args::parse();
    let (pause, tick) = (seconds(args.pause)?, seconds(args.tick)?);
    ensure!(!tick.is_zero(), "--tick must be more than 0 seconds");
    let exchanges = args.exchanges as usize;
    let total = 2 * exchanges;
    // Give up (instead of hanging) if the talk takes far longer than it should.
    let patience = pause.saturating_mul(total as u32) + Duration::from_secs(10);

    let mut handles = Vec::new();
    for (me, name) in SPEAKERS.iter().enumerate() {
        let h = thread::Builder::new()
            .name(name.to_string())
            .spawn(move || speaker(me, exchanges, pause))
            .with_context(|| format!("cannot spawn the {name} thread"))?;
        handles.push(h);
    }

    let started = Instant::now();
    let mut talk = TALK.lock().unwrap();
    loop {
        // Sleeps until the predicate is false or `tick` has passed in all,
        // re-checking after every notify_all (wait_timeout in a loop).
        let (guard, res) = CV
            .wait_timeout_while(talk, tick, |t| t.said.len() < total)
            .unwrap();
        talk = guard;
        if !res.timed_out() {
            break;
        }
        event!("still talking: {} of {total} lines so far", talk.said.len());
        if started.elapsed() > patience {
            bail!(
                "the talk stalled after {} of {total} lines",
                talk.said.len()
            );
        }
    }
    let alternate =
        talk.said.len() == total && talk.said.iter().enumerate().all(|(i, &who)| who == i % 2);
    drop(talk);
    for h in handles {
        h.join().unwrap(); // unwrap on join(): re-raise a speaker's panic
    }
    ensure!(alternate, "the turns did not alternate");
    println!("check: {total} lines, the turns strictly alternate");
    Ok(())
}
