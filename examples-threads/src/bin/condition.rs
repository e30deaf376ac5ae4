//! Condition variables: two speakers take turns, strictly alternating; then
//! `notify_one` and `notify_all` side by side.
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
//! - During the talk the speakers use `notify_all`: three threads wait on this
//!   one Condvar for different things (each speaker for its turn, `main` for
//!   the end), and `notify_one` could wake `main`, which would sleep again,
//!   while the speaker whose turn it is never hears it.
//! - `notify_one` wakes ONE waiter, even when several can go on. After the
//!   talk both speakers wait for `bye`; `main` sets it, calls `notify_one`, and
//!   exactly one speaker leaves: the other sleeps on with its predicate true,
//!   until `main`'s `notify_all`. (`main` first waits a tick so both are truly
//!   asleep; only a spurious wake-up, allowed but very rare, could let both go.)
//! - A wait with a timeout: `main` waits with `wait_timeout_while`, waking
//!   every `--tick` seconds to check, and returns an error instead of hanging
//!   if one wait lasts far longer than the whole talk should take.
//!
//! Run: `cargo run -p examples-threads --bin condition -- --exchanges 6 --pause 0.3 --tick 1`
//!
//! You should see 12 lines, tmall, xiaoai, tmall, ... strictly alternating
//! (every run, whichever thread the OS runs first), `main`'s `still waiting`
//! lines about once a second in between, each speaker `waiting for bye`, then
//! `bye = true, notify_one()`, one speaker's `heard bye` (which one can vary),
//! `notify_one woke 1 of 2 ...`, the other's `heard bye`, and two `check:` lines.

use std::sync::{Condvar, Mutex, MutexGuard};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, ensure};
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
    /// Seconds `main` waits (wait_timeout) between checks.
    #[arg(long, default_value_t = 1.0)]
    tick: f64,
}

/// What the threads wait about. It lives inside the Mutex: the Condvar itself
/// holds no state, only sleepers.
struct Talk {
    turn: usize,      // index into SPEAKERS of who speaks next
    said: Vec<usize>, // who spoke, in order: the self-check reads it
    asleep: usize,    // speakers done talking and waiting for `bye`
    bye: bool,        // set by main: the predicate both speakers wait for at the end
    left: usize,      // speakers that saw `bye` and left
}

// Statics need no Arc: both are const-constructible and live forever.
static TALK: Mutex<Talk> = Mutex::new(Talk {
    turn: 0,
    said: Vec::new(),
    asleep: 0,
    bye: false,
    left: 0,
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
    let mut talk = TALK.lock().unwrap();
    talk.asleep += 1;
    event!("waiting for bye");
    CV.notify_all(); // tells main; `bye` is false, so nobody else gets past its loop
    let mut talk = CV.wait_while(talk, |t| !t.bye).unwrap();
    talk.left += 1;
    event!("heard bye"); // and no notify: main's notify alone decides who wakes
}

/// `main`'s wait with a timeout: sleeps on CV until `done`, waking every
/// `tick` to check, and fails instead of hanging once `patience` is spent.
fn wait_until<'a>(
    mut talk: MutexGuard<'a, Talk>,
    (tick, patience): (Duration, Duration),
    done: impl Fn(&Talk) -> bool,
) -> anyhow::Result<MutexGuard<'a, Talk>> {
    let started = Instant::now();
    loop {
        // Returns when `done` holds, or when `tick` has passed in all,
        // re-checking after every wake-up (wait_timeout in a loop).
        let (guard, res) = CV.wait_timeout_while(talk, tick, |t| !done(t)).unwrap();
        talk = guard;
        if !res.timed_out() {
            return Ok(talk);
        }
        let (said, left) = (talk.said.len(), talk.left);
        event!("still waiting: {said} lines said, {left} speakers left");
        ensure!(
            started.elapsed() <= patience,
            "stalled: {said} lines said, {left} speakers left"
        );
    }
}

fn main() -> anyhow::Result<()> {
    shared::timing::epoch();
    let args = Args::parse();
    let pause = seconds(args.pause).context("bad --pause")?;
    let tick = seconds(args.tick).context("bad --tick")?;
    ensure!(!tick.is_zero(), "--tick must be more than 0 seconds");
    let (exchanges, total) = (args.exchanges as usize, 2 * args.exchanges as usize);
    // Give up (instead of hanging) if the talk takes far longer than it should.
    let patience = pause.saturating_mul(total as u32) + Duration::from_secs(10);
    let ticks = (tick, patience);

    let mut handles = Vec::new();
    for (me, name) in SPEAKERS.iter().enumerate() {
        let h = thread::Builder::new()
            .name(name.to_string())
            .spawn(move || speaker(me, exchanges, pause))
            .with_context(|| format!("cannot spawn the {name} thread"))?;
        handles.push(h);
    }

    // The talk: until both speakers are done and asleep, waiting for `bye`.
    let talk = wait_until(TALK.lock().unwrap(), ticks, |t| t.asleep == 2)?;
    let alternate =
        talk.said.len() == total && talk.said.iter().enumerate().all(|(i, &who)| who == i % 2);
    drop(talk);
    thread::sleep(tick); // let the last one get all the way into its wait

    // notify_one vs notify_all: `bye` lets *both* speakers go.
    let mut talk = TALK.lock().unwrap();
    talk.bye = true;
    CV.notify_one();
    event!("bye = true, notify_one()");
    let talk = wait_until(talk, ticks, |t| t.left >= 1)?;
    // A tick more for the other speaker to leave too: nobody woke it.
    let (talk, _) = CV.wait_timeout_while(talk, tick, |t| t.left < 2).unwrap();
    let after_one = talk.left;
    event!("notify_one woke {after_one} of 2 waiting speakers; now notify_all()");
    CV.notify_all();
    let talk = wait_until(talk, ticks, |t| t.left == 2)?;
    drop(talk);
    for h in handles {
        h.join().unwrap(); // unwrap on join(): re-raise a speaker's panic
    }
    ensure!(alternate, "the turns did not alternate");
    println!("check: {total} lines, the turns strictly alternate");
    ensure!(
        after_one == 1,
        "notify_one let {after_one} speakers go (a spurious wake-up?)"
    );
    println!("check: notify_one woke 1 of 2 waiting speakers, notify_all the other");
    Ok(())
}
