//! The process basics: each bin and its Python twin run as a child of the test
//! with small flags; the checks are what the catalogue says each must show
//! (distinct PIDs, lost updates only without the lock, a message round trip,
//! captured output, status and timeout, HTTP answers and a 400). Every run is
//! tagged and, afterwards, no process with its tag may be left (Linux: read
//! from /proc). No test asserts a time; each run has a time limit.

mod common;

use common::{bin, count, line, ok, pos, said, twin};
use shared::run::RunOutput;

/// The PID in the first `who` event that starts with `prefix` and ends with it.
fn pid_of(out: &RunOutput, who: &str, prefix: &str) -> u32 {
    let msg = &out.events()[pos(out, who, prefix)].2;
    msg.rsplit(' ')
        .next()
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no pid in {msg:?}\n{}", out.dump()))
}

fn sing_dance(out: RunOutput) {
    ok(&out);
    let main = pid_of(&out, "main", "main process pid ");
    let sing = pid_of(&out, "main", "started sing_process: pid ");
    let dance = pid_of(&out, "main", "started dance_process: pid ");
    // Each child reports the PID its parent saw: they really are those processes.
    assert_eq!(pid_of(&out, "sing", "running in pid "), sing, "{}", out.dump());
    assert_eq!(pid_of(&out, "dance", "running in pid "), dance, "{}", out.dump());
    assert!(main != sing && main != dance && sing != dance, "{}", out.dump());
    assert_eq!(count(&out, "sing", "唱歌......"), 3, "{}", out.dump());
    assert_eq!(count(&out, "dance", "跳舞......"), 3, "{}", out.dump());
    // main waited for both before its check.
    assert!(pos(&out, "sing", "唱歌") < pos(&out, "main", "sing_process (pid"));
    assert!(pos(&out, "dance", "跳舞") < pos(&out, "main", "dance_process (pid"));
    line(&out, "check: 3 processes, 3 distinct PIDs");
}

#[test]
fn sing_dance_proc_runs_two_processes() {
    let args = ["--num", "3", "--interval", "0.1"];
    sing_dance(bin(env!("CARGO_BIN_EXE_sing_dance_proc"), &args, 20));
    sing_dance(twin("sing_dance_proc", &args, 20));
}

/// Killed with main: never the end, and nothing left behind. (How many steps
/// come first depends on how fast the worker starts: not checked.)
fn daemon_killed(out: &RunOutput) {
    ok(out); // and not killed by the test's timeout, which is shorter than 10 s
    assert_eq!(count(out, "worker", "step 10/10"), 0, "{}", out.dump());
    assert_eq!(count(out, "worker", "worker finished"), 0, "{}", out.dump());
    pos(out, "main", "main returns");
}

#[test]
fn daemon_proc_kill_join_detach() {
    let exe = env!("CARGO_BIN_EXE_daemon_proc");
    // kill: a worker that would run 20 s against main's 0.3 s (no race
    // between the two sleeps). Only the guard ends it early; without it the
    // run lasts until the worker ends (its stdout stays open), and its 10
    // steps and `worker finished` fail the test instead of hanging it.
    let args = ["--worker-secs", "20", "--main-secs", "0.3"];
    let out = bin(exe, &args, 8);
    daemon_killed(&out);
    let killed = &out.events()[pos(&out, "main", "drop: killed worker ")].2;
    #[cfg(unix)]
    assert!(killed.ends_with("(SIGKILL)"), "{}", out.dump());
    let _ = killed;
    daemon_killed(&twin("daemon_proc", &args, 8));

    // join: main waits for the whole run.
    let args = ["--worker-secs", "0.5", "--main-secs", "0.1", "--mode", "join"];
    for out in [bin(exe, &args, 10), twin("daemon_proc", &args, 10)] {
        ok(&out);
        assert_eq!(count(&out, "worker", "step "), 10, "{}", out.dump());
        assert!(pos(&out, "worker", "worker finished") < pos(&out, "main", "worker exited"));
    }

    // detach: the worker finishes after main has returned (and so after the
    // bin exited: the run ends when the last writer of its stdout is gone).
    // The worker's 2 s against main's 0.1 s: a wide margin on a busy machine.
    let args = ["--worker-secs", "2", "--main-secs", "0.1", "--mode", "detach"];
    for out in [bin(exe, &args, 10), twin("daemon_proc", &args, 10)] {
        ok(&out);
        let returned = pos(&out, "main", "main returns");
        assert!(returned < pos(&out, "worker", "worker finished"), "{}", out.dump());
        assert_eq!(count(&out, "worker", "step "), 10, "{}", out.dump());
    }
}

fn spinner(out: &RunOutput) {
    ok(out);
    let frames = count(out, "spinner", "") - 2; // less "running in" and "stopped"
    assert!(frames >= 1, "{}", out.dump());
    let stopped = pos(out, "spinner", "spinner stopped after ");
    assert_eq!(
        out.events()[stopped].2,
        format!("spinner stopped after {frames} frames"),
        "{}",
        out.dump()
    );
    assert_eq!(
        pid_of(out, "spinner", "running in pid "),
        pid_of(out, "main", "started the spinner process: pid "),
    );
    // Causal order: main finishes, then says stop, then waits for the exit.
    assert!(pos(out, "main", "slow job done") < stopped, "{}", out.dump());
    assert!(stopped < pos(out, "main", "spinner exited: exit status: 0"));
    assert_eq!(out.stdout.lines().last(), Some("Answer: 42"), "{}", out.dump());
}

#[test]
fn spinner_proc_is_stopped_by_its_parent() {
    let args = ["--tick", "0.05", "--slow-secs", "0.5"];
    spinner(&bin(env!("CARGO_BIN_EXE_spinner_proc"), &args, 10));
    spinner(&twin("spinner_proc", &args, 10));
}

/// Runs `exe args` with `input` on its stdin; (exit code, stdout, stderr).
/// Killed (and the test failed) after 10 s.
fn with_input(exe: &str, args: &[&str], input: &str) -> (Option<i32>, String, String) {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new(exe)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the example starts");
    let pid = child.id();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(input.as_bytes()).unwrap();
    drop(stdin);
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || tx.send(child.wait_with_output()));
    let Ok(out) = rx.recv_timeout(std::time::Duration::from_secs(10)) else {
        let _ = std::process::Command::new("kill").args(["-9", &pid.to_string()]).status();
        panic!("{exe} {args:?} did not finish in 10 s");
    };
    let out = out.unwrap();
    let text = |b: Vec<u8>| String::from_utf8_lossy(&b).into_owned();
    (out.status.code(), text(out.stdout), text(out.stderr))
}

#[test]
fn process_queue_round_trip() {
    let exe = env!("CARGO_BIN_EXE_process_queue");
    let out = bin(exe, &[], 10);
    ok(&out);
    let pid = pid_of(&out, "main", "started the child: pid ");
    pos(&out, "main", r#"put Item(42, None, "hello") as the line [42,null,"hello"]"#);
    pos(&out, "main", r#"got back Item(42, None, "hello")"#);
    let got = format!(r#"child] pid {pid} got Item(42, None, "hello"); putting it back"#);
    assert!(out.stderr.contains(&got), "{}", out.dump());
    line(&out, "check: the item came back unchanged");

    let out = twin("process_queue", &[], 20);
    ok(&out);
    pos(&out, "main", "got back [42, None, 'hello']");
    line(&out, "check: the item came back unchanged");

    // The wire format on its own: the child role reads JSON lines and writes
    // each one back; a line that is not an Item is a clean error.
    let input = "[42,null,\"hello\"]\n[7,\"x\",\"\"]\n";
    let (code, stdout, _) = with_input(exe, &["--role", "child"], input);
    assert_eq!((code, stdout.as_str()), (Some(0), input));
    let (code, _, stderr) = with_input(exe, &["--role", "child"], "{\"n\":42}\n");
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("bad message") && !stderr.contains("panicked"), "{stderr}");
}

/// The `counter = N` of the line that starts with `label: `.
fn counter(out: &RunOutput, label: &str) -> u64 {
    let l = line(out, &format!("{label}: counter = "));
    let n = l.split(" = ").nth(1).and_then(|r| r.split(',').next());
    n.and_then(|n| n.parse().ok()).unwrap_or_else(|| panic!("no count in {l:?}\n{}", out.dump()))
}

#[test]
fn process_lock_loses_updates_only_without_the_lock() {
    let small = ["--processes", "4", "--increments", "200", "--window-us", "200"];
    let run = |twin_run: bool, mode: &str| {
        let args = [&small[..], &["--mode", mode]].concat();
        let out = if twin_run {
            twin("process_lock", &args, 60)
        } else {
            bin(env!("CARGO_BIN_EXE_process_lock"), &args, 60)
        };
        ok(&out);
        out
    };
    for (twin_run, label) in [(false, "file lock"), (true, "Lock")] {
        // With the lock: every one of the 4 x 200 increments is there.
        let out = run(twin_run, "lock");
        assert_eq!(count(&out, "main", "worker pid "), 4, "{}", out.dump());
        assert_eq!(counter(&out, label), 800, "{}", out.dump());
        line(&out, &format!("check: with the {label} no update was lost"));
        // Without: the race is wide, but still a race; a few tries at most.
        let lost = (0..3).any(|_| counter(&run(twin_run, "no-lock"), "no lock") < 800);
        assert!(lost, "no update was lost in 3 unlocked runs (twin: {twin_run})");
    }
}

fn subprocess(out: &RunOutput) {
    ok(out);
    let events = said(out);
    let has = |prefix: &str| events.iter().any(|(w, m)| w == "main" && m.starts_with(prefix));
    assert!(has(r#"sort [3 1 2]: exit status: 0, stdout "1\n2\n3\n""#), "{}", out.dump());
    assert!(has(r#"sort [3 1 2]: stderr """#), "{}", out.dump());
    assert!(has(r#"sort [3 banana]: exit status: 1, stdout """#), "{}", out.dump());
    let err = &events[pos(out, "main", "sort [3 banana]: stderr ")].1;
    assert!(err.contains(r#"not a number: \"banana\""#), "{}", out.dump());
    assert!(has("hang []: timed out after "), "{}", out.dump());
    line(out, "check: output, failure status and timeout all captured");
}

#[test]
fn subprocess_captures_output_status_and_timeout() {
    // Long enough for a sort to start and finish on a busy machine; the hang
    // is killed after it.
    let args = ["--timeout", "2"];
    subprocess(&bin(env!("CARGO_BIN_EXE_subprocess"), &args, 20));
    subprocess(&twin("subprocess_run", &args, 20));
}

fn web_is_prime(out: &RunOutput) {
    ok(out);
    let answers =
        r#"{"2":true,"17":true,"91":false,"112272535095293":true,"112272535095295":false}"#;
    pos(out, "main", "serving on http://127.0.0.1:");
    pos(
        out,
        "main",
        &format!("GET /is_prime/2,17,91,112272535095293,112272535095295 -> 200 {answers}"),
    );
    pos(out, "main", r#"GET /is_prime/7,abc -> 400 bad number "abc": "#);
    line(out, "check: every answer matches is_prime; 7,abc got 400");
}

#[test]
fn web_is_prime_answers_json_and_400() {
    let exe = env!("CARGO_BIN_EXE_web_is_prime");
    web_is_prime(&bin(exe, &[], 20));
    web_is_prime(&twin("web_is_prime", &[], 30));
    // A number past the limit is refused with a 400 too; then the run fails.
    let args = ["--numbers", "5,1000000000000001"];
    for out in [bin(exe, &args, 20), twin("web_is_prime", &args, 30)] {
        common::assert_clean_failure(&out);
        let msg =
            r#"GET /is_prime/5,1000000000000001 -> 400 bad number "1000000000000001": more than"#;
        pos(&out, "main", msg);
    }
}

/// The guard the bins use: dropping it kills and reaps the child.
#[cfg(unix)]
#[test]
fn kill_on_drop_leaves_no_process() {
    use examples_processes::child::KillOnDrop;
    let child = std::process::Command::new("sleep").arg("30").spawn().unwrap();
    let pid = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        drop(KillOnDrop(child));
        tx.send(())
    });
    let dropped = rx.recv_timeout(std::time::Duration::from_secs(10));
    assert!(dropped.is_ok(), "drop did not return: the child was not killed");
    // Reaped, not just killed: no zombie entry either. (A PID is reused
    // only after many others, so this is the same process.)
    #[cfg(target_os = "linux")]
    assert!(!std::path::Path::new(&format!("/proc/{pid}")).exists());
    let _ = pid;
}

/// The one message scheme: a value per JSON line; `None` at the end.
#[test]
fn json_lines_round_trip() {
    use examples_processes::child::{recv, send};
    let mut wire = Vec::new();
    send(&mut wire, &(42, None::<i32>, "hello")).unwrap();
    assert_eq!(wire, b"[42,null,\"hello\"]\n");
    let mut r = std::io::Cursor::new(wire);
    let got: Option<(i32, Option<i32>, String)> = recv(&mut r).unwrap();
    assert_eq!(got, Some((42, None, "hello".into())));
    assert_eq!(recv::<(i32, Option<i32>, String)>(&mut r).unwrap(), None);
}

/// The stray check itself: a backgrounded `sleep` is found (and killed).
#[cfg(target_os = "linux")]
#[test]
fn the_stray_check_finds_a_leftover() {
    let mut cmd = std::process::Command::new("sh");
    cmd.args(["-c", "sleep 30 >/dev/null 2>&1 &"]);
    let run = std::panic::AssertUnwindSafe(|| common::run_tagged(cmd, 10));
    assert!(std::panic::catch_unwind(run).is_err(), "no stray seen");
}

/// The path of this crate's bin `name` (built beside the others).
fn sibling(name: &str) -> std::path::PathBuf {
    let exe = format!("{name}{}", std::env::consts::EXE_SUFFIX);
    std::path::Path::new(env!("CARGO_BIN_EXE_sing_dance_proc")).with_file_name(exe)
}

/// A bad flag, bin and twin alike: one `error:` line, exit code 2 (a usage
/// error), no panic, no traceback. NaN, infinities, negatives and values past
/// the Rust maximum (3600 s) are all refused.
#[test]
fn bad_flags_give_one_error_line() {
    let cases: &[(&str, &str, &[&str])] = &[
        ("sing_dance_proc", "sing_dance_proc", &["--interval", "NaN"]),
        ("sing_dance_proc", "sing_dance_proc", &["--interval", "1e300"]),
        ("sing_dance_proc", "sing_dance_proc", &["--num", "0"]),
        ("daemon_proc", "daemon_proc", &["--worker-secs", "inf"]),
        ("daemon_proc", "daemon_proc", &["--main-secs=-1"]),
        ("daemon_proc", "daemon_proc", &["--main-secs", "3601"]),
        ("spinner_proc", "spinner_proc", &["--tick", "0"]),
        ("spinner_proc", "spinner_proc", &["--slow-secs", "1e20"]),
        ("subprocess", "subprocess_run", &["--timeout", "nan"]),
        ("subprocess", "subprocess_run", &["--timeout", "0"]),
        ("process_lock", "process_lock", &["--processes", "0"]),
        ("process_lock", "process_lock", &["--window-us", "100001"]),
        ("process_pool_hash", "process_pool_hash", &["--size=-1"]),
        ("cpu_bound_proc", "cpu_bound_proc", &["--count", "101"]),
        ("web_is_prime", "web_is_prime", &["--port", "65536"]),
    ];
    for &(name, twin_name, args) in cases {
        let exe = sibling(name);
        for out in [bin(exe.to_str().unwrap(), args, 10), twin(twin_name, args, 10)] {
            assert_eq!(out.code, Some(2), "{name} {args:?}\n{}", out.dump());
            let errors = out.stderr.lines().filter(|l| l.contains("error:")).count();
            assert_eq!(errors, 1, "{name} {args:?}\n{}", out.dump());
            common::assert_clean_failure(&out);
        }
    }
}

/// An error found after the flags parse (exit code 1) is one message, with no
/// backtrace even under RUST_BACKTRACE=1 (`shared::quiet_backtraces`).
#[test]
fn runtime_errors_have_no_backtrace() {
    let cases: &[(&str, &[&str])] = &[
        ("fault_isolation", &["--kill", "12"]),
        ("fault_isolation", &["--poison", "12"]),
        ("multi_machine", &["-n", "2", "-p", "0"]),
        ("web_is_prime", &["--numbers", "abc"]),
    ];
    for &(name, args) in cases {
        let exe = sibling(name);
        let mut cmd = std::process::Command::new(exe);
        cmd.args(args).env("RUST_BACKTRACE", "1").stdin(std::process::Stdio::null());
        let out = common::run_tagged(cmd, 20);
        assert_eq!(out.code, Some(1), "{name} {args:?}\n{}", out.dump());
        common::assert_clean_failure(&out);
        assert_eq!(out.stderr.matches("Error: ").count(), 1, "{}", out.dump());
        assert!(!out.stderr.contains("backtrace"), "{}", out.dump());
    }
}
