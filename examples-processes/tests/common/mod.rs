//! Helpers shared by the test files: each says `mod common;`. A file that
//! leaves one of them unused would warn about it, hence the allow.
#![allow(dead_code, unused_imports)]

pub use shared::run::RunOutput;
/// The assertions every crate's tests use (`ok`, `pos`, `count`, `line`, ...).
pub use shared::run::checks::*;

/// The crate's directory, where `run_twin` finds `python/<bin>.py`.
pub const DIR: &str = env!("CARGO_MANIFEST_DIR");

// --- No process outlives its run (added for the process examples) ---

use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

/// The environment variable that marks every process a test starts; their
/// children, and theirs, inherit it, so a leftover is found by its tag.
const TAG_VAR: &str = "CONCURRENCY_PAIRS_TEST_TAG";

/// Runs `cmd` with a time limit (as `shared::run::run_with_timeout`) and a
/// fresh tag in its environment, then asserts that no process carrying the
/// tag is still alive: every child the example (or twin) started was waited
/// for or killed. The check reads `/proc`, so it runs on Linux only.
pub fn run_tagged(mut cmd: Command, timeout_secs: u64) -> RunOutput {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let tag = format!(
        "{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    cmd.env(TAG_VAR, &tag);
    let out = shared::run::run_with_timeout(cmd, Duration::from_secs(timeout_secs))
        .expect("the example starts");
    let left = strays(&tag);
    if !left.is_empty() {
        for pid in &left {
            // Clean up before failing, so one failure leaves nothing behind.
            let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
        }
        panic!("processes {left:?} outlived the run\n{}", out.dump());
    }
    out
}

/// Runs a bin of this crate (`env!("CARGO_BIN_EXE_<bin>")`) via [`run_tagged`].
pub fn bin(exe: &str, args: &[&str], timeout_secs: u64) -> RunOutput {
    let mut cmd = Command::new(exe);
    cmd.args(args);
    run_tagged(cmd, timeout_secs)
}

/// Runs the Python twin `python/<name>.py` (unbuffered) via [`run_tagged`].
pub fn twin(name: &str, args: &[&str], timeout_secs: u64) -> RunOutput {
    let script = std::path::Path::new(DIR)
        .join("python")
        .join(format!("{name}.py"));
    assert!(script.is_file(), "no Python twin at {}", script.display());
    let mut cmd = Command::new("python3");
    cmd.arg("-u").arg(&script).args(args);
    run_tagged(cmd, timeout_secs)
}

/// The live processes carrying `tag`, after giving killed ones up to 5 s to
/// go (a kill is delivered asynchronously). A zombie has no environment left
/// in `/proc`, so it does not count: its parent is gone and init reaps it.
pub fn strays(tag: &str) -> Vec<u32> {
    let mut left = tagged(tag);
    for _ in 0..500 {
        if left.is_empty() {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
        left = tagged(tag);
    }
    left
}

/// The processes whose environment holds `TAG_VAR=tag`, read from `/proc`.
#[cfg(target_os = "linux")]
fn tagged(tag: &str) -> Vec<u32> {
    let want = format!("{TAG_VAR}={tag}");
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    dir.filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            let env = std::fs::read(format!("/proc/{pid}/environ")).unwrap_or_default();
            env.split(|&b| b == 0).any(|kv| kv == want.as_bytes())
        })
        .collect()
}

/// Elsewhere there is no `/proc` to read: the check passes vacuously.
#[cfg(not(target_os = "linux"))]
fn tagged(_tag: &str) -> Vec<u32> {
    Vec::new()
}
