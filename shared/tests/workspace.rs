//! Keeps the workspace honest as bins land: every example bin runs in a test,
//! every Python twin runs in a test, and the README's index lists them all;
//! the lessons stay short enough to read side by side (the limits below);
//! the twins share one helper module, shared/python/blog_spider.py.

use std::fs;
use std::path::{Path, PathBuf};

const CRATES: [&str; 4] =
    ["examples-threads", "examples-sync", "examples-processes", "examples-async"];

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
                missing.push(format!("{name}: bin `{bin}` has no command in the README index"));
            }
        }
        for twin in stems(&krate.join("python"), "py") {
            if !is_twin(&krate, &twin) {
                continue; // a helper module beside the twins, not a lesson
            }
            if !tests.contains(&format!("\"{twin}\"")) {
                missing.push(format!("{name}: twin `python/{twin}.py` is run by no test"));
            }
            if !readme.contains(&format!("{name}/python/{twin}.py")) {
                missing.push(format!("{name}: twin `{twin}.py` is not linked from the README"));
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
    assert!(code.contains("http://x") && code.contains("\"d\""), "{code}");
}

/// A file in `<crate>/python` is a twin (a lesson) if it is runnable: a bin
/// of its name exists, or it has a `__main__` guard. Anything else there is a
/// helper module a twin imports; shared/python holds the workspace's one.
fn is_twin(krate: &Path, stem: &str) -> bool {
    krate.join("src/bin").join(format!("{stem}.rs")).exists()
        || fs::read_to_string(krate.join("python").join(format!("{stem}.py")))
            .is_ok_and(|t| t.contains("__main__"))
}

/// The limits of issue 14 ("Lesson first"): code lines per Rust bin and per
/// twin, and lines of the `//!` header / the twin's module docstring.
const BIN_MAX: usize = 100;
const TWIN_MAX: usize = 70;
const HEADER_MAX: usize = 40;
const BIN_MEDIAN: usize = 55;
const TWIN_MEDIAN: usize = 35;
const HEADER_MEDIAN: usize = 30;

/// Code lines of a Rust bin: not blank, not a comment (`//`, `///`, `//!`),
/// nothing from the first `#[cfg(test)]` on (../shared/tools/codelines.py).
fn rust_code_lines(src: &str) -> usize {
    src.lines()
        .map(str::trim)
        .take_while(|l| !l.starts_with("#[cfg(test)]"))
        .filter(|l| !l.is_empty() && !l.starts_with("//"))
        .count()
}

/// Lines of a Rust bin's `//!` header.
fn rust_header_lines(src: &str) -> usize {
    src.lines().filter(|l| l.trim_start().starts_with("//!")).count()
}

/// codelines.py's Python half, run by python3 itself (its `ast` knows a
/// docstring when it sees one): for each file, `code<TAB>header<TAB>path`.
/// Code lines: not blank, not a comment, not in the docstring of the module,
/// a class or a function; header: the module docstring's lines.
const PY_LINES: &str = r##"
import ast, sys
for path in sys.argv[1:]:
    src = open(path, encoding="utf-8").read()
    tree, doc, header = ast.parse(src), set(), 0
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)) and node.body:
            b = node.body[0]
            if isinstance(b, ast.Expr) and isinstance(b.value, ast.Constant) and isinstance(b.value.value, str):
                doc.update(range(b.lineno, b.end_lineno + 1))
                if node is tree:
                    header = b.end_lineno - b.lineno + 1
    code = sum(1 for i, l in enumerate(src.splitlines(), 1) if l.strip() and not l.strip().startswith("#") and i not in doc)
    print(f"{code}\t{header}\t{path}")
"##;

/// `(code lines, header lines, path)` of each Python file.
fn python_lines(files: &[PathBuf]) -> Vec<(usize, usize, PathBuf)> {
    if files.is_empty() {
        return Vec::new();
    }
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg(PY_LINES)
        .args(files)
        .output()
        .expect("python3 runs (the twins' tests need it too)");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            let mut f = l.splitn(3, '\t');
            let mut n = || f.next().and_then(|x| x.parse().ok()).expect("a count");
            let (code, header) = (n(), n());
            (code, header, PathBuf::from(f.next().expect("a path")))
        })
        .collect()
}

/// The upper median (codelines.py's `v[len(v) // 2]`); 0 for none.
fn median(mut v: Vec<usize>) -> usize {
    v.sort_unstable();
    v.get(v.len() / 2).copied().unwrap_or(0)
}

/// One measured file: (code lines, header lines, path shown).
type Measured = (usize, usize, String);

/// What is over the limits: one line per file over its limit, one per median.
fn over_the_limits(bins: &[Measured], twins: &[Measured]) -> Vec<String> {
    let mut over = Vec::new();
    for (kind, files, max) in [("Rust bin", bins, BIN_MAX), ("twin", twins, TWIN_MAX)] {
        for (code, header, name) in files {
            if *code > max {
                over.push(format!("{name}: {code} code lines ({kind} limit {max})"));
            }
            if *header > HEADER_MAX {
                over.push(format!("{name}: {header} header lines (limit {HEADER_MAX})"));
            }
        }
    }
    let code = |files: &[Measured]| median(files.iter().map(|f| f.0).collect());
    let headers = median(bins.iter().chain(twins).map(|f| f.1).collect());
    for (what, m, limit) in [
        ("Rust bins' code lines", code(bins), BIN_MEDIAN),
        ("twins' code lines", code(twins), TWIN_MEDIAN),
        ("headers' lines", headers, HEADER_MEDIAN),
    ] {
        if m > limit {
            over.push(format!("median of the {what}: {m} (limit {limit})"));
        }
    }
    over
}

/// Every example bin and twin, measured as ../shared/tools/codelines.py
/// measures them (`python3 ../shared/tools/codelines.py . -v`).
fn measure_the_lessons() -> (Vec<Measured>, Vec<Measured>) {
    let root = root();
    let (mut bins, mut twin_files) = (Vec::new(), Vec::new());
    for name in CRATES {
        let krate = root.join(name);
        for bin in stems(&krate.join("src/bin"), "rs") {
            let src =
                fs::read_to_string(krate.join("src/bin").join(format!("{bin}.rs"))).expect("a bin");
            let shown = format!("{name}/src/bin/{bin}.rs");
            bins.push((rust_code_lines(&src), rust_header_lines(&src), shown));
        }
        for twin in stems(&krate.join("python"), "py") {
            if is_twin(&krate, &twin) {
                twin_files.push(krate.join("python").join(format!("{twin}.py")));
            }
        }
    }
    let twins = python_lines(&twin_files)
        .into_iter()
        .map(|(code, header, path)| {
            let shown = path.strip_prefix(&root).unwrap_or(&path);
            (code, header, shown.display().to_string())
        })
        .collect();
    (bins, twins)
}

#[test]
fn every_lesson_is_short_enough_to_read_beside_its_twin() {
    let (bins, twins) = measure_the_lessons();
    assert!(!bins.is_empty() && !twins.is_empty());
    let over = over_the_limits(&bins, &twins);
    assert!(
        over.is_empty(),
        "over the limits of issue 14 (code lines: not blank, not a comment, not the //! header or \
         the module docstring, no test module; limits: Rust bin {BIN_MAX} (median {BIN_MEDIAN}), \
         twin {TWIN_MAX} (median {TWIN_MEDIAN}), header or docstring {HEADER_MAX} (median \
         {HEADER_MEDIAN}); see `python3 ../shared/tools/codelines.py . -v`):\n{}",
        over.join("\n")
    );
}

#[test]
fn the_measure_is_codelines_py() {
    let rust = "//! header 1\n//! header 2\n\nuse x;\n// a comment\n/// doc\nfn main() {\n    x();\n}\n\n#[cfg(test)]\nmod tests {\n    fn t() {}\n}\n";
    assert_eq!((rust_code_lines(rust), rust_header_lines(rust)), (4, 2));
    let dir = std::env::temp_dir().join(format!("codelines-{}", std::process::id()));
    fs::create_dir_all(&dir).unwrap();
    let py = dir.join("t.py");
    let src = r#""""Doc

more."""

import os  # a comment after code counts
# a comment

def f():
    """f's doc."""
    return 1

class C:
    '''C's
    doc'''
    x = """not a
    docstring"""
"#;
    fs::write(&py, src).unwrap();
    let got = python_lines(std::slice::from_ref(&py));
    // import, def, return, class, and the two lines of x
    assert_eq!((got[0].0, got[0].1), (6, 3), "{src}");
    fs::remove_dir_all(&dir).unwrap();
    // the medians are codelines.py's upper medians
    assert_eq!(median(vec![1, 9, 5, 7]), 7);
    let files =
        |n: &[usize]| -> Vec<Measured> { n.iter().map(|&c| (c, 10, format!("f{c}"))).collect() };
    assert!(over_the_limits(&files(&[50, 50, 100]), &files(&[30, 30, 70])).is_empty());
    let over = over_the_limits(&files(&[101, 56, 56]), &files(&[71]));
    assert_eq!(
        over,
        [
            "f101: 101 code lines (Rust bin limit 100)",
            "f71: 71 code lines (twin limit 70)",
            "median of the Rust bins' code lines: 56 (limit 55)",
            "median of the twins' code lines: 71 (limit 35)",
        ]
    );
    let long_header = vec![(10, 41, "h".to_string())];
    assert_eq!(
        over_the_limits(&long_header, &[]),
        ["h: 41 header lines (limit 40)", "median of the headers' lines: 41 (limit 30)"]
    );
}

#[test]
fn the_twins_share_one_stdlib_only_helper_module() {
    let root = root();
    let module = root.join("shared/python/blog_spider.py");
    assert!(module.is_file(), "{} is missing", module.display());
    // stdlib only: every module it imports is one of the standard library's
    let check = r#"
import ast, sys
tree = ast.parse(open(sys.argv[1], encoding="utf-8").read())
names = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
names |= {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
print(" ".join(sorted(names - set(sys.stdlib_module_names))))
"#;
    let out = std::process::Command::new("python3")
        .args(["-c", check])
        .arg(&module)
        .output()
        .expect("python3 runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let outside = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert!(outside.is_empty(), "blog_spider.py imports {outside}: stdlib only");
    // run by shared's own tests (this file names it too, so it does not count)
    let tests = root.join("shared/tests");
    let runs_it = stems(&tests, "rs").iter().filter(|s| *s != "workspace").any(|s| {
        code_only(&fs::read_to_string(tests.join(format!("{s}.rs"))).unwrap_or_default())
            .contains("import blog_spider")
    });
    assert!(runs_it, "no test of shared runs blog_spider.py");
    // one copy for the whole workspace, reached by the one import line
    const LINE: &str = r#"sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "python"))"#;
    let mut wrong = Vec::new();
    for name in CRATES {
        let dir = root.join(name).join("python");
        for stem in stems(&dir, "py") {
            let file = format!("{name}/python/{stem}.py");
            if stem == "blog_spider" {
                wrong.push(format!("{file}: a copy of shared/python/blog_spider.py"));
                continue;
            }
            let src = fs::read_to_string(dir.join(format!("{stem}.py"))).unwrap_or_default();
            let imports = src.lines().any(|l| {
                l.starts_with("import blog_spider") || l.starts_with("from blog_spider import")
            });
            if imports && !src.lines().any(|l| l.trim() == LINE) {
                wrong.push(format!("{file}: imports blog_spider without the line `{LINE}`"));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
