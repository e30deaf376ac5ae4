//! The README's index: one chapter per `### <crate> (...)` heading under
//! `## Index`, one page per table row, in the README's order.

use anyhow::{Result, bail};

/// One crate's section of the index.
#[derive(Debug, Clone)]
pub struct Chapter {
    /// `examples-threads`.
    pub krate: String,
    /// The heading's text, `examples-threads (std::thread, crossbeam, rayon)`.
    pub title: String,
    /// The section's prose around its table (Markdown, links as the README has them).
    pub prose: String,
    /// The table's rows.
    pub rows: Vec<Row>,
}

/// One row of an index table.
#[derive(Debug, Clone)]
pub struct Row {
    /// `barrier`.
    pub bin: String,
    /// The "mirrors" cell (Markdown).
    pub mirrors: String,
    /// The command, without its backticks.
    pub command: String,
    /// The twin's path from the workspace root, if the row links one.
    pub twin: Option<String>,
    /// The whole twin cell (Markdown), for what it says beside the link.
    pub twin_cell: String,
}

/// Splits a table line into cells; a `|` inside backticks is not a border.
pub fn cells(line: &str) -> Vec<String> {
    let inner = line.trim().trim_start_matches('|').trim_end_matches('|');
    let (mut out, mut cur, mut code) = (Vec::new(), String::new(), false);
    for c in inner.chars() {
        match c {
            '`' => {
                code = !code;
                cur.push(c);
            }
            '|' if !code => out.push(std::mem::take(&mut cur).trim().to_string()),
            _ => cur.push(c),
        }
    }
    out.push(cur.trim().to_string());
    out
}

fn unquote(cell: &str) -> String {
    cell.trim().trim_matches('`').to_string()
}

/// The first Markdown link target in `cell`.
pub fn link_target(cell: &str) -> Option<String> {
    let start = cell.find("](")? + 2;
    let end = cell[start..].find(')')? + start;
    Some(cell[start..end].to_string())
}

/// Reads the index of `readme`.
///
/// # Errors
/// No `## Index` section, or a table row with fewer than four cells.
pub fn parse(readme: &str) -> Result<Vec<Chapter>> {
    let mut lines = readme.lines().skip_while(|l| l.trim() != "## Index");
    if lines.next().is_none() {
        bail!("the README has no `## Index` section");
    }
    let mut chapters: Vec<Chapter> = Vec::new();
    for line in lines.take_while(|l| !l.starts_with("## ")) {
        if let Some(h) = line.strip_prefix("### ") {
            let krate = h.split_whitespace().next().unwrap_or_default().to_string();
            chapters.push(Chapter {
                krate,
                title: h.trim().to_string(),
                prose: String::new(),
                rows: vec![],
            });
            continue;
        }
        let Some(ch) = chapters.last_mut() else { continue };
        if line.trim_start().starts_with('|') {
            let c = cells(line);
            if c.first().is_none_or(|b| !b.starts_with('`')) {
                continue; // the header and the |---| line
            }
            if c.len() < 4 {
                bail!("README index row with {} cells (want 4): {line}", c.len());
            }
            ch.rows.push(Row {
                bin: unquote(&c[0]),
                mirrors: c[1].clone(),
                command: unquote(&c[2]),
                twin: link_target(&c[3]),
                twin_cell: c[3].clone(),
            });
        } else {
            ch.prose.push_str(line);
            ch.prose.push('\n');
        }
    }
    chapters.retain(|c| !c.rows.is_empty());
    if chapters.is_empty() {
        bail!("the README's index has no tables");
    }
    Ok(chapters)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bar_in_code_is_not_a_border() {
        let c = cells("| `m` | x | `run --job crawl|primes` | - |");
        assert_eq!(c, ["`m`", "x", "`run --job crawl|primes`", "-"]);
    }

    #[test]
    fn rows_in_order_under_their_crate() {
        let md = "# t\n## Index\nintro\n### examples-a (x)\nSome prose.\n\n| bin | mirrors | command | Python twin |\n|---|---|---|---|\n| `b1` | m | `cargo run -p examples-a --bin b1` | [b1.py](examples-a/python/b1.py) |\n| `b2` | m2 | `c2` | - (none) |\n\nAfter.\n## Next\n| `no` | a | b | c |\n";
        let ch = parse(md).unwrap();
        assert_eq!(ch.len(), 1);
        assert_eq!(ch[0].krate, "examples-a");
        let bins: Vec<_> = ch[0].rows.iter().map(|r| r.bin.as_str()).collect();
        assert_eq!(bins, ["b1", "b2"]);
        assert_eq!(ch[0].rows[0].twin.as_deref(), Some("examples-a/python/b1.py"));
        assert_eq!(ch[0].rows[1].twin, None);
        assert!(ch[0].prose.contains("Some prose.") && ch[0].prose.contains("After."));
    }
}
