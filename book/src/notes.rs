//! The notes' own words: every run of Chinese text the book shows (in a
//! header, a twin, a comment, a prose page) must be found in `../shared/notes/`.

use std::path::Path;

use anyhow::{Context, Result};

fn ideograph(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}' | '\u{f900}'..='\u{faff}')
}

/// Chinese punctuation and full-width forms, which belong to a quote.
fn cjk_mark(c: char) -> bool {
    matches!(c, '\u{3001}'..='\u{300b}' | '\u{3010}'..='\u{303f}' | '\u{ff01}'..='\u{ffef}' | '\u{2018}'..='\u{201f}' | '\u{2026}')
}

/// The runs of Chinese text in `text` with at least two ideographs: each
/// maximal run of ideographs and Chinese punctuation, cut at the corner
/// brackets 「」『』 (the headers' quotation marks, not the notes'), from
/// its first ideograph to its last.
pub fn quotes(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut flush = |cur: &mut String| {
        let run = cur.trim_matches(|c: char| !ideograph(c));
        if run.chars().filter(|&c| ideograph(c)).count() >= 2 {
            out.push(run.to_string());
        }
        cur.clear();
    };
    for c in text.chars() {
        if ideograph(c) || (cjk_mark(c) && !"「」『』".contains(c)) {
            cur.push(c);
        } else {
            flush(&mut cur);
        }
    }
    flush(&mut cur);
    out
}

/// Everything in the notes, with all white space removed.
pub struct Notes(String);

impl Notes {
    /// Reads every file in `dir`.
    ///
    /// # Errors
    /// The directory cannot be read.
    pub fn read(dir: &Path) -> Result<Notes> {
        let mut all = String::new();
        let mut names: Vec<_> = std::fs::read_dir(dir)
            .with_context(|| {
                format!(
                    "cannot read the notes in {} (a clone of shared beside main?)",
                    dir.display()
                )
            })?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        names.sort();
        for p in names.iter().filter(|p| p.is_file()) {
            all.push_str(
                &std::fs::read_to_string(p)
                    .with_context(|| format!("cannot read {}", p.display()))?,
            );
        }
        Ok(Notes(squeeze(&all)))
    }

    /// Builds it from text (tests).
    pub fn from_text(t: &str) -> Notes {
        Notes(squeeze(t))
    }

    /// The quotes in `text` that the notes do not hold.
    pub fn missing(&self, text: &str) -> Vec<String> {
        quotes(text).into_iter().filter(|q| !self.0.contains(&squeeze(q))).collect()
    }
}

fn squeeze(t: &str) -> String {
    t.chars().filter(|c| !c.is_whitespace()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_cut_at_corner_brackets() {
        let q = quotes(
            "//! 「可以使用 \\@asynccontextmanager\n//! 實作非同步情境管理器。」 (\"you can\") 和",
        );
        assert_eq!(q, ["可以使用", "實作非同步情境管理器"]);
    }

    #[test]
    fn an_altered_character_is_missing() {
        let notes = Notes::from_text("可以設定一個柵欄並指定數量，如果有\n執行緒先來到");
        assert!(notes.missing("「可以設定一個柵欄並指定數量，如果有執行緒先來到」").is_empty());
        assert_eq!(notes.missing("「可以設定一個柵栏」"), ["可以設定一個柵栏"]);
    }
}
