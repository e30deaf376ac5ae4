//! The Pythons the twins run on: `compare --python PATH` (repeatable; default
//! the `python3` on PATH). Each is asked once for the interpreter itself, its
//! version, whether its GIL is on and whether it has Python 3.14's
//! `concurrent.futures.InterpreterPoolExecutor`; its rows are labelled
//! `Python 3.11.7 (GIL)` or `Python 3.13.1 (free-threaded)`.

use std::process::Command;

use anyhow::{Context, Result, bail};
use serde::Serialize;

/// One interpreter, as it describes itself.
#[derive(Debug, Clone, Serialize)]
pub struct Python {
    /// What `--python` named: `python3`, `/usr/bin/python3`, `python3.14t`.
    pub given: String,
    /// The interpreter itself (`sys.executable`), which runs every twin: where
    /// `python3` is a launcher (a pyenv shim is a bash script that starts more
    /// processes), the launcher's time and memory would count as Python's.
    pub exe: String,
    /// `3.11.7` (`platform.python_version()`).
    pub version: String,
    /// The GIL is on: `sys._is_gil_enabled()` where it exists (3.13+), else on.
    pub gil: bool,
    /// It has `concurrent.futures.InterpreterPoolExecutor` (Python 3.14+).
    pub interpreter_pool: bool,
    /// `Python 3.11.7 (GIL)` / `Python 3.13.1 (free-threaded)`: how its rows are labelled.
    pub label: String,
}

/// What the interpreter is asked: four lines.
const PROBE: &str = "import sys, platform, concurrent.futures as f
print(sys.executable)
print(platform.python_version())
print(getattr(sys, '_is_gil_enabled', lambda: True)())
print(hasattr(f, 'InterpreterPoolExecutor'))";

/// `Python 3.11.7 (GIL)` or `Python 3.13.1 (free-threaded)`.
pub fn label(version: &str, gil: bool) -> String {
    format!("Python {version} ({})", if gil { "GIL" } else { "free-threaded" })
}

/// Asks `python` what it is.
///
/// # Errors
/// It cannot be started, or does not answer as a Python 3 does.
pub fn probe(python: &str) -> Result<Python> {
    let out = Command::new(python)
        .args(["-c", PROBE])
        .output()
        .with_context(|| format!("--python {python}: cannot run it (the twins need it)"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    match (out.status.success(), lines.as_slice()) {
        (true, [exe, version, gil, pool]) if !exe.is_empty() => Ok(Python {
            given: python.to_string(),
            exe: exe.to_string(),
            version: version.to_string(),
            gil: *gil != "False",
            interpreter_pool: *pool == "True",
            label: label(version, *gil != "False"),
        }),
        _ => bail!(
            "--python {python}: not a Python 3 that compare can use ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_say_the_version_and_the_gil() {
        assert_eq!(label("3.11.7", true), "Python 3.11.7 (GIL)");
        assert_eq!(label("3.13.1", false), "Python 3.13.1 (free-threaded)");
    }

    #[test]
    fn a_program_that_is_not_python_is_one_error_naming_the_flag() {
        let e = probe("/bin/false").unwrap_err().to_string();
        assert!(e.starts_with("--python /bin/false: not a Python 3"), "{e}");
        let e = probe("/no/such/python").unwrap_err().to_string();
        assert!(e.starts_with("--python /no/such/python: cannot run it"), "{e}");
    }
}
