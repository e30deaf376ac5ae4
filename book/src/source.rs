//! What the book reads in a bin or a twin: the `//!` header (or docstring),
//! where the code starts, and the `ANCHOR: name label` / `ANCHOR_END: name`
//! comment lines that mark the parts that correspond (mdBook's own syntax:
//! `{{#include file:name}}` takes the lines between them).

use anyhow::{Result, bail};

/// A marked part of a file (1-based line numbers of the marker lines).
#[derive(Debug, Clone, PartialEq)]
pub struct Anchor {
    /// The name mdBook includes it by.
    pub name: String,
    /// The words after the name on the `ANCHOR:` line (the row's caption).
    pub label: String,
    /// The `ANCHOR:` line.
    pub start: usize,
    /// The `ANCHOR_END:` line.
    pub end: usize,
}

/// A Rust bin's `//!` header as Markdown, and the 1-based line where its code starts.
pub fn rust_header(src: &str) -> (String, usize) {
    let mut md = String::new();
    let mut n = 0;
    for line in src.lines() {
        let Some(rest) = line.strip_prefix("//!") else { break };
        md.push_str(rest.strip_prefix(' ').unwrap_or(rest));
        md.push('\n');
        n += 1;
    }
    (md, first_code_line(src, n))
}

/// A twin's module docstring (its text), and the 1-based line where its code starts.
pub fn python_docstring(src: &str) -> (String, usize) {
    let lines: Vec<&str> = src.lines().collect();
    let Some(first) = lines.iter().position(|l| !l.starts_with('#') && !l.trim().is_empty()) else {
        return (String::new(), 1);
    };
    let opening = lines[first].trim_start();
    let quote = if opening.starts_with("\"\"\"") {
        "\"\"\""
    } else if opening.starts_with("'''") {
        "'''"
    } else {
        return (String::new(), first_code_line(src, 0));
    };
    let body = &opening[3..];
    if let Some(end) = body.find(quote) {
        return (body[..end].to_string(), first_code_line(src, first + 1));
    }
    let mut text = format!("{body}\n");
    for (i, l) in lines.iter().enumerate().skip(first + 1) {
        if let Some(end) = l.find(quote) {
            text.push_str(&l[..end]);
            return (text, first_code_line(src, i + 1));
        }
        text.push_str(l);
        text.push('\n');
    }
    (text, lines.len() + 1)
}

/// The first non-blank line at or after 0-based line `from`, 1-based.
fn first_code_line(src: &str, from: usize) -> usize {
    src.lines()
        .enumerate()
        .skip(from)
        .find(|(_, l)| !l.trim().is_empty())
        .map_or(from + 1, |(i, _)| i + 1)
}

/// The text after `ANCHOR:` / `ANCHOR_END:` on a comment line, if it is one.
fn marker<'a>(line: &'a str, what: &str) -> Option<&'a str> {
    let t = line.trim_start();
    let body = t.strip_prefix("//").or_else(|| t.strip_prefix('#'))?.trim_start();
    body.strip_prefix(what).map(str::trim)
}

/// Every anchor of `src`, in order.
///
/// # Errors
/// An anchor opened twice, closed without being opened, never closed, or nested.
pub fn anchors(src: &str) -> Result<Vec<Anchor>> {
    let mut out: Vec<Anchor> = Vec::new();
    let mut open: Option<Anchor> = None;
    for (i, line) in src.lines().enumerate() {
        if let Some(rest) = marker(line, "ANCHOR:") {
            let (name, label) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
            if let Some(o) = &open {
                bail!(
                    "line {}: ANCHOR: {name} opens inside `{}` (line {}): anchors do not nest here",
                    i + 1,
                    o.name,
                    o.start
                );
            }
            if out.iter().any(|a| a.name == name) {
                bail!("line {}: ANCHOR: {name} is opened twice", i + 1);
            }
            open = Some(Anchor {
                name: name.to_string(),
                label: label.trim().to_string(),
                start: i + 1,
                end: 0,
            });
        } else if let Some(name) = marker(line, "ANCHOR_END:") {
            match open.take() {
                Some(mut a) if a.name == name => {
                    a.end = i + 1;
                    out.push(a);
                }
                Some(a) => bail!(
                    "line {}: ANCHOR_END: {name} closes `{}` (opened line {})",
                    i + 1,
                    a.name,
                    a.start
                ),
                None => bail!("line {}: ANCHOR_END: {name} without its ANCHOR", i + 1),
            }
        }
    }
    if let Some(a) = open {
        bail!("line {}: ANCHOR: {} is never closed (ANCHOR_END: {})", a.start, a.name, a.name);
    }
    Ok(out)
}

/// One `{{#include path[:spec]}}` of a page.
#[derive(Debug, Clone, PartialEq)]
pub struct Include {
    /// The path as written (relative to the page).
    pub path: String,
    /// `None` (the whole file), an anchor name, or a line range `a:b`.
    pub spec: Option<String>,
}

/// Every `{{#include ...}}` in `md`.
pub fn includes(md: &str) -> Vec<Include> {
    let mut out = Vec::new();
    let mut rest = md;
    while let Some(i) = rest.find("{{#include") {
        rest = &rest[i + "{{#include".len()..];
        let Some(end) = rest.find("}}") else { break };
        let body = rest[..end].trim();
        let (path, spec) = match body.split_once(':') {
            Some((p, s)) => (p.to_string(), Some(s.to_string())),
            None => (body.to_string(), None),
        };
        out.push(Include { path, spec });
        rest = &rest[end..];
    }
    out
}

/// Whether `spec` names something in `src`: an anchor that exists, or a
/// range of lines inside the file.
///
/// # Errors
/// Says what is missing.
pub fn check_spec(src: &str, spec: Option<&str>) -> Result<()> {
    let Some(spec) = spec else { return Ok(()) };
    let n = src.lines().count();
    let num = |s: &str| if s.is_empty() { Ok(None) } else { s.parse::<usize>().map(Some) };
    if spec.chars().next().is_some_and(|c| c.is_ascii_digit() || c == ':') {
        let (a, b) = spec.split_once(':').unwrap_or((spec, spec));
        let (a, b) = (num(a)?, num(b)?);
        if a.is_some_and(|a| a == 0 || a > n)
            || b.is_some_and(|b| b > n)
            || a.zip(b).is_some_and(|(a, b)| a > b)
        {
            bail!("lines {spec} are not inside the file ({n} lines)");
        }
        return Ok(());
    }
    let found = anchors(src)?;
    if !found.iter().any(|a| a.name == spec) {
        let names: Vec<_> = found.iter().map(|a| a.name.as_str()).collect();
        bail!("no ANCHOR: {spec} in the file (its anchors: {names:?})");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_and_code_start() {
        let (md, at) = rust_header("//! One.\n//!\n//! Two\n\nuse x;\n");
        assert_eq!(md, "One.\n\nTwo\n");
        assert_eq!(at, 5);
        let (doc, at) = python_docstring("\"\"\"Doc.\n\nMore.\n\"\"\"\n\nimport x\n");
        assert_eq!(doc, "Doc.\n\nMore.\n");
        assert_eq!(at, 6);
    }

    #[test]
    fn anchors_pair_up_and_nesting_fails() {
        let a =
            anchors("x\n// ANCHOR: party the note's server()\ny\n// ANCHOR_END: party\n").unwrap();
        assert_eq!(
            a,
            [Anchor {
                name: "party".into(),
                label: "the note's server()".into(),
                start: 2,
                end: 4
            }]
        );
        assert!(anchors("# ANCHOR: a\n# ANCHOR: b\n# ANCHOR_END: b\n# ANCHOR_END: a\n").is_err());
        assert!(anchors("# ANCHOR: a\n").is_err());
        assert!(anchors("# ANCHOR_END: a\n").is_err());
    }

    #[test]
    fn include_specs() {
        let inc = includes("a {{#include ../x.rs:main}} b {{#include y.py}} {{#include z.rs:3:}}");
        assert_eq!(inc.len(), 3);
        assert_eq!(inc[0].spec.as_deref(), Some("main"));
        assert_eq!(inc[1].spec, None);
        let src = "a\n// ANCHOR: main\nb\n// ANCHOR_END: main\n";
        assert!(check_spec(src, Some("main")).is_ok());
        assert!(check_spec(src, Some("mian")).is_err());
        assert!(check_spec(src, Some("3:")).is_ok());
        assert!(check_spec(src, Some("2:9")).is_err());
    }
}
