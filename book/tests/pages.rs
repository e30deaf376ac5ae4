//! The book cannot drift from the files: every bin has a page, every page
//! includes files and anchors that exist, and every Chinese quote is in the
//! notes (`../shared/notes/`, beside the repository). No mdBook or browser
//! needed: the pages are generated in memory, as `cargo run -p book -- gen`
//! writes them. `BOOK_ROOT=DIR` checks another copy of the workspace.

use std::path::PathBuf;

fn root() -> PathBuf {
    std::env::var_os("BOOK_ROOT").map_or_else(book::default_root, PathBuf::from)
}

fn problems(kind: &str) -> Vec<String> {
    let root = root();
    let g = book::generate(&root, &book::Inputs::default()).expect("generate the pages");
    let all = book::check(&root, &g).expect("check the pages");
    all.into_iter().filter(|p| p.contains(kind)).collect()
}

#[test]
fn every_bin_has_a_page() {
    let bad = problems("has no page");
    assert!(
        bad.is_empty(),
        "bins without a page (add a row to the README's index):\n{}",
        bad.join("\n")
    );
}

#[test]
fn every_include_and_anchor_exists() {
    let mut bad = problems("include");
    bad.extend(problems("ANCHOR"));
    bad.extend(problems("side by side"));
    bad.extend(problems("no file"));
    bad.extend(problems("does not exist"));
    bad.sort();
    bad.dedup();
    assert!(bad.is_empty(), "pages that include what is not there:\n{}", bad.join("\n"));
}

#[test]
fn every_quote_is_in_the_notes() {
    let bad = problems("is not in ../shared/notes/");
    assert!(bad.is_empty(), "Chinese text that the notes do not hold:\n{}", bad.join("\n"));
}

#[test]
fn nothing_else_is_wrong() {
    let root = root();
    let g = book::generate(&root, &book::Inputs::default()).expect("generate the pages");
    let all = book::check(&root, &g).expect("check the pages");
    assert!(all.is_empty(), "the book's problems:\n{}", all.join("\n"));
}

#[test]
fn one_page_per_index_row_in_order() {
    let root = root();
    let g = book::generate(&root, &book::Inputs::default()).unwrap();
    let summary = &g.files.iter().find(|(p, _)| p == "SUMMARY.md").unwrap().1;
    let mut at = 0;
    for ch in book::chapters(&root).unwrap() {
        for row in &ch.rows {
            let link = format!("[{}](./{}/{}.md)", row.bin, ch.krate, row.bin);
            let found = summary[at..]
                .find(&link)
                .unwrap_or_else(|| panic!("{link} missing or out of order"));
            at += found;
        }
    }
    assert!(summary.starts_with("# Summary\n\n[The granularity table, measured](intro.md)"));
    assert!(summary.trim_end().ends_with("[On your own laptop](laptop.md)"));
}
