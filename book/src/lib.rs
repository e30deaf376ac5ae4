//! The side-by-side book (`book/`): every README index row one page, the
//! note's words (the bin's `//!` header), the Python twin beside the Rust
//! bin (`{{#include}}`d, never copied), how to run both, who ran when
//! (recorded at build time) and what it cost (compare's JSON).
//!
//! ```text
//! cargo run -p book -- build      # pages, timelines, mdbook build -> target/book/html
//! cargo run -p book -- serve      # the same, then mdbook serve on 127.0.0.1:3000
//! cargo run -p book -- check      # the checks of tests/pages.rs, without mdbook
//! ```
//!
//! What is written by hand lives in `book/prose/` (one optional file per
//! bin, `intro.md`, `laptop.md`) and in the files the pages include;
//! `book/pages/` is generated on every build (and ignored by git), so a
//! regeneration never loses a word.

pub mod cost;
pub mod index;
pub mod notes;
pub mod page;
pub mod record;
pub mod source;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::cost::Comparison;
use crate::index::{Chapter, Row};
use crate::page::{UP, bin_path, pair_block, pair_rows, twin_command, unlink};
use crate::record::{Recorder, Recording};

/// The workspace root this crate was built in.
pub fn default_root() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    std::fs::canonicalize(&here).unwrap_or(here)
}

/// Where the notes are: `../shared/notes` beside the repository.
pub fn notes_dir(root: &Path) -> PathBuf {
    root.join("../shared/notes")
}

/// Reads the README's index.
///
/// # Errors
/// No README, or no index in it.
pub fn chapters(root: &Path) -> Result<Vec<Chapter>> {
    let p = root.join("README.md");
    let text =
        std::fs::read_to_string(&p).with_context(|| format!("cannot read {}", p.display()))?;
    index::parse(&text)
}

/// Every bin in `examples-*/src/bin`: `(crate, bin)`, sorted.
pub fn bins(root: &Path) -> Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(root)? {
        let dir = e?.path();
        let krate = dir.file_name().unwrap_or_default().to_string_lossy().into_owned();
        if !krate.starts_with("examples-") || !dir.join("src/bin").is_dir() {
            continue;
        }
        for b in std::fs::read_dir(dir.join("src/bin"))? {
            let p = b?.path();
            let name = if p.extension().is_some_and(|x| x == "rs") {
                p.file_stem().map(|s| s.to_string_lossy().into_owned())
            } else if p.join("main.rs").exists() {
                p.file_name().map(|s| s.to_string_lossy().into_owned())
            } else {
                None
            };
            out.extend(name.map(|n| (krate.clone(), n)));
        }
    }
    out.sort();
    Ok(out)
}

/// The generated book: files under `pages/` and files copied in.
#[derive(Debug, Default)]
pub struct Generated {
    /// `(path under pages/, Markdown)`.
    pub files: Vec<(String, String)>,
    /// `(source file, path under pages/)`.
    pub assets: Vec<(PathBuf, String)>,
    /// What is wrong (a row without its file, anchors that differ).
    pub problems: Vec<String>,
}

/// What a generation may use besides the files: recordings and a comparison.
#[derive(Default)]
pub struct Inputs<'a> {
    /// Records timelines (none: pages say they were not recorded).
    pub recorder: Option<&'a Recorder>,
    /// `book/record.txt`.
    pub specs: std::collections::HashMap<String, record::Spec>,
    /// compare's JSON, if there is one.
    pub comparison: Option<Comparison>,
}

/// Generates every page from the README index and the files.
///
/// # Errors
/// The README cannot be read.
pub fn generate(root: &Path, inputs: &Inputs) -> Result<Generated> {
    let chapters = chapters(root)?;
    let mut g = Generated::default();
    let mut summary = String::from("# Summary\n\n[The granularity table, measured](intro.md)\n\n");
    for ch in &chapters {
        let _ = writeln!(summary, "- [{}](./{}/index.md)", ch.krate, ch.krate);
        g.files.push((format!("{}/index.md", ch.krate), page::chapter_page(ch)));
        for row in &ch.rows {
            let _ = writeln!(summary, "  - [{}](./{}/{}.md)", row.bin, ch.krate, row.bin);
            let md = row_page(root, ch, row, inputs, &mut g);
            g.files.push((format!("{}/{}.md", ch.krate, row.bin), md));
        }
    }
    summary.push_str("\n[On your own laptop](laptop.md)\n");
    g.files.push(("SUMMARY.md".into(), summary));
    let intro = intro_page(root, inputs, &mut g);
    g.files.push(("intro.md".into(), intro));
    g.files.push(("laptop.md".into(), "{{#include ../prose/laptop.md}}\n".into()));
    Ok(g)
}

fn intro_page(root: &Path, inputs: &Inputs, g: &mut Generated) -> String {
    let mut md = String::from("{{#include ../prose/intro.md}}\n\n## The table\n\n");
    match &inputs.comparison {
        Some(c) => {
            let _ = write!(md, "{}\n\n{}\n", c.provenance(root), c.table(None));
        }
        None => {
            let _ = writeln!(md, "{}\n", cost::ABSENT);
        }
    }
    md.push_str("\n## The charts\n\nWall time and peak memory per granularity, Rust and Python (log scales, whiskers for the spread), from `compare/charts/`:\n\n");
    for job in ["crawl", "primes", "sha"] {
        let src = root.join(format!("compare/charts/chart-{job}.svg"));
        if src.exists() {
            let _ = writeln!(
                md,
                "<img class=\"chart\" src=\"charts/chart-{job}.svg\" alt=\"{job}: wall time and memory per granularity\">\n"
            );
            g.assets.push((src, format!("charts/chart-{job}.svg")));
        }
    }
    md
}

fn fence(text: &str) -> String {
    let ticks = if text.contains("```") { "~~~~" } else { "```" };
    format!("{ticks}text\n{}\n{ticks}\n", text.trim_end())
}

fn row_page(root: &Path, ch: &Chapter, row: &Row, inputs: &Inputs, g: &mut Generated) -> String {
    let (krate, bin) = (&ch.krate, &row.bin);
    let rs_path = bin_path(root, krate, bin);
    let mut md =
        format!("# `{bin}`\n\n<p class=\"mirrors\">Mirrors {}</p>\n\n", inline_md(&row.mirrors));
    let Ok(rs) = std::fs::read_to_string(root.join(&rs_path)) else {
        g.problems.push(format!("README row `{bin}` ({krate}): no file {rs_path}"));
        md.push_str(&format!("**This README row has no bin**: `{rs_path}` does not exist.\n"));
        return md;
    };
    let twin = row.twin.as_deref().filter(|t| root.join(t).is_file());
    if let Some(t) = row.twin.as_deref().filter(|_| twin.is_none()) {
        g.problems.push(format!("README row `{bin}`: its twin {t} does not exist"));
    }
    let py = twin.and_then(|t| std::fs::read_to_string(root.join(t)).ok());
    let (header, rs_start) = source::rust_header(&rs);
    md.push_str(&unlink(&header));
    md.push('\n');
    if root.join(format!("book/prose/{bin}.md")).exists() {
        let _ = writeln!(md, "{{{{#include {UP}/book/prose/{bin}.md}}}}\n");
    }

    md.push_str("## Python beside Rust\n\n");
    let py_parts = py.as_deref().map(|s| (s, source::python_docstring(s)));
    match (twin, &py_parts) {
        (Some(t), _) => {
            let _ = writeln!(
                md,
                "`{t}` (left) beside `{rs_path}` (right), as they are in the repository: each marked part of one beside the same part of the other, the code between them too.\n"
            );
        }
        (None, _) => {
            let _ =
                writeln!(md, "`{rs_path}` (Rust only). Python twin: {}\n", unlink(&row.twin_cell));
        }
    }
    match pair_rows(&rs, rs_start, py_parts.as_ref().map(|(s, (_, at))| (*s, *at))) {
        Ok(rows) => md.push_str(&pair_block(&rows, &rs_path, twin)),
        Err(e) => {
            g.problems.push(format!("{bin}: {e:#}"));
            let _ = writeln!(md, "**The two files cannot be set side by side**: {e:#}");
        }
    }
    if let (Some(t), Some((_, (_, at)))) = (twin, &py_parts)
        && *at > 2
    {
        let _ = write!(
            md,
            "\n<details><summary>The twin's docstring</summary>\n\n```python\n{{{{#include {UP}/{t}:1:{}}}}}\n```\n\n</details>\n",
            at - 1
        );
    }

    md.push_str("\n## Run it\n\n```sh\n");
    md.push_str(&row.command);
    md.push('\n');
    if let Some(c) = twin_command(row).filter(|_| twin.is_some()) {
        md.push_str(&c);
        md.push('\n');
    }
    md.push_str("```\n\n");
    if twin.is_some() && row.twin_cell.contains(") (") {
        let _ = writeln!(md, "The twin: {}\n", unlink(&row.twin_cell));
    }
    md.push_str("What you should see is in the header above (\"You should see\").\n");

    let spec = inputs.specs.get(bin.as_str()).cloned().unwrap_or_default();
    let recording = inputs.recorder.map(|r| r.record(krate, bin, twin, &spec));
    timeline_section(root, bin, recording.as_ref(), g, &mut md);

    md.push_str("\n## What it cost\n\n");
    match &inputs.comparison {
        None => {
            let _ = writeln!(md, "{}", cost::ABSENT);
        }
        Some(c) => {
            let twin_name = twin
                .and_then(|t| Path::new(t).file_stem())
                .map(|s| s.to_string_lossy().into_owned());
            let rows = c.rows_of(bin, twin_name.as_deref());
            if rows.is_empty() {
                let _ = writeln!(
                    md,
                    "`compare` does not measure this example (it measures the crawl, PRIMES and the sha jobs at each granularity: see [the granularity table](../intro.md))."
                );
            } else {
                let _ = write!(md, "{}\n\n{}", c.provenance(root), c.table(Some(rows)));
            }
        }
    }
    md
}

fn timeline_section(
    root: &Path,
    bin: &str,
    rec: Option<&Recording>,
    g: &mut Generated,
    md: &mut String,
) {
    let Some(rec) = rec else {
        md.push_str("\n## Who ran when\n\nNot recorded in this build (`cargo run -p book -- build` records it).\n");
        return;
    };
    let here = root.display().to_string();
    if !rec.output.is_empty() {
        let _ = write!(md, "\nThis book's build ran `{}` (debug builds) and saw:\n\n", rec.command);
        // what the programs printed, not compare's own summary lines
        let harness = |l: &&str| {
            l.starts_with("timeline: ") || (l.contains(".jsonl: ") && l.ends_with(" rows"))
        };
        let lines: Vec<&str> = rec.output.lines().filter(|l| !harness(l)).collect();
        let shown = if lines.len() > 60 {
            format!("{}\n... ({} more lines)", lines[..60].join("\n"), lines.len() - 60)
        } else {
            lines.join("\n")
        };
        md.push_str(&fence(&shown.replace(&here, ".")));
    }
    md.push_str("\n## Who ran when\n\n");
    match (&rec.svg, &rec.problem) {
        (Some(svg), _) => {
            let _ = writeln!(
                md,
                "One row per thread, task or process, Rust above and Python below on one time axis; a bar is a stretch of work (a page fetched, a job), a tick an event line. Recorded when this book was built: `{}` (see `just timeline`).\n\n<div class=\"timeline-box\"><img class=\"timeline\" src=\"../timelines/{bin}.svg\" alt=\"{bin}: who ran when, Rust above, Python below\"></div>",
                rec.command
            );
            g.assets.push((svg.clone(), format!("timelines/{bin}.svg")));
        }
        (None, Some(p)) if rec.output.is_empty() && !p.contains('\n') && !p.contains("failed") => {
            let _ = writeln!(md, "No timeline: {p}");
        }
        (None, Some(p)) => {
            let _ = write!(
                md,
                "No timeline: this build's run (`{}`) failed:\n\n{}",
                rec.command,
                fence(&p.replace(&here, "."))
            );
        }
        (None, None) => {
            let _ = writeln!(
                md,
                "No timeline: the recorded run (`{}`) left one row (one thread, task or process printed its events and cost lines), nothing to lay out in time.",
                rec.command
            );
        }
    }
}

/// A table cell's Markdown for inline HTML (code spans as `<code>`).
fn inline_md(cell: &str) -> String {
    let mut out = String::new();
    for (i, part) in unlink(cell).split('`').enumerate() {
        if i % 2 == 1 {
            let _ = write!(out, "<code>{}</code>", page::html_escape(part));
        } else {
            out.push_str(&page::html_escape(part));
        }
    }
    out
}

/// Writes `g` into `pages` (emptied first: it is generated).
///
/// # Errors
/// A file cannot be written.
pub fn write(pages: &Path, g: &Generated) -> Result<()> {
    if pages.exists() {
        std::fs::remove_dir_all(pages)
            .with_context(|| format!("cannot empty {}", pages.display()))?;
    }
    for (rel, text) in &g.files {
        let p = pages.join(rel);
        std::fs::create_dir_all(p.parent().unwrap_or(pages))?;
        std::fs::write(&p, text).with_context(|| format!("cannot write {}", p.display()))?;
    }
    for (src, rel) in &g.assets {
        let p = pages.join(rel);
        std::fs::create_dir_all(p.parent().unwrap_or(pages))?;
        std::fs::copy(src, &p)
            .with_context(|| format!("cannot copy {} to {}", src.display(), p.display()))?;
    }
    Ok(())
}

/// Every way the generated pages are wrong: bins without a page, includes
/// of files or anchors that do not exist, quotes of the notes that are not
/// in them, and the generation's own problems.
///
/// # Errors
/// The notes or the bins cannot be read.
pub fn check(root: &Path, g: &Generated) -> Result<Vec<String>> {
    let mut bad = g.problems.clone();
    for (krate, bin) in bins(root)? {
        if !g.files.iter().any(|(p, _)| *p == format!("{krate}/{bin}.md")) {
            bad.push(format!("{krate}/src/bin: `{bin}` has no page (no row in the README's index under ### {krate})"));
        }
    }
    let pages = root.join("book/pages");
    for (rel, md) in &g.files {
        let dir = pages.join(rel).parent().map(Path::to_path_buf).unwrap_or_default();
        for inc in source::includes(md) {
            let target = lexical(&dir.join(&inc.path));
            match std::fs::read_to_string(&target) {
                Err(_) => {
                    bad.push(format!("pages/{rel}: includes {}, which does not exist", inc.path))
                }
                Ok(src) => {
                    if let Err(e) = source::check_spec(&src, inc.spec.as_deref()) {
                        bad.push(format!(
                            "pages/{rel}: {{{{#include {}:{}}}}}: {e:#}",
                            inc.path,
                            inc.spec.unwrap_or_default()
                        ));
                    }
                    // a prose file's own includes are relative to the prose file
                    let here = target.parent().map(Path::to_path_buf).unwrap_or_default();
                    for inner in source::includes(&src) {
                        let found = std::fs::read_to_string(lexical(&here.join(&inner.path)));
                        match found.map(|s| source::check_spec(&s, inner.spec.as_deref())) {
                            Ok(Ok(())) => {}
                            Ok(Err(e)) => bad.push(format!(
                                "{}: {{{{#include {}:{}}}}}: {e:#}",
                                inc.path,
                                inner.path,
                                inner.spec.as_deref().unwrap_or_default()
                            )),
                            Err(_) => bad.push(format!(
                                "{}: includes {}, which does not exist",
                                inc.path, inner.path
                            )),
                        }
                    }
                }
            }
        }
    }
    let notes = notes::Notes::read(&notes_dir(root))?;
    let allowed = std::fs::read_to_string(root.join("book/not-quotes.txt")).unwrap_or_default();
    let allowed: Vec<(&str, &str)> = allowed
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let mut w = l.split_whitespace();
            Some((w.next()?, w.next()?))
        })
        .collect();
    for file in quoted_files(root)? {
        let text = std::fs::read_to_string(root.join(&file)).unwrap_or_default();
        for q in notes
            .missing(&text)
            .into_iter()
            .filter(|q| !allowed.contains(&(file.as_str(), q.as_str())))
        {
            bad.push(format!("{file}: 「{q}」 is not in ../shared/notes/ (a quote must be word for word; not a quote: book/not-quotes.txt)"));
        }
    }
    Ok(bad)
}

/// `a/b/../c` as `a/c`, without asking the file system (the pages may not be written yet).
fn lexical(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            c => out.push(c),
        }
    }
    out
}

/// The files whose Chinese text the book shows: every bin, every twin, every prose page.
fn quoted_files(root: &Path) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for (krate, bin) in bins(root)? {
        out.push(bin_path(root, &krate, &bin));
    }
    for ch in chapters(root)? {
        out.extend(
            ch.rows.iter().filter_map(|r| r.twin.clone()).filter(|t| root.join(t).is_file()),
        );
    }
    if let Ok(dir) = std::fs::read_dir(root.join("book/prose")) {
        for e in dir.flatten() {
            out.push(format!("book/prose/{}", e.file_name().to_string_lossy()));
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}
