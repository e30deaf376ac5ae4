//! Issue 17's process pair, stopping well: `stop_forced` and its twin, each
//! run as a child process with a time limit that only catches a hang. The
//! worker says when it is half-way through record 2 and the parent acts on
//! that line (Rust) or event (Python): no order is left to racing sleeps.

use shared::run::checks::{count, line, ok, pos};
use shared::run::{RunOutput, run_bin, run_twin};

const DIR: &str = env!("CARGO_MANIFEST_DIR");
const STOP_FORCED: &str = env!("CARGO_BIN_EXE_stop_forced");

/// Both sections ran in order: the worker half-way through record 2, then
/// main's ask or kill; each worker wrote records 1 and 2, never a third.
fn assert_sections(out: &RunOutput, ask: &str, kill: &str) {
    ok(out);
    let (asked, killed) = (pos(out, "main", ask), pos(out, "main", kill));
    assert!(asked < killed, "{}", out.dump());
    assert_eq!(count(out, "worker", "record 2: half written"), 2, "{}", out.dump());
    assert_eq!(count(out, "worker", "record 3"), 0, "{}", out.dump());
    let events = out.events();
    let halves: Vec<_> = (events.iter().enumerate())
        .filter(|(_, (_, who, msg))| who == "worker" && msg == "record 2: half written")
        .map(|(i, _)| i)
        .collect();
    assert!(halves[0] < asked && asked < halves[1] && halves[1] < killed, "{}", out.dump());
    line(out, "check: asked, 2 whole records and the count; killed, half of record 2 and no count");
}

/// Asked, the worker finished record 2 and wrote its count (exit 0); killed,
/// its file ends in half of record 2 with no count (SIGKILL: signal 9).
#[test]
fn stop_forced_asked_finishes_its_record_killed_leaves_half_of_one() {
    let out = run_bin(STOP_FORCED, &[], 30);
    assert_sections(&out, "ask: a line on its stdin", "kill: Child::kill");
    let said: Vec<String> = (out.events().into_iter())
        .filter(|(_, who, _)| who == "main")
        .map(|(_, _, msg)| msg)
        .filter(|m| m.starts_with("file: ") || m.starts_with("worker exited: "))
        .collect();
    let whole = |n| format!(r#"file: "record {n}: first half, second half""#);
    let want = [
        "worker exited: exit status: 0".to_string(),
        whole(1),
        whole(2),
        r#"file: "count: 2 records""#.to_string(),
        "worker exited: signal: 9 (SIGKILL)".to_string(),
        whole(1),
        r#"file: "record 2: first half,""#.to_string(),
    ];
    assert_eq!(said, want, "{}", out.dump());
}

/// The twin: the same files, exit code 0 asked, -15 (SIGTERM) terminated.
#[test]
fn stop_forced_twin_asked_finishes_its_record_terminated_leaves_half_of_one() {
    let out = run_twin(DIR, "stop_forced", &[], 30);
    assert_sections(&out, "ask: stop.set()", "kill: Process.terminate()");
    let whole = |n| format!("'record {n}: first half, second half'");
    let asked = format!("exit code 0; its file: [{}, {}, 'count: 2 records']", whole(1), whole(2));
    let killed = format!("exit code -15; its file: [{}, 'record 2: first half,']", whole(1));
    pos(&out, "main", &format!("worker exited: {asked}"));
    pos(&out, "main", &format!("worker exited: {killed}"));
}

/// A flag it does not have is refused, by name (exit 2).
#[test]
fn stop_forced_bad_flag_is_refused() {
    let out = run_bin(STOP_FORCED, &["--unit", "1"], 30);
    assert_eq!(out.code, Some(2), "{}", out.dump());
    assert!(out.stderr.contains("--unit"), "{}", out.dump());
}
