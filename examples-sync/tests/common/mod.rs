//! Helpers shared by the test files: each says `mod common;`. A file that
//! leaves one of them unused would warn about it, hence the allow.
#![allow(dead_code, unused_imports)]

pub use shared::run::RunOutput;
/// The assertions every crate's tests use (`ok`, `pos`, `count`, `line`, ...).
pub use shared::run::checks::*;

/// The crate's directory, where `run_twin` finds `python/<bin>.py`.
pub const DIR: &str = env!("CARGO_MANIFEST_DIR");

/// A bad flag value is refused the same way by the bin at `exe` and by its
/// twin `python/<twin>.py`: exit code `code` (2 for what clap and argparse
/// refuse), no panic, no traceback, exactly one `error:` line on stderr
/// (clap's, argparse's or `main`'s), and that line says `says`. A refusal
/// comes before any work and takes well under a second; the 60 s limit is
/// only there so a hang fails: a busy machine (the whole suite on 2 cores)
/// once took a twin's start-up past a 10 s limit.
pub fn refused(exe: &str, twin: &str, args: &[&str], code: i32, says: &str) {
    for out in [shared::run::run_bin(exe, args, 60), shared::run::run_twin(DIR, twin, args, 60)] {
        assert_clean_failure(&out);
        assert_eq!(out.code, Some(code), "{args:?}\n{}", out.dump());
        let errors: Vec<&str> =
            out.stderr.lines().filter(|l| l.to_lowercase().contains("error:")).collect();
        assert_eq!(errors.len(), 1, "{args:?}\n{}", out.dump());
        assert!(errors[0].contains(says), "{args:?}: {says:?}\n{}", out.dump());
    }
}
