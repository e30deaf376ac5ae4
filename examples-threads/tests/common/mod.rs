//! Helpers shared by the test files: each says `mod common;`. A file that
//! leaves one of them unused would warn about it, hence the allow.
#![allow(dead_code)]

use shared::run::RunOutput;

/// The crate's directory, where `run_twin` finds `python/<bin>.py`.
pub const DIR: &str = env!("CARGO_MANIFEST_DIR");

/// Exited by itself with code 0.
pub fn ok(out: &RunOutput) {
    assert!(out.success(), "{}", out.dump());
}

/// Failed by itself (a non-zero exit code, not killed by the test's time
/// limit), with an error message rather than a Rust panic or a Python traceback.
pub fn assert_clean_failure(out: &RunOutput) {
    assert!(
        !out.success() && !out.timed_out && out.code.is_some(),
        "{}",
        out.dump()
    );
    assert!(!out.stderr.contains("panicked"), "{}", out.dump());
    assert!(!out.stderr.contains("Traceback"), "{}", out.dump());
}

/// Index of the first event by `who` whose message starts with `prefix`.
pub fn pos(out: &RunOutput, who: &str, prefix: &str) -> usize {
    out.events()
        .iter()
        .position(|(_, w, m)| w == who && m.starts_with(prefix))
        .unwrap_or_else(|| panic!("no `{who}` event starting {prefix:?}\n{}", out.dump()))
}

/// How many events by `who` start with `prefix`.
pub fn count(out: &RunOutput, who: &str, prefix: &str) -> usize {
    out.events()
        .iter()
        .filter(|(_, w, m)| w == who && m.starts_with(prefix))
        .count()
}

/// The stdout line that starts with `prefix` (not an event line).
pub fn line<'a>(out: &'a RunOutput, prefix: &str) -> &'a str {
    out.stdout
        .lines()
        .find(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("no line starting {prefix:?}\n{}", out.dump()))
}

/// `<label>, cost = 1.234 seconds` is printed: the one timing line shape.
pub fn has_cost(out: &RunOutput, label: &str) {
    let l = line(out, &format!("{label}, cost = "));
    assert!(l.ends_with(" seconds"), "{}", out.dump());
}

/// The event lines as (who, message), without the timestamps.
pub fn said(out: &RunOutput) -> Vec<(String, String)> {
    out.events()
        .into_iter()
        .map(|(_, who, msg)| (who, msg))
        .collect()
}

/// A bad flag value is refused the same way by the bin at `exe` and by its
/// twin `python/<twin>.py`: exit code `code` (2 for what clap and argparse
/// refuse), no panic, no traceback, exactly one `error:` line on stderr
/// (clap's, argparse's or `main`'s), and that line says `says`.
pub fn refused(exe: &str, twin: &str, args: &[&str], code: i32, says: &str) {
    for out in [
        shared::run::run_bin(exe, args, 10),
        shared::run::run_twin(DIR, twin, args, 10),
    ] {
        assert_clean_failure(&out);
        assert_eq!(out.code, Some(code), "{args:?}\n{}", out.dump());
        let errors: Vec<&str> = out
            .stderr
            .lines()
            .filter(|l| l.to_lowercase().contains("error:"))
            .collect();
        assert_eq!(errors.len(), 1, "{args:?}\n{}", out.dump());
        assert!(
            errors[0].contains(says),
            "{args:?}: {says:?}\n{}",
            out.dump()
        );
    }
}
