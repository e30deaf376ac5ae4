//! Spans recorded by `shared` itself once `shared::init()` found
//! `CONCURRENCY_PAIRS_SPANS`: fetches, cost lines, big primes, sha jobs and
//! every event line (as a mark), named by thread or task, appended by the
//! `Run` guard in one write, by a child process too. One test per process
//! role: recording is process-wide, so the parent's checks run in one test.

use std::process::Command;
use std::time::Duration;

use shared::crawl::{Retry, fetch, fetch_with_retry, fetch_with_retry_async};
use shared::site::{Site, SiteConfig};
use shared::spans::{SPANS_ENV, Span, read};
use shared::timing::{EPOCH_ENV, Stopwatch, named, timed};
use shared::workload::{is_prime, sha_job};

/// The role a re-run of this test binary plays (see `child_role`).
const ROLE: &str = "SHARED_SPANS_TEST_ROLE";

fn find<'a>(spans: &'a [Span], name: &str, what: &str) -> &'a Span {
    spans
        .iter()
        .find(|s| s.name == name && s.what == what)
        .unwrap_or_else(|| panic!("no span {name:?} {what:?} in {spans:#?}"))
}

/// This test binary again, running only `child_role` with `role`.
fn child(role: &str, spans: &std::path::Path) -> std::process::Output {
    Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child_role", "--nocapture", "--test-threads=1"])
        .env(ROLE, role)
        .env(SPANS_ENV, spans)
        .output()
        .unwrap()
}

/// The pid the child printed.
fn out_pid(out: &std::process::Output) -> String {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let i = stdout.find("CHILD PID ").expect("the child's pid") + "CHILD PID ".len();
    stdout[i..].split_whitespace().next().unwrap().to_string()
}

#[test]
fn child_role() {
    match std::env::var(ROLE).as_deref() {
        Ok("record") => {
            let _run = shared::init().unwrap();
            println!("CHILD PID {}", std::process::id());
            shared::event!("child says hi");
            assert!(!is_prime(1_000_000_000_001)); // 73 x 137 x 99990001: a quick check, but above SPAN_MIN_PRIME
        }
        Ok("bad-path") => match shared::init() {
            Ok(_) => println!("INIT OK"),
            Err(e) => println!("INIT ERROR: {e:#}"),
        },
        _ => {} // the parent's run of this test: nothing to do
    }
}

#[test]
fn shared_records_spans_by_itself_once_init_found_the_variable() {
    let dir = std::env::temp_dir().join(format!("shared-spans-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("spans.jsonl");
    let _ = std::fs::remove_file(&path);

    // Not recording: nothing is kept.
    shared::event!("before init");
    assert!(!shared::spans::enabled());

    // Safety: the other test of this binary (`child_role`) reads no
    // environment in this process; no test spawns threads meanwhile.
    unsafe { std::env::set_var(SPANS_ENV, &path) };
    let run = shared::init().unwrap();
    assert!(run.recording() && shared::spans::enabled());
    assert!(path.exists(), "init opens the file at once");
    assert!(std::env::var(EPOCH_ENV).is_ok(), "init exports the clock");

    shared::event!("hello");
    timed("one job", || std::thread::sleep(Duration::from_millis(5)));
    Stopwatch::start().report("stopwatch job");
    assert!(!is_prime(1_000_000_000_001) && is_prime(7));
    sha_job(1024, 3);
    let site =
        Site::start(SiteConfig { pages: 3, latency: Duration::ZERO, ..SiteConfig::default() })
            .unwrap();
    let retry = Retry::default();
    std::thread::Builder::new()
        .name("craw-1".into())
        .spawn({
            let url = site.page_urls()[0].clone();
            move || fetch_with_retry(&url, &retry)
        })
        .unwrap()
        .join()
        .unwrap()
        .body
        .unwrap();
    // An async fetch inside a named task, on a tokio worker thread.
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_time()
        .build()
        .unwrap();
    let url = site.page_urls()[1].clone();
    rt.block_on(async {
        tokio::spawn(named("task-2", async move {
            shared::event!("fetching");
            let get = |u: String| async move { fetch(&u, retry.timeout) };
            fetch_with_retry_async(&url, &retry, get, tokio::time::sleep).await
        }))
        .await
        .unwrap()
    });

    // A child process with the variable appends its own spans, on rows
    // tagged with its pid.
    let out = child("record", &path);
    assert!(out.status.success(), "{out:?}");
    drop(run);
    assert!(!shared::spans::enabled());

    let spans = read(&path).unwrap();
    let main = shared::timing::thread_name();
    let hello = find(&spans, &main, "hello");
    assert_eq!(hello.start, hello.end, "an event is a mark");
    let job = find(&spans, &main, "one job");
    assert!(job.start < job.end, "a timed job is a span, not a mark: {job:?}");
    find(&spans, &main, "stopwatch job");
    find(&spans, &main, "is_prime 1000000000001");
    assert!(!spans.iter().any(|s| s.what == "is_prime 7"), "small checks are not spans");
    find(&spans, &main, "sha seed 3");
    find(&spans, "craw-1", "page 1");
    find(&spans, "task-2", "page 2");
    find(&spans, "task-2", "fetching");
    assert!(!spans.iter().any(|s| s.what == "before init"));
    // the child's spans (its test thread is `child_role`), on the parent's clock
    let child_row = format!("child_role (pid {})", out_pid(&out));
    let child_mark = find(&spans, &child_row, "child says hi");
    let page2 = find(&spans, "task-2", "page 2");
    assert!(child_mark.start >= page2.end, "{child_mark:?} {page2:?}");
    find(&spans, &child_row, "is_prime 1000000000001");
    // appended, not overwritten: the child's lines come first
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.lines().next().unwrap().contains("child says hi"), "{text}");
    for s in &spans {
        assert!(0.0 <= s.start && s.start <= s.end, "{s:?}");
    }

    // A file that cannot be written: init says so at once, in one message.
    let bad = dir.join("no/such/dir/spans.jsonl");
    let out = child("bad-path", &bad);
    let stdout = String::from_utf8_lossy(&out.stdout);
    // (the harness prints `test child_role ... ` before the child's line)
    let line = stdout
        .lines()
        .find_map(|l| l.find("INIT").map(|i| &l[i..]))
        .unwrap_or_else(|| panic!("{out:?}"));
    assert!(
        line.starts_with("INIT ERROR: cannot create the spans file")
            && line.contains("(named by CONCURRENCY_PAIRS_SPANS): "),
        "{line}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
