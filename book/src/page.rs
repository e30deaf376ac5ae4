//! The generated Markdown: SUMMARY.md, one chapter page per crate, one page
//! per index row. The code is never copied: each page `{{#include}}`s the
//! bin and the twin (whole bodies, or part by part where both files mark
//! the same `ANCHOR`s), and the hand-written prose of `book/prose/<bin>.md`.

use std::path::Path;

use anyhow::{Result, bail};

use crate::index::{Chapter, Row};
use crate::source::{self, Anchor};

/// A path from a page in `pages/<crate>/` to the workspace root.
pub const UP: &str = "../../..";

/// Markdown links to files of the repository become their text and path in
/// code (the book serves its own pages only); web links stay.
pub fn unlink(md: &str) -> String {
    let mut out = String::new();
    let mut rest = md;
    while let Some(open) = rest.find('[') {
        let Some(close) = rest[open..].find("](").map(|i| i + open) else { break };
        let Some(end) = rest[close..].find(')').map(|i| i + close) else { break };
        let (text, target) = (&rest[open + 1..close], &rest[close + 2..end]);
        if text.contains('[') || text.contains('\n') || target.contains(char::is_whitespace) {
            out.push_str(&rest[..=open]);
            rest = &rest[open + 1..];
            continue;
        }
        let image = open > 0 && rest.as_bytes()[open - 1] == b'!';
        out.push_str(&rest[..if image { open - 1 } else { open }]);
        if target.starts_with("http://")
            || target.starts_with("https://")
            || target.starts_with('#')
        {
            out.push_str(&rest[if image { open - 1 } else { open }..=end]);
        } else if text.trim_matches('`') == target {
            out.push_str(&format!("`{target}`"));
        } else {
            out.push_str(&format!("{text} (`{target}`)"));
        }
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

/// Where a bin's source is, from the root.
pub fn bin_path(root: &Path, krate: &str, bin: &str) -> String {
    let dir = format!("{krate}/src/bin/{bin}/main.rs");
    if root.join(&dir).exists() { dir } else { format!("{krate}/src/bin/{bin}.rs") }
}

/// One row of the side-by-side table: what each column includes (`None`: nothing).
#[derive(Debug, Clone, PartialEq)]
pub struct PairRow {
    /// The caption (an anchor's label), if the row is a marked part.
    pub label: Option<String>,
    /// The anchor both files mark, if it is one.
    pub anchor: Option<String>,
    /// The twin's include spec (an anchor or a line range).
    pub py: Option<String>,
    /// The bin's.
    pub rs: Option<String>,
}

/// The code lines between two 1-based lines (exclusive), blank ends trimmed, as a range spec.
fn gap(lines: &[&str], from: usize, to: usize) -> Option<String> {
    let (mut a, mut b) = (from, to.min(lines.len() + 1));
    while a < b && lines[a - 1].trim().is_empty() {
        a += 1;
    }
    while b > a && lines[b - 2].trim().is_empty() {
        b -= 1;
    }
    (a < b).then(|| format!("{a}:{}", b - 1))
}

/// The unmarked code before each anchor of a file (by name), and after the last.
fn gaps(
    lines: &[&str],
    start: usize,
    anchors: &[Anchor],
) -> (Vec<(String, Option<String>)>, Option<String>) {
    let mut at = start;
    let mut before = Vec::new();
    for a in anchors {
        before.push((a.name.clone(), gap(lines, at, a.start)));
        at = a.end + 1;
    }
    (before, gap(lines, at, usize::MAX))
}

/// Splits a pair into rows: every anchor the two files share is one row, in
/// the bin's order (the twin's part is included by name wherever it is), and
/// the unmarked code before each anchor and after the last one too, so the
/// corresponding parts sit side by side and nothing is left out.
///
/// # Errors
/// The files do not mark the same anchors, or mark them badly.
pub fn pair_rows(rs: &str, rs_start: usize, py: Option<(&str, usize)>) -> Result<Vec<PairRow>> {
    let ra = source::anchors(rs).map_err(|e| anyhow::anyhow!("the bin: {e}"))?;
    let pa = match py {
        Some((src, _)) => source::anchors(src).map_err(|e| anyhow::anyhow!("the twin: {e}"))?,
        None => ra.clone(),
    };
    let names = |v: &[Anchor]| {
        let mut n: Vec<_> = v.iter().map(|a| a.name.clone()).collect();
        n.sort();
        n
    };
    if names(&ra) != names(&pa) {
        bail!(
            "the bin marks ANCHORs {:?} and the twin {:?}: both files mark the same parts, or neither",
            names(&ra),
            names(&pa)
        );
    }
    let rl: Vec<&str> = rs.lines().collect();
    let (r_gaps, r_tail) = gaps(&rl, rs_start, &ra);
    let (p_gaps, p_tail) = match py {
        Some((src, start)) => gaps(&src.lines().collect::<Vec<_>>(), start, &pa),
        None => (Vec::new(), None),
    };
    let p_gap = |name: &str| p_gaps.iter().find(|(n, _)| n == name).and_then(|(_, g)| g.clone());
    let mut rows = Vec::new();
    for (r, (_, r_gap)) in ra.iter().zip(r_gaps) {
        let p_gap = p_gap(&r.name);
        if r_gap.is_some() || p_gap.is_some() {
            rows.push(PairRow { label: None, anchor: None, py: p_gap, rs: r_gap });
        }
        let p_label =
            pa.iter().find(|p| p.name == r.name).map(|p| p.label.clone()).unwrap_or_default();
        let label = [r.label.clone(), p_label]
            .into_iter()
            .find(|l| !l.is_empty())
            .unwrap_or(r.name.clone());
        rows.push(PairRow {
            label: Some(label),
            anchor: Some(r.name.clone()),
            py: py.is_some().then(|| r.name.clone()),
            rs: Some(r.name.clone()),
        });
    }
    if r_tail.is_some() || p_tail.is_some() {
        rows.push(PairRow { label: None, anchor: None, py: p_tail, rs: r_tail });
    }
    Ok(rows)
}

fn code_cell(class: &str, lang: &str, what: &str, path: &str, spec: Option<&str>) -> String {
    let Some(spec) = spec else {
        return format!("<div class=\"{class} pair-empty\"></div>\n");
    };
    format!(
        "<div class=\"{class}\">\n<div class=\"pair-lang\">{what}</div>\n\n```{lang}\n{{{{#include {UP}/{path}:{spec}}}}}\n```\n\n</div>\n"
    )
}

/// The side-by-side block of a page.
pub fn pair_block(rows: &[PairRow], rs_path: &str, py_path: Option<&str>) -> String {
    let mut out =
        format!("<div class=\"pair{}\">\n", if py_path.is_none() { " pair-single" } else { "" });
    for row in rows {
        let id = row.anchor.as_ref().map_or(String::new(), |a| format!(" id=\"part-{a}\""));
        let marked = if row.anchor.is_some() { " pair-marked" } else { "" };
        out.push_str(&format!("<div class=\"pair-row{marked}\"{id}>\n"));
        if let Some(l) = &row.label {
            out.push_str(&format!("<div class=\"pair-label\">{}</div>\n", html_escape(l)));
        }
        if let Some(py) = py_path {
            out.push_str(&code_cell("pair-py", "python", "Python", py, row.py.as_deref()));
        }
        out.push_str(&code_cell("pair-rs", "rust", "Rust", rs_path, row.rs.as_deref()));
        out.push_str("</div>\n");
    }
    out.push_str("</div>\n");
    out
}

/// `<`, `>` and `&` escaped.
pub fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// A chapter's page: the README's prose of that crate.
pub fn chapter_page(ch: &Chapter) -> String {
    let mut md = format!("# {}\n\n", ch.title);
    md.push_str(&unlink(ch.prose.trim()).replace("\n#### ", "\n## "));
    md.push_str("\n\n| page | mirrors |\n|---|---|\n");
    for r in &ch.rows {
        md.push_str(&format!("| [{}]({}.md) | {} |\n", r.bin, r.bin, unlink(&r.mirrors)));
    }
    md
}

/// The Python command beside the README's cargo command (the same flags).
pub fn twin_command(row: &Row) -> Option<String> {
    let twin = row.twin.as_ref()?;
    let args = row.command.split_once(" -- ").map_or(String::new(), |(_, a)| format!(" {a}"));
    Some(format!("python3 {twin}{args}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_to_files_become_paths() {
        assert_eq!(
            unlink("see [lib](examples-sync/src/lib.rs)."),
            "see lib (`examples-sync/src/lib.rs`)."
        );
        assert_eq!(
            unlink("[a.py](x/a.py) [w](https://x.org)"),
            "a.py (`x/a.py`) [w](https://x.org)"
        );
        assert_eq!(unlink("[`Barrier`] only"), "[`Barrier`] only");
    }

    #[test]
    fn rows_follow_shared_anchors_and_cover_the_rest() {
        let rs = "//! h\n\nuse x;\n// ANCHOR: a first\nfn a() {}\n// ANCHOR_END: a\nfn main() {}\n";
        let py = "\"\"\"d\"\"\"\nimport x\n# ANCHOR: a\ndef a(): pass\n# ANCHOR_END: a\n";
        let rows = pair_rows(rs, 3, Some((py, 2))).unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].rs.as_deref(), Some("3:3"));
        assert_eq!(rows[0].py.as_deref(), Some("2:2"));
        assert_eq!(rows[1].label.as_deref(), Some("first"));
        assert_eq!(rows[2].rs.as_deref(), Some("7:7"));
        assert_eq!(rows[2].py, None);
        let misnamed =
            py.replace("ANCHOR: a", "ANCHOR: b").replace("ANCHOR_END: a", "ANCHOR_END: b");
        assert!(pair_rows(rs, 3, Some((&misnamed, 2))).is_err());
    }
}
