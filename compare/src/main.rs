//! `compare`: the notes' granularity table measured on this machine.
//!
//! ```text
//! just compare                                   # = the two commands below
//! cargo build --release --workspace --bins
//! cargo run --release -p compare                 # about 3.5 minutes on 2 cores
//! cargo run --release -p compare -- --quick      # a smoke test, under a minute
//! cargo run --release -p compare -- --job crawl --runs 5
//! cargo run --release -p compare -- --python python3.13t --python python3.14   # every Python you have
//! cargo run --release -p compare -- timeline a.jsonl b.jsonl -o who-ran-when.svg
//! cargo run --release -p compare -- record examples-threads crawler
//! ```
//!
//! The default run crawls the local blog site (50 pages, 100 ms a request:
//! one `blog-site` process for the whole run), checks PRIMES (100 x
//! is_prime(112272535095293)) and hashes the sha jobs (12 x 2**20 bytes), at
//! every granularity that exists, Rust then Python, 3 rounds (A B A B A B).
//! It prints the table (median, min-max in brackets) and writes
//! `target/compare/{compare.json, compare.csv, runs.csv, compare.md}` and
//! one chart per job, `target/compare/chart-{crawl,primes,sha}.svg`.
//! Contenders not built are listed as missing; a contender that fails or
//! gives another answer than the rest of its job is listed as FAILED, and
//! `compare` exits 1 after writing everything. Each `--python` (default: the
//! `python3` on PATH) runs every twin: one table per interpreter, labelled
//! `Python 3.11.7 (GIL)` or `Python 3.14.0 (free-threaded)`; the interpreter
//! pool rows need 3.14. Ctrl-C ends the run in progress (it has a process
//! group of its own) and exits 130, writing nothing (src/stop.rs).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand, ValueEnum};
use compare::contenders::{self, Workloads};
use compare::output::{self, Document, Machine};
use compare::python::{self, Python};
use compare::runner::{self, Plan, Status};
use compare::site::SiteProcess;
use compare::{chart, timeline};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

#[derive(Parser, Debug)]
#[command(about = "Measure the notes' granularity table: each Rust example beside its Python twin")]
#[command(args_conflicts_with_subcommands = true)]
#[command(allow_negative_numbers = true)] // `--runs -1` is a value to refuse, naming the flag
struct Cli {
    #[command(subcommand)]
    command: Option<Cmd>,
    #[command(flatten)]
    run: RunArgs,
}

#[derive(Subcommand, Debug)]
enum Cmd {
    /// Draw spans files (CONCURRENCY_PAIRS_SPANS=FILE of a bin or twin) as one SVG, one panel per file.
    Timeline {
        /// Spans files, drawn top to bottom on one time axis.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The SVG to write.
        #[arg(short, long)]
        output: PathBuf,
        /// The picture's title.
        #[arg(long, default_value = "who ran when")]
        title: String,
    },
    /// Run a bin and its twin recording spans and draw both (target/compare/timeline-BIN.svg).
    Record {
        /// The example crate, e.g. examples-threads.
        krate: String,
        /// The bin (its twin is <crate>/python/<bin>.py).
        bin: String,
        /// Flags for both (after --); --latency-ms goes to the blog site a crawler gets.
        #[arg(last = true)]
        args: Vec<String>,
        #[command(flatten)]
        paths: Paths,
        /// The Python interpreter of the twin.
        #[arg(long, default_value = "python3")]
        python: String,
    },
}

#[derive(Args, Debug)]
struct Paths {
    /// Where the example bins are [default: the directory of this program].
    #[arg(long, value_name = "DIR")]
    bin_dir: Option<PathBuf>,
    /// The workspace root (where the twins are) [default: where compare was built from].
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
    /// Where to write [default: target/compare beside the bin directory].
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Job {
    Crawl,
    Primes,
    Sha,
}

#[derive(Args, Debug)]
struct RunArgs {
    /// A smoke test: small workloads (10 pages at 20 ms, 2 primes, 4 x 64 KiB sha), 1 round.
    #[arg(long)]
    quick: bool,
    /// Rounds per pair, Rust then Python [default: 3, or 1 with --quick].
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=100))]
    runs: Option<u32>,
    /// Only these jobs (repeat the flag for more) [default: all three].
    #[arg(long = "job", value_enum)]
    jobs: Vec<Job>,
    /// Crawl: list pages [default: 50, or 10 with --quick].
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pages: Option<u32>,
    /// Crawl: the site's latency per request, ms [default: 100, or 20 with --quick].
    #[arg(long, value_parser = clap::value_parser!(u64).range(0..=10_000))]
    latency_ms: Option<u64>,
    /// Primes: how many of the 100 PRIMES [default: 100, or 2 with --quick].
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=100))]
    count: Option<u32>,
    /// Sha: how many jobs [default: 12, or 4 with --quick].
    #[arg(long = "sha-jobs", value_parser = clap::value_parser!(u32).range(1..=1000))]
    sha_jobs: Option<u32>,
    /// Sha: bytes per job [default: 1048576, or 65536 with --quick].
    #[arg(long, value_parser = clap::value_parser!(u64).range(0..=1 << 28))]
    size: Option<u64>,
    /// Threads and processes of the pools [default: the number of CPUs].
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=64))]
    workers: Option<u32>,
    /// The longest one run may take, seconds, before it is killed and FAILED.
    #[arg(long, default_value_t = 300, value_parser = clap::value_parser!(u64).range(1..=3600))]
    timeout: u64,
    /// A Python to run every twin with, each its own set of rows labelled
    /// `Python 3.13.1 (free-threaded)`; repeat the flag for more [default: python3].
    #[arg(long = "python", value_name = "PATH")]
    pythons: Vec<String>,
    #[command(flatten)]
    paths: Paths,
}

fn main() -> Result<()> {
    shared::quiet_backtraces();
    let cli = Cli::parse();
    // Ctrl-C: end the run in progress (its own process group) and the blog site, exit 130.
    compare::stop::on_ctrl_c()?;
    match cli.command {
        Some(Cmd::Timeline { files, output, title }) => {
            for p in timeline::draw_files(&files, &output, &title)? {
                println!("{}", summary(&p));
            }
            println!("timeline: {}", output.display());
            Ok(())
        }
        Some(Cmd::Record { krate, bin, args, paths, python }) => {
            record(&krate, &bin, &args, &paths, &python)
        }
        None => compare(&cli.run),
    }
}

struct Dirs {
    bin: PathBuf,
    root: PathBuf,
    out: PathBuf,
}

fn dirs(paths: &Paths) -> Result<Dirs> {
    let bin = match &paths.bin_dir {
        Some(d) => d.clone(),
        None => std::env::current_exe()
            .context("cannot find this program's directory")?
            .parent()
            .context("this program has no directory")?
            .to_path_buf(),
    };
    let root =
        paths.root.clone().unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join(".."));
    if !root.join("examples-threads").join("python").is_dir() {
        bail!(
            "{} is not the concurrency-pairs workspace (no examples-threads/python): pass --root",
            root.display()
        );
    }
    // plain paths in what it prints (`/work/x/examples-threads`, not `compare/../`)
    let root = std::fs::canonicalize(&root).unwrap_or(root);
    let bin = std::fs::canonicalize(&bin).unwrap_or(bin);
    let out = match &paths.out {
        Some(d) => d.clone(),
        // target/release -> target/compare
        None => bin.parent().unwrap_or(&bin).join("compare"),
    };
    Ok(Dirs { bin, root, out })
}

fn compare(args: &RunArgs) -> Result<()> {
    let d = dirs(&args.paths)?;
    let base = if args.quick { Workloads::QUICK } else { Workloads::FULL };
    let w = Workloads {
        pages: args.pages.unwrap_or(base.pages),
        latency_ms: args.latency_ms.unwrap_or(base.latency_ms),
        count: args.count.unwrap_or(base.count),
        jobs: args.sha_jobs.unwrap_or(base.jobs),
        size: args.size.unwrap_or(base.size),
    };
    let runs = args.runs.map_or(if args.quick { 1 } else { 3 }, |r| r as usize);
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    let workers = args.workers.map_or(cpus, |n| n as usize);
    if cfg!(debug_assertions) {
        eprintln!(
            "note: this is a debug build of compare, so it times the debug builds beside it; \
             for figures, use `just compare` (release)"
        );
    }
    let wanted = |job: &str| {
        args.jobs.is_empty() || args.jobs.iter().any(|j| format!("{j:?}").to_lowercase() == job)
    };

    // One site for every crawl contender.
    let crawling = wanted(shared::report::CRAWL);
    let (site, site_problem) = if crawling {
        match SiteProcess::start(&d.bin, w.pages, w.latency_ms) {
            Ok(s) => (Some(s), None),
            Err(e) => (None, Some(format!("{e:#}"))),
        }
    } else {
        (None, None)
    };
    let url = site.as_ref().map_or("http://127.0.0.1:1".to_string(), |s| s.url.clone());
    let all: Vec<_> =
        contenders::all(&w, &url, workers).into_iter().filter(|c| wanted(c.job)).collect();
    let pythons = resolve_pythons(&args.pythons)?;
    let plan = Plan {
        root: d.root.clone(),
        bin_dir: d.bin.clone(),
        pythons: pythons.clone(),
        runs,
        timeout: Duration::from_secs(args.timeout),
        site_problem,
    };
    if let Some(s) = &site {
        eprintln!("blog site: {} ({} pages, {} ms a request)", s.url, w.pages, w.latency_ms);
    }

    let bar = ProgressBar::with_draw_target(
        Some(runner::total_runs(&plan, &all)),
        ProgressDrawTarget::stderr(),
    );
    bar.set_style(
        ProgressStyle::with_template("{elapsed:>4} [{bar:30}] {pos}/{len} runs  {msg}")?
            .progress_chars("=> "),
    );
    let started = output::utc_now();
    let rows = runner::run_all(&plan, &all, &bar);
    bar.finish_and_clear();
    drop(site);

    let doc = Document {
        date: started,
        command: command_line(),
        machine: Machine { os: std::env::consts::OS, arch: std::env::consts::ARCH, cpus },
        python: pythons[0].label.clone(),
        interpreter: pythons[0].exe.clone(),
        pythons,
        workloads: w,
        runs,
        rows,
    };
    println!(
        "{} ({} CPUs), {} round(s) per pair, Rust then Python; median (min-max)",
        doc.date, cpus, runs
    );
    for (python, rows) in output::sets(&doc) {
        let rows: Vec<_> = rows.into_iter().cloned().collect();
        println!("\n{}\n{}", output::heading(python), output::table(&rows, false));
        for n in output::notes(&rows) {
            println!("- {n}");
        }
    }
    output::write_files(&d.out, &doc)?;
    let mut charts = Vec::new();
    for job in contenders::JOBS {
        let rows: Vec<_> = doc.rows.iter().filter(|r| r.job == job).collect();
        if rows.is_empty() {
            continue;
        }
        let path = d.out.join(format!("chart-{job}.svg"));
        let title = chart_title(job, &w, cpus, &doc.date);
        chart::draw_job(&path, job, &title, &rows)?;
        charts.push(path);
    }
    println!("wrote {}", shown(&d.out.join("compare.{json,csv,md}")));
    println!("wrote {}", shown(&d.out.join("runs.csv")));
    for c in charts {
        println!("wrote {}", shown(&c));
    }
    if !mac_or_linux() {
        println!("note: CPU time and peak memory are measured on Unix only; here they read 0");
    }
    let failed =
        doc.rows.iter().flat_map(|r| r.sides()).filter(|s| s.status == Status::Failed).count();
    if failed > 0 {
        bail!("{failed} contender(s) failed: see the notes under the table");
    }
    Ok(())
}

/// `crawler-rust.jsonl: 50 spans, 52 marks in 51 rows`.
fn summary(p: &timeline::Panel) -> String {
    let marks = p.marks();
    format!("{}: {} spans, {marks} marks in {} rows", p.title, p.spans.len() - marks, p.rows.len())
}

fn chart_title(job: &str, w: &Workloads, cpus: usize, date: &str) -> String {
    let what = match job {
        "crawl" => {
            format!("crawl: {} pages of the local blog site at {} ms", w.pages, w.latency_ms)
        }
        "primes" => format!("primes: {} x is_prime(112272535095293)", w.count),
        _ => format!("sha: {} jobs of {} bytes", w.jobs, w.size),
    };
    format!("{what}, {cpus} CPUs, {date}")
}

fn mac_or_linux() -> bool {
    compare::measure::SUPPORTED
}

fn shown(p: &Path) -> String {
    p.display().to_string()
}

fn command_line() -> String {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.is_empty() {
        "cargo run --release -p compare".to_string()
    } else {
        format!("cargo run --release -p compare -- {}", args.join(" "))
    }
}

/// Every `--python` (default: `python3`), asked what it is; one named twice
/// (or by two names) runs once.
fn resolve_pythons(given: &[String]) -> Result<Vec<Python>> {
    let given = if given.is_empty() { vec!["python3".to_string()] } else { given.to_vec() };
    let mut pythons: Vec<Python> = Vec::new();
    for g in &given {
        let p = python::probe(g)?;
        if let Some(same) = pythons.iter().find(|q| q.exe == p.exe) {
            eprintln!("note: --python {g} is {} again ({}): run once", same.given, p.exe);
            continue;
        }
        pythons.push(p);
    }
    Ok(pythons)
}

/// `compare record CRATE BIN [-- ARGS]`: the bin, then its twin, each with
/// `CONCURRENCY_PAIRS_SPANS` set (what `shared` and `blog_spider.py` record
/// by themselves), then both drawn in one picture.
fn record(krate: &str, bin: &str, args: &[String], paths: &Paths, interpreter: &str) -> Result<()> {
    let d = dirs(paths)?;
    let exe = d.bin.join(format!("{bin}{}", std::env::consts::EXE_SUFFIX));
    let twin = d.root.join(krate).join("python").join(format!("{bin}.py"));
    if !exe.exists() {
        bail!("{} is not built (cargo build --release -p {krate} --bins)", exe.display());
    }
    if !twin.exists() {
        bail!("{} does not exist", twin.display());
    }
    // A crawler gets a blog site: --latency-ms is the site's, --pages both's.
    let mut args = args.to_vec();
    let mut latency = 100;
    if let Some(i) = args.iter().position(|a| a == "--latency-ms") {
        let v = args.get(i + 1).context("--latency-ms needs a value")?;
        latency = v.parse().with_context(|| format!("--latency-ms {v}: not a number of ms"))?;
        args.drain(i..i + 2);
    }
    let help = Command::new(&exe).arg("--help").output()?;
    let crawls = String::from_utf8_lossy(&help.stdout).contains("--site");
    let pages = match args.iter().position(|a| a == "--pages") {
        Some(i) => args.get(i + 1).and_then(|v| v.parse().ok()).unwrap_or(50),
        None => 50,
    };
    let site = if crawls && !args.iter().any(|a| a == "--site") {
        let s = SiteProcess::start(&d.bin, pages, latency)?;
        println!("blog site: {} ({pages} pages, {latency} ms a request)", s.url);
        args.extend(["--site".to_string(), s.url.clone()]);
        Some(s)
    } else {
        None
    };
    let dir = d.out.join("timeline");
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let rust = dir.join(format!("{bin}-rust.jsonl"));
    let python = dir.join(format!("{bin}-python.jsonl"));
    let mut rust_cmd = Command::new(&exe);
    rust_cmd.args(&args);
    let mut py_cmd = Command::new(interpreter);
    py_cmd.arg(&twin).args(&args);
    for ((who, mut cmd), file) in
        [("rust", rust_cmd), ("python", py_cmd)].into_iter().zip([&rust, &python])
    {
        println!("== {who}: {bin}");
        // shared (and blog_spider.py) record by themselves into this file,
        // child processes too: it must start empty, as they append.
        match std::fs::remove_file(file) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(e).with_context(|| format!("cannot remove {}", file.display()));
            }
            _ => {}
        }
        cmd.current_dir(&d.root)
            .env(shared::spans::SPANS_ENV, file)
            .env_remove(shared::spans::ROOT_ENV)
            .env_remove(shared::timing::EPOCH_ENV);
        let status = cmd.status().with_context(|| format!("cannot start the {who} side"))?;
        if !status.success() {
            bail!("the {who} side of {bin} failed ({status})");
        }
    }
    drop(site);
    let out = d.out.join(format!("timeline-{bin}.svg"));
    let title = format!("{bin}: who ran when, Rust above, Python below");
    for p in timeline::draw_files(&[rust, python], &out, &title)? {
        println!("{}", summary(&p));
    }
    println!("timeline: {}", out.display());
    Ok(())
}
