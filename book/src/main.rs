//! `cargo run -p book -- build|serve|check|gen`: writes the book's pages
//! from the README index and the files, records the timelines, and runs
//! mdBook (see `src/lib.rs`).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use book::record::Recorder;
use clap::{Args, Parser, Subcommand};

/// The one line that says what the book needs.
const INSTALL: &str = "the book needs mdBook 0.5.4: cargo install mdbook --locked --version 0.5.4";

#[derive(Parser)]
#[command(
    about = "The side-by-side book: pages from the README index, timelines recorded, built with mdBook"
)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Write book/pages (no recording, no mdBook).
    Gen(Opts),
    /// Write the pages, record the timelines, build the HTML into target/book/html.
    Build(Opts),
    /// Build, then serve on http://127.0.0.1:3000 (mdbook serve).
    Serve {
        #[command(flatten)]
        opts: Opts,
        /// The port.
        #[arg(long, default_value_t = 3000)]
        port: u16,
    },
    /// The checks of book/tests/pages.rs: every bin has a page, every include resolves, every quote is in the notes.
    Check(Opts),
}

#[derive(Args)]
struct Opts {
    /// The workspace root [default: where this crate was built from].
    #[arg(long)]
    root: Option<PathBuf>,
    /// compare's JSON [default: env BOOK_COMPARE_JSON, else compare/charts/compare.json, the committed run].
    #[arg(long, value_name = "JSON")]
    compare: Option<PathBuf>,
    /// Do not build the bins or record timelines (the pages say so).
    #[arg(long)]
    no_record: bool,
}

fn mdbook() -> Option<PathBuf> {
    let home = std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo/bin/mdbook"));
    std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).map(|d| d.join("mdbook")).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .chain(home)
        .find(|p| p.is_file())
}

fn generate(opts: &Opts, record: bool) -> Result<(PathBuf, book::Generated)> {
    let root = opts.root.clone().unwrap_or_else(book::default_root);
    let specs = std::fs::read_to_string(root.join("book/record.txt")).unwrap_or_default();
    // --compare, else BOOK_COMPARE_JSON (how a test or CI points the book at another run)
    let given =
        opts.compare.clone().or_else(|| std::env::var_os("BOOK_COMPARE_JSON").map(PathBuf::from));
    let comparison = book::cost::find(&root, given.as_deref())?;
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    let recorder = Recorder {
        root: root.clone(),
        bin_dir: target.join("debug"),
        cache: target.join("book/record"),
        timeout: Duration::from_secs(60),
    };
    if record {
        build_bins(&root)?;
    }
    let inputs = book::Inputs {
        recorder: record.then_some(&recorder),
        specs: book::record::specs(&specs),
        comparison,
    };
    let g = book::generate(&root, &inputs)?;
    book::write(&root.join("book/pages"), &g)?;
    for p in &g.problems {
        eprintln!("book: warning: {p}");
    }
    Ok((root, g))
}

/// Debug builds of compare and every example (what the recordings run), as
/// `cargo test --workspace` builds them: the same features, so the same
/// artifacts (inside that command's browser check this build has nothing to do).
fn build_bins(root: &Path) -> Result<()> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    eprintln!(
        "book: building compare and the examples (debug, as cargo test does) for the recordings"
    );
    let status = Command::new(cargo)
        .current_dir(root)
        .args(["test", "-q", "--workspace", "--no-run"])
        .status()
        .context("cannot run cargo")?;
    if !status.success() {
        eprintln!(
            "book: warning: the build failed ({status}): the timelines of what did not build are missing"
        );
    }
    Ok(())
}

fn mdbook_cmd(root: &Path) -> Result<Command> {
    let Some(mdbook) = mdbook() else { bail!("{INSTALL}") };
    let mut cmd = Command::new(mdbook);
    cmd.current_dir(root.join("book"));
    Ok(cmd)
}

fn main() -> Result<()> {
    shared::quiet_backtraces();
    match Cli::parse().cmd {
        Cmd::Gen(o) => {
            let (root, g) = generate(&o, false)?;
            println!("wrote {} pages into {}", g.files.len(), root.join("book/pages").display());
        }
        Cmd::Build(o) => {
            let (root, _) = generate(&o, !o.no_record)?;
            let status = mdbook_cmd(&root)?.arg("build").status()?;
            if !status.success() {
                bail!("mdbook build failed ({status})");
            }
            println!("book: {}", root.join("target/book/html/index.html").display());
        }
        Cmd::Serve { opts, port } => {
            let (root, _) = generate(&opts, !opts.no_record)?;
            let status = mdbook_cmd(&root)?
                .args(["serve", "-n", "127.0.0.1", "-p", &port.to_string()])
                .status()?;
            if !status.success() {
                bail!("mdbook serve failed ({status})");
            }
        }
        Cmd::Check(o) => {
            let root = o.root.clone().unwrap_or_else(book::default_root);
            let g = book::generate(&root, &book::Inputs::default())?;
            let bad = book::check(&root, &g)?;
            for b in &bad {
                println!("{b}");
            }
            if !bad.is_empty() {
                bail!("{} problem(s) in the book", bad.len());
            }
            println!(
                "book: {} pages, every bin has one, every include and quote found",
                g.files.len()
            );
        }
    }
    Ok(())
}
