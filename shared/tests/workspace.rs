//! Keeps the workspace honest as bins land: every example bin runs in a test,
//! every Python twin runs in a test, and the README's index lists them all.

use std::fs;
use std::path::{Path, PathBuf};

const CRATES: [&str; 4] = [
    "examples-threads",
    "examples-sync",
    "examples-processes",
    "examples-async",
];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("shared/ sits in the workspace")
        .to_path_buf()
}

/// File stems in `dir` with extension `ext`, sorted; empty if `dir` is missing.
fn stems(dir: &Path, ext: &str) -> Vec<String> {
    let mut out: Vec<String> = fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == ext))
                .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// `src` with its `//` comments (line and doc comments) cut out, so a name
/// that appears only in a comment does not count as run by a test. A `//`
/// inside a string literal (a URL) is kept.
fn code_only(src: &str) -> String {
    let mut out = String::with_capacity(src.len());
    for line in src.lines() {
        let bytes = line.as_bytes();
        let (mut in_str, mut escaped, mut cut) = (false, false, line.len());
        for i in 0..bytes.len() {
            let c = bytes[i];
            if in_str {
                match (escaped, c) {
                    (true, _) => escaped = false,
                    (false, b'\\') => escaped = true,
                    (false, b'"') => in_str = false,
                    _ => {}
                }
            } else if c == b'"' {
                in_str = true;
            } else if c == b'/' && bytes.get(i + 1) == Some(&b'/') {
                cut = i;
                break;
            }
        }
        out.push_str(&line[..cut]);
        out.push('\n');
    }
    out
}

/// All the test sources of one crate, comments cut out, concatenated
/// (tests/*.rs and tests/*/*.rs).
fn tests_of(krate: &Path) -> String {
    let mut text = String::new();
    let mut dirs = vec![krate.join("tests")];
    while let Some(dir) = dirs.pop() {
        for entry in fs::read_dir(&dir).into_iter().flatten().flatten() {
            let p = entry.path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                text.push_str(&code_only(&fs::read_to_string(&p).unwrap_or_default()));
            }
        }
    }
    text
}

#[test]
fn every_bin_and_every_twin_runs_in_a_test_and_is_in_the_readme() {
    let root = root();
    let readme = fs::read_to_string(root.join("README.md")).expect("README.md");
    let mut missing = Vec::new();
    for name in CRATES {
        let krate = root.join(name);
        let tests = tests_of(&krate);
        for bin in stems(&krate.join("src/bin"), "rs") {
            if !tests.contains(&format!("CARGO_BIN_EXE_{bin}\"")) {
                missing.push(format!("{name}: bin `{bin}` is run by no test"));
            }
            if !readme.contains(&format!("cargo run -p {name} --bin {bin}"))
                && !readme.contains(&format!("cargo run --release -p {name} --bin {bin}"))
            {
                missing.push(format!(
                    "{name}: bin `{bin}` has no command in the README index"
                ));
            }
        }
        for twin in stems(&krate.join("python"), "py") {
            if !tests.contains(&format!("\"{twin}\"")) {
                missing.push(format!("{name}: twin `python/{twin}.py` is run by no test"));
            }
            if !readme.contains(&format!("{name}/python/{twin}.py")) {
                missing.push(format!(
                    "{name}: twin `{twin}.py` is not linked from the README"
                ));
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

#[test]
fn a_name_in_a_comment_does_not_count() {
    let src = "// run_bin(env!(\"CARGO_BIN_EXE_a\"))\nlet u = \"http://x\"; // \"b\"\n/// \"c\"\nrun(\"d\");";
    let code = code_only(src);
    assert!(!code.contains("CARGO_BIN_EXE_a"), "{code}");
    assert!(!code.contains("\"b\"") && !code.contains("\"c\""), "{code}");
    assert!(
        code.contains("http://x") && code.contains("\"d\""),
        "{code}"
    );
}
