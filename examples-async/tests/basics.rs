//! The asyncio basics: each bin and its Python twin run as a child process with
//! small flags, and the checks below assert what the catalogue row says it must
//! show, as orders of events and counts. No test asserts a time; where an order
//! would rest on timing, the bin's own unit tests run its functions on tokio's
//! paused clock (`#[tokio::test(start_paused = true)]` in `gather.rs` and
//! `as_completed.rs`), or the bin releases its tasks itself.

mod common;

use std::process::Command;
use std::time::Duration;

use common::{
    DIR, TempSpans, assert_clean_failure, bad_spans_path_fails, count, has_cost, line,
    missing_spans_path, ok, pos, row,
};
use shared::run::{RunOutput, run_bin, run_twin, run_with_timeout};
use shared::spans::SPANS_ENV;

/// Within the events after `main`'s event starting with `section`, up to
/// `main`'s next event, every `task-1..=k` says `start` before any says `done`, and each
/// says `done` once: they waited together, so the total is the longest wait.
fn all_start_before_any_done(out: &RunOutput, section: &str, k: usize) {
    let ev = out.events();
    let from = ev
        .iter()
        .position(|(_, w, m)| w == "main" && m.starts_with(section))
        .unwrap_or_else(|| panic!("no section {section:?}\n{}", out.dump()));
    let rest = &ev[from + 1..];
    let end = rest.iter().position(|(_, w, _)| w == "main").unwrap_or(rest.len());
    let rest = &rest[..end];
    let is_task = |w: &str| w.starts_with("task-");
    let last_start = rest.iter().rposition(|(_, w, m)| is_task(w) && m.starts_with("start"));
    let first_done = rest.iter().position(|(_, w, m)| is_task(w) && m == "done");
    assert!(
        matches!((last_start, first_done), (Some(s), Some(d)) if s < d),
        "{section}: a task finished before all had started\n{}",
        out.dump()
    );
    for i in 1..=k {
        let who = format!("task-{i}");
        let starts = rest.iter().filter(|(_, w, m)| *w == who && m.starts_with("start"));
        let dones = rest.iter().filter(|(_, w, m)| *w == who && m == "done");
        assert_eq!((starts.count(), dones.count()), (1, 1), "{who}\n{}", out.dump());
    }
}

fn gather(out: RunOutput, forms: &[(&str, &str)]) {
    ok(&out);
    for (section, label) in forms {
        all_start_before_any_done(&out, section, 3);
        has_cost(&out, label);
        pos(&out, "main", &format!("{label}: results [1, 2, 3]"));
    }
}

#[test]
fn gather_waits_together() {
    let rust = [("tokio::join!", "tokio::join!"), ("JoinSet", "JoinSet"), ("join_all", "join_all")];
    // A multi-thread runtime: under JoinSet the tasks start on worker
    // threads, so a wide unit (a margin, not an order): all three have
    // started long before the first wait is over. (That the total is the
    // longest wait, exactly, is gather.rs's paused-clock unit test.)
    gather(run_bin(env!("CARGO_BIN_EXE_gather"), &["--unit", "0.2"], 10), &rust);
    let py = [("gather", "gather"), ("taskgroup", "taskgroup"), ("wait", "wait")];
    gather(run_twin(DIR, "gather", &["--unit", "0.05"], 10), &py);
}

fn coroutine(out: RunOutput) {
    ok(&out);
    // coro-1's body runs only after main awaits it, though it was made first.
    assert!(pos(&out, "main", "made ") < pos(&out, "main", "awaiting it now"));
    assert!(pos(&out, "main", "awaiting it now") < pos(&out, "coro-1", "body runs"));
    // task-2 runs when main yields, before main awaits it: spawn starts it.
    assert!(pos(&out, "main", "spawned task-2") < pos(&out, "task-2", "body runs"));
    assert!(pos(&out, "task-2", "body runs") < pos(&out, "main", "awaiting task-2 now"));
    assert_eq!(count(&out, "coro-3", ""), 0, "{}", out.dump());
    line(&out, "check: coro-1 ran only when awaited");
}

#[test]
fn coroutine_runs_only_when_awaited() {
    coroutine(run_bin(env!("CARGO_BIN_EXE_coroutine"), &["--pause", "0.05"], 10));
    coroutine(run_twin(DIR, "coroutine", &["--pause", "0.05"], 10));
}

#[test]
fn gather_on_smol_and_async_std() {
    let py = [("gather", "gather"), ("taskgroup", "taskgroup"), ("wait", "wait")];
    let smol = [
        ("futures::join!", "futures::join!"),
        ("Executor::spawn", "Executor::spawn"),
        ("join_all", "join_all"),
    ];
    // smol's executor runs on this one thread: the order is fixed.
    gather(run_bin(env!("CARGO_BIN_EXE_gather_smol"), &["--unit", "0.05"], 10), &smol);
    gather(run_twin(DIR, "gather_smol", &["--unit", "0.05"], 10), &py);
    // async-std's spawned tasks run on a pool: a wide unit, so all three
    // have started long before the first one's wait is over.
    let astd = [
        ("futures::join!", "futures::join!"),
        ("task::spawn", "task::spawn"),
        ("join_all", "join_all"),
    ];
    gather(run_bin(env!("CARGO_BIN_EXE_gather_async_std"), &["--unit", "0.2"], 10), &astd);
    gather(run_twin(DIR, "gather_async_std", &["--unit", "0.05"], 10), &py);
}

/// Runs `cmd` with `CONCURRENCY_PAIRS_SPANS` naming `file`, as compare does.
fn recorded(mut cmd: Command, file: &str) -> RunOutput {
    cmd.env(SPANS_ENV, file);
    run_with_timeout(cmd, Duration::from_secs(10)).expect("the example starts")
}

fn bin_cmd(exe: &str, args: &[&str]) -> Command {
    let mut cmd = Command::new(exe);
    cmd.args(args);
    cmd
}

fn twin_cmd(twin: &str, args: &[&str]) -> Command {
    let mut cmd = Command::new("python3");
    cmd.arg("-u").arg(format!("{DIR}/python/{twin}.py")).args(args);
    cmd
}

/// What `shared` (or `blog_spider`) recorded by itself: on rows
/// `task-1..=3` (the names given by `timing::named` / the asyncio task),
/// each form's `start, waiting k unit(s)` and `done` marks, every task's
/// `done` after all three started; on `main`, a span per form named by its
/// cost label, as long as the form took.
fn gather_timeline(out: &RunOutput, file: &TempSpans, labels: &[&str]) {
    ok(out);
    let spans = file.spans(out);
    let marks = |k: usize, what: &str| -> Vec<f64> {
        let task = row(&spans, &format!("task-{k}"));
        let m: Vec<f64> =
            task.iter().filter(|s| s.what == what && s.start == s.end).map(|s| s.start).collect();
        assert_eq!(m.len(), labels.len(), "task-{k} {what:?}\n{}", out.dump());
        m
    };
    for f in 0..labels.len() {
        let last_start = (1..=3)
            .map(|k| marks(k, &format!("start, waiting {k} unit(s)"))[f])
            .fold(0.0, f64::max);
        let first_done = (1..=3).map(|k| marks(k, "done")[f]).fold(f64::MAX, f64::min);
        assert!(last_start <= first_done, "form {f}\n{}", out.dump());
    }
    let main = row(&spans, "main");
    for label in labels {
        let span = main.iter().find(|s| s.what == *label && s.end > s.start);
        assert!(span.is_some(), "no span {label:?} on main\n{}", out.dump());
    }
}

#[test]
fn gather_on_every_runtime_draws_its_timeline() {
    let args = ["--unit", "0.02"];
    let runs: [(&str, [&str; 3]); 3] = [
        (env!("CARGO_BIN_EXE_gather"), ["tokio::join!", "JoinSet", "join_all"]),
        (env!("CARGO_BIN_EXE_gather_smol"), ["futures::join!", "Executor::spawn", "join_all"]),
        (env!("CARGO_BIN_EXE_gather_async_std"), ["futures::join!", "task::spawn", "join_all"]),
    ];
    for (exe, labels) in runs {
        let file = TempSpans::new("gather");
        gather_timeline(&recorded(bin_cmd(exe, &args), file.arg()), &file, &labels);
    }
    for twin in ["gather", "gather_smol", "gather_async_std"] {
        let file = TempSpans::new("gather-py");
        let labels = ["gather", "taskgroup", "wait"];
        gather_timeline(&recorded(twin_cmd(twin, &args), file.arg()), &file, &labels);
    }
    // A spans file that cannot be created fails before the tasks start.
    let bad = missing_spans_path();
    for exe in runs.map(|r| r.0) {
        bad_spans_path_fails(&recorded(bin_cmd(exe, &args), &bad));
    }
    for twin in ["gather", "gather_smol", "gather_async_std"] {
        bad_spans_path_fails(&recorded(twin_cmd(twin, &args), &bad));
    }
}

/// The `main` event starting `prefix`, with the prefix cut off.
fn said_after(out: &RunOutput, prefix: &str) -> String {
    let ev = out.events();
    let (_, _, msg) = &ev[pos(out, "main", prefix)];
    msg[prefix.len()..].to_string()
}

fn as_completed(out: RunOutput, completion: &[&str], gathered: &str) {
    ok(&out);
    // Waits 3,1,4,0,2 (tenths of a second apart, on the real clock):
    // shortest first. (Ties, in input order, on tokio's paused clock:
    // as_completed.rs's unit test.)
    let want = "[4, 2, 5, 1, 3]";
    for form in completion {
        assert_eq!(said_after(&out, &format!("{form}: completion order ")), want, "{}", out.dump());
    }
    let input = "[1, 2, 3, 4, 5]";
    assert_eq!(said_after(&out, &format!("{gathered}: input order ")), input, "{}", out.dump());
    line(&out, "check: 5 tasks came back once each");
}

#[test]
fn as_completed_yields_shortest_first() {
    let args = ["--delays", "0.3,0.1,0.4,0,0.2"];
    let out = run_bin(env!("CARGO_BIN_EXE_as_completed"), &args, 10);
    as_completed(out, &["JoinSet", "FuturesUnordered"], "join_all");
    as_completed(run_twin(DIR, "as_completed", &args, 10), &["as_completed"], "gather");
    // asyncio's timers are a heap of exact deadlines: two equal waits end in
    // the order they started (tokio's, with its 1 ms wheel: in the unit test).
    let out = run_twin(DIR, "as_completed", &["--delays", "0.2,0,0.2"], 10);
    assert_eq!(said_after(&out, "as_completed: completion order "), "[2, 1, 3]", "{}", out.dump());
    // Bad input: one clear error line.
    for bad in ["-1", "nan", "inf", "3601"] {
        assert_clean_failure(&run_bin(env!("CARGO_BIN_EXE_as_completed"), &["--delays", bad], 10));
        assert_clean_failure(&run_twin(DIR, "as_completed", &["--delays", bad], 10));
    }
}

fn million_tasks(out: RunOutput, n: &str) {
    ok(&out);
    has_cost(&out, &format!("{n} sleeping tasks"));
    line(&out, &format!("check: all {n} tasks finished"));
    let rss = line(&out, "peak RSS");
    assert!(
        rss.ends_with("bytes per task") || rss.ends_with("not measured on this system"),
        "{}",
        out.dump()
    );
}

#[test]
fn million_tasks_at_a_small_n() {
    for runtime in ["tokio", "smol", "async-std"] {
        for form in ["spawn", "join"] {
            let args = ["--runtime", runtime, "--form", form, "--tasks", "2000", "--sleep", "0.05"];
            million_tasks(run_bin(env!("CARGO_BIN_EXE_million_tasks"), &args, 20), "2000");
        }
    }
    let args = ["--tasks", "2000", "--sleep", "0.05"];
    million_tasks(run_twin(DIR, "million_tasks", &args, 20), "2000");
    for bad in [["--tasks", "0"], ["--sleep", "-1"], ["--sleep", "nan"]] {
        assert_clean_failure(&run_bin(env!("CARGO_BIN_EXE_million_tasks"), &bad, 10));
        assert_clean_failure(&run_twin(DIR, "million_tasks", &bad, 10));
    }
}

fn event_loop(out: RunOutput) {
    ok(&out);
    // Waited together (all start before any is done), each exactly once.
    let ev = out.events();
    let last_start = ev.iter().rposition(|(_, _, m)| m.starts_with("start")).unwrap();
    let first_done = ev.iter().position(|(_, _, m)| m == "done").unwrap();
    assert!(last_start < first_done, "{}", out.dump());
    for k in 1..=3 {
        assert_eq!(count(&out, &format!("task-{k}"), "done"), 1, "{}", out.dump());
    }
    // The loop's key line: only a woken task is polled. Each task is polled
    // once to start and once when its timer wakes it; a loop that re-polls
    // every pending task (the note's "polls every task") makes thousands.
    assert_eq!(
        line(&out, "polls per task: "),
        "polls per task: [2, 2, 2], 6 in all",
        "{}",
        out.dump()
    );
    has_cost(&out, "event_loop gather");
    line(&out, "check: all 3 tasks ran to completion");
}

#[test]
fn event_loop_runs_every_task_to_completion() {
    event_loop(run_bin(env!("CARGO_BIN_EXE_event_loop"), &["--unit", "0.05"], 10));
    event_loop(run_twin(DIR, "event_loop", &["--unit", "0.05"], 10));
    for bad in ["nan", "-1", "inf", "3601"] {
        assert_clean_failure(&run_bin(env!("CARGO_BIN_EXE_event_loop"), &["--unit", bad], 10));
        assert_clean_failure(&run_twin(DIR, "event_loop", &["--unit", bad], 10));
    }
}

/// In `main`'s section `mode`: the ticks between the blocker's `blocking
/// call starts` and `blocking call returned: ...`, and how it returned.
fn while_blocked(out: &RunOutput, mode: &str) -> (usize, String) {
    let s = section(out, mode);
    let at = |prefix: &str| {
        s.iter()
            .position(|(w, m)| w == "blocker" && m.starts_with(prefix))
            .unwrap_or_else(|| panic!("{mode}: no blocker {prefix:?}\n{}", out.dump()))
    };
    let (start, end) = (at("blocking call starts"), at("blocking call returned: "));
    let ticks = s[start..end].iter().filter(|(w, _)| w == "ticker").count();
    let how = &s[end].1["blocking call returned: ".len()..];
    (ticks, how.to_string())
}

fn blocking_pitfall(out: RunOutput, fixes: &[&str]) {
    ok(&out);
    // One thread: while it blocks, no other task runs, so the ticker cannot
    // send the reply either and the call waits out its timeout.
    assert_eq!(while_blocked(&out, "stall"), (0, "timed out".to_string()), "{}", out.dump());
    line(&out, "check: stall: the blocking call stopped every other task");
    for mode in fixes {
        // The reply comes only after the ticker's last tick, so the call
        // returns `answered` only if the ticker ran while it blocked: an
        // order, not a time (5 ticks of 0.02 s against a 1 s timeout).
        assert_eq!(
            while_blocked(&out, mode),
            (4, "answered".to_string()),
            "{mode}\n{}",
            out.dump()
        );
        line(&out, &format!("check: {mode}: the ticker kept ticking"));
    }
}

#[test]
fn blocking_pitfall_stalls_and_the_fix() {
    let bin = env!("CARGO_BIN_EXE_blocking_pitfall");
    let args = ["--tick", "0.02", "--block", "1"];
    blocking_pitfall(run_bin(bin, &args, 20), &["spawn-blocking", "unblock"]);
    let out = run_twin(DIR, "blocking_pitfall", &args, 20);
    blocking_pitfall(out, &["to-thread"]);
    for bad in [["--block", "nan"], ["--tick", "-1"], ["--block", "3601"]] {
        assert_clean_failure(&run_bin(bin, &bad, 10));
        assert_clean_failure(&run_twin(DIR, "blocking_pitfall", &bad, 10));
    }
}

/// The events after `main`'s `{name}: ` line, up to `main`'s next line.
fn section(out: &RunOutput, name: &str) -> Vec<(String, String)> {
    let ev = out.events();
    let from = pos(out, "main", &format!("{name}: ")) + 1;
    ev[from..]
        .iter()
        .take_while(|(_, w, _)| w != "main")
        .map(|(_, w, m)| (w.clone(), m.clone()))
        .collect()
}

/// Within `main`'s section `name`: where producer `i` says `start` and `done`.
fn producer(out: &RunOutput, name: &str, i: u32) -> (usize, usize) {
    let s = section(out, name);
    let p = format!("producer-{i}");
    let at = |what: &str| {
        s.iter()
            .position(|(w, m)| *w == p && m.starts_with(what))
            .unwrap_or_else(|| panic!("{name}: no {p} {what}\n{}", out.dump()))
    };
    (at("start"), at("done"))
}

/// All three producers of section `name` start before any is done.
fn together(out: &RunOutput, name: &str) {
    let last_start = (1..=3).map(|i| producer(out, name, i).0).max().unwrap();
    let first_done = (1..=3).map(|i| producer(out, name, i).1).min().unwrap();
    assert!(last_start < first_done, "{name}\n{}", out.dump());
    line(out, &format!("check: {name}: 3 items, each once"));
    has_cost(out, name);
}

#[test]
fn producer_consumer_async_sequential_vs_together() {
    let args = ["--producers", "3", "--delay", "0.05"];
    let bin = run_bin(env!("CARGO_BIN_EXE_producer_consumer_async"), &args, 10);
    for out in [bin, run_twin(DIR, "producer_consumer_async", &args, 10)] {
        ok(&out);
        // Sequential: producer i+1 starts only after producer i is done.
        for i in 1..3 {
            let (this, next) =
                (producer(&out, "sequential", i), producer(&out, "sequential", i + 1));
            assert!(this.1 < next.0, "{}", out.dump());
        }
        line(&out, "check: sequential: 3 items, each once");
        has_cost(&out, "sequential");
        together(&out, "concurrent");
    }
}

#[test]
fn async_queue_consumer_takes_items_as_they_come() {
    let args = ["--producers", "3", "--delay", "0.05"];
    let bin = run_bin(env!("CARGO_BIN_EXE_async_queue"), &args, 10);
    let twin = run_twin(DIR, "async_queue", &args, 10);
    for (out, name, closed) in [(bin, "mpsc", "channel closed"), (twin, "queue", "queue closed")] {
        ok(&out);
        together(&out, name);
        assert_eq!(count(&out, "consumer", "got item "), 3, "{}", out.dump());
        assert!(pos(&out, "consumer", "got item ") < pos(&out, "consumer", closed));
        assert_eq!(count(&out, "consumer", closed), 1, "{}", out.dump());
    }
    for bad in [["--producers", "0"], ["--delay", "nan"]] {
        assert_clean_failure(&run_bin(env!("CARGO_BIN_EXE_async_queue"), &bad, 10));
        assert_clean_failure(&run_twin(DIR, "async_queue", &bad, 10));
    }
}

fn spinner_async(out: RunOutput) {
    ok(&out);
    // The spinner drew while the slow job awaited (one thread: only because
    // slow() yields at its await), and was cancelled once it answered.
    let first_frame = pos(&out, "spinner", "\\ thinking!");
    assert!(pos(&out, "main", "slow job started") < pos(&out, "main", "slow job done"));
    assert!(first_frame < pos(&out, "main", "slow job done"), "{}", out.dump());
    assert!(pos(&out, "main", "slow job done") < pos(&out, "spinner", "spinner cancelled after"));
    assert_eq!(count(&out, "spinner", "spinner cancelled"), 1, "{}", out.dump());
    // Not a terminal: one event line per frame, no `\r` redraws.
    assert!(!out.stdout.contains('\r'), "{}", out.dump());
    line(&out, "check: the spinner was cancelled");
    assert_eq!(out.stdout.lines().last(), Some("Answer: 42"), "{}", out.dump());
}

#[test]
fn spinner_async_spins_then_is_cancelled() {
    let args = ["--tick", "0.02", "--slow-secs", "0.1"];
    for cancel in ["abort", "select"] {
        let out = run_bin(
            env!("CARGO_BIN_EXE_spinner_async"),
            &[&args[..], &["--cancel", cancel]].concat(),
            10,
        );
        spinner_async(out);
    }
    for cancel in ["abort", "select"] {
        let twin_args = [&args[..], &["--cancel", cancel]].concat();
        spinner_async(run_twin(DIR, "spinner_async", &twin_args, 10));
    }
    assert_clean_failure(&run_bin(env!("CARGO_BIN_EXE_spinner_async"), &["--tick", "0"], 10));
    assert_clean_failure(&run_twin(DIR, "spinner_async", &["--tick", "0"], 10));
}

/// What a terminal shows for `raw`: each `\r` goes back to the line's
/// start, and what follows overwrites what was there.
#[cfg(target_os = "linux")]
fn screen(raw: &str) -> Vec<String> {
    raw.split('\n')
        .map(|line| {
            let mut shown: Vec<char> = Vec::new();
            for part in line.split('\r') {
                for (i, ch) in part.chars().enumerate() {
                    match shown.get_mut(i) {
                        Some(c) => *c = ch,
                        None => shown.push(ch),
                    }
                }
            }
            shown.into_iter().collect::<String>().trim_end().to_string()
        })
        .collect()
}

/// On a terminal (`script` gives the child one) the frames redraw one line
/// in place, and the next event line overwrites the last frame rather than
/// follows it (`| thinking![  3.001s main] slow job done`).
#[cfg(target_os = "linux")]
#[test]
fn spinner_async_leaves_a_clean_terminal() {
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("no `script` (util-linux) here: skipped");
        return;
    }
    let flags = "--tick 0.02 --slow-secs 0.1";
    let twin = format!("python3 {DIR}/python/spinner_async.py {flags}");
    let bin = format!("{} {flags}", env!("CARGO_BIN_EXE_spinner_async"));
    for (cmdline, cancel) in
        [(&bin, "abort"), (&bin, "select"), (&twin, "abort"), (&twin, "select")]
    {
        let mut cmd = Command::new("script");
        cmd.args(["-qfec", &format!("{cmdline} --cancel {cancel}"), "/dev/null"]);
        let out = run_with_timeout(cmd, Duration::from_secs(10)).expect("script starts");
        ok(&out);
        assert!(out.stdout.contains("thinking!"), "no frame drawn\n{}", out.dump());
        let shown = screen(&out.stdout);
        assert!(
            shown.iter().all(|l| !l.contains("thinking![")),
            "a frame left before an event line\n{}",
            shown.join("\n")
        );
        assert!(
            shown.iter().any(|l| l.starts_with('[') && l.ends_with("] slow job done")),
            "{}",
            shown.join("\n")
        );
    }
}

/// In each section, the generator makes item i+1 only after the consumer
/// got item i (it is pulled), and the consumer gets 1..=n in order.
fn async_stream(out: RunOutput, sections: &[&str], n: u32) {
    ok(&out);
    for name in sections {
        let s = section(&out, name);
        let at = |who: &str, msg: String| {
            s.iter()
                .position(|(w, m)| w == who && *m == msg)
                .unwrap_or_else(|| panic!("{name}: no {who} {msg:?}\n{}", out.dump()))
        };
        for i in 1..=n {
            assert!(
                at("generator", format!("making {i}")) < at("generator", format!("yielding {i}"))
            );
            assert!(at("generator", format!("yielding {i}")) < at("consumer", format!("got {i}")));
            if i < n {
                assert!(
                    at("consumer", format!("got {i}"))
                        < at("generator", format!("making {}", i + 1))
                );
            }
        }
        assert!(at("consumer", format!("got {n}")) < at("consumer", "stream ended".into()));
    }
    assert_eq!(count(&out, "consumer", "stream ended"), sections.len(), "{}", out.dump());
}

#[test]
fn async_stream_is_pulled_item_by_item() {
    let args = ["--count", "3", "--delay", "0.01"];
    async_stream(run_bin(env!("CARGO_BIN_EXE_async_stream"), &args, 10), &["macro", "unfold"], 3);
    async_stream(run_twin(DIR, "async_stream", &args, 10), &["async generator"], 3);
}

fn async_context(out: RunOutput, fail: bool) {
    ok(&out);
    for (form, who) in [("explicit", "conn-explicit"), ("helper", "conn-helper")] {
        let s = section(&out, form);
        let said: Vec<&str> = s.iter().filter(|(w, _)| w == who).map(|(_, m)| m.as_str()).collect();
        // Closed after the body, even when the body failed.
        assert_eq!(said, ["open", "query", "close"], "{form}\n{}", out.dump());
    }
    let s = section(&out, "drop");
    let said: Vec<&str> =
        s.iter().filter(|(w, _)| w == "conn-drop").map(|(_, m)| m.as_str()).collect();
    assert_eq!(said, ["open", "query", "dropped while open: no async close ran"], "{}", out.dump());
    let outcome = if fail { "the body failed: the query failed" } else { "the body returned 42" };
    for form in ["explicit", "helper", "drop"] {
        pos(&out, "main", &format!("{form}: {outcome}"));
    }
    line(&out, "check: explicit and helper closed after the body");
}

#[test]
fn async_context_closes_after_the_body() {
    for fail in [false, true] {
        let args: &[&str] = if fail { &["--fail"] } else { &[] };
        async_context(run_bin(env!("CARGO_BIN_EXE_async_context"), args, 10), fail);
        async_context(run_twin(DIR, "async_context", args, 10), fail);
    }
}

/// Every duration flag (`shared::workload::secs_arg` in the bins, a
/// `secs` type in the twins) refuses NaN, infinities, negatives and more than
/// 3600 s with one error line, in the bin and its twin alike.
#[test]
fn duration_flags_refuse_bad_seconds() {
    let cases: [(&str, &str, &str); 7] = [
        (env!("CARGO_BIN_EXE_gather"), "gather", "--unit"),
        (env!("CARGO_BIN_EXE_gather_smol"), "gather_smol", "--unit"),
        (env!("CARGO_BIN_EXE_gather_async_std"), "gather_async_std", "--unit"),
        (env!("CARGO_BIN_EXE_coroutine"), "coroutine", "--pause"),
        (env!("CARGO_BIN_EXE_async_stream"), "async_stream", "--delay"),
        (env!("CARGO_BIN_EXE_producer_consumer_async"), "producer_consumer_async", "--delay"),
        (env!("CARGO_BIN_EXE_spinner_async"), "spinner_async", "--slow-secs"),
    ];
    for (exe, twin, flag) in cases {
        for bad in ["nan", "-1", "inf", "3601"] {
            assert_clean_failure(&run_bin(exe, &[flag, bad], 10));
            assert_clean_failure(&run_twin(DIR, twin, &[flag, bad], 10));
        }
    }
}
