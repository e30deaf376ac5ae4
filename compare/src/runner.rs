//! Runs every contender: each pair Rust then Python, round after round
//! (A B A B ...), each run a whole child process measured from the outside
//! ([`crate::measure`]), then checks that every contender of a job computed
//! the same answer.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use indicatif::ProgressBar;
use serde::Serialize;
use shared::report::{Cost, parse_answer, parse_costs};

use crate::contenders::{Contender, Lang, Side, job_kind};
use crate::measure::{self, Run};
use crate::python::Python;
use crate::stats::{Spread, ratios};

/// Where things are and how often to run them.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The workspace root (the twins are `<root>/<crate>/python/<bin>.py`).
    pub root: PathBuf,
    /// Where the example bins are (`target/release`).
    pub bin_dir: PathBuf,
    /// The Pythons every twin runs on, each its own set of rows (at least one).
    pub pythons: Vec<Python>,
    /// Rounds per pair (each round runs Rust, then Python).
    pub runs: usize,
    /// The longest one run may take before it is killed.
    pub timeout: Duration,
    /// Why the crawl contenders cannot run (the site did not start), if so.
    pub site_problem: Option<String>,
}

/// What became of one side of a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Every run succeeded and gave the job's answer.
    Measured,
    /// The program is not built (or not written): listed, not run.
    Missing,
    /// A run exited non-zero, timed out, printed no `answer:` line, or gave another answer.
    Failed,
    /// No such contender exists for this granularity (the row's note says why).
    NotRun,
}

impl Status {
    /// How the table shows it.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Measured => "measured",
            Status::Missing => "missing",
            Status::Failed => "FAILED",
            Status::NotRun => "not run",
        }
    }
}

/// One measured run of one side.
#[derive(Debug, Clone, Serialize)]
pub struct Measured {
    /// Which round (0-based).
    pub round: usize,
    /// What the process cost, measured from outside.
    #[serde(flatten)]
    pub run: Run,
    /// The cost lines it printed (`<label>, cost = X seconds`): its own timing.
    pub costs: Vec<Cost>,
    /// Its `answer: ...` line: what the job computed.
    pub answer: Option<String>,
}

/// One side (Rust or Python) of a row, summarised over its runs.
#[derive(Debug, Clone, Serialize)]
pub struct SideResult {
    /// `rust` or `python`.
    pub lang: Lang,
    /// The bin or twin.
    pub program: String,
    /// The command line, relative to the workspace root.
    pub command: String,
    /// Measured, missing or failed.
    pub status: Status,
    /// Why it is missing or failed.
    pub error: Option<String>,
    /// Every run, in order.
    pub runs: Vec<Measured>,
    /// Wall time per run, seconds.
    pub wall_secs: Option<Spread>,
    /// User + system CPU time per run, seconds.
    pub cpu_secs: Option<Spread>,
    /// CPU time / wall time per run (cores kept busy).
    pub utilisation: Option<Spread>,
    /// Peak resident memory of the process tree per run, MiB (2^20 bytes).
    pub peak_rss_mib: Option<Spread>,
    /// What every run computed (the job's answer).
    pub answer: Option<String>,
}

impl SideResult {
    fn new(side: &Side, python: Option<&Python>) -> SideResult {
        SideResult {
            lang: side.lang,
            program: side.program.to_string(),
            command: python
                .map_or_else(|| side.command_line(), |p| side.command_line_with(&p.given)),
            status: Status::Measured,
            error: None,
            runs: Vec::new(),
            wall_secs: None,
            cpu_secs: None,
            utilisation: None,
            peak_rss_mib: None,
            answer: None,
        }
    }

    fn fail(&mut self, status: Status, why: String) {
        self.status = status;
        self.error = Some(why);
    }

    fn summarise(&mut self) {
        let of = |f: fn(&Run) -> f64| {
            let v: Vec<f64> = self.runs.iter().map(|m| f(&m.run)).collect();
            Spread::of(&v)
        };
        self.wall_secs = of(|r| r.wall_secs);
        self.cpu_secs = of(Run::cpu_secs);
        self.utilisation = of(Run::utilisation);
        self.peak_rss_mib = of(|r| r.peak_rss_bytes as f64 / (1u64 << 20) as f64);
    }

    /// One figure of every run, in round order (for the pair-by-pair ratios).
    fn per_run(&self, f: fn(&Run) -> f64) -> Vec<f64> {
        self.runs.iter().map(|m| f(&m.run)).collect()
    }
}

/// One row of the table: a job at a granularity, both sides and their ratios.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// `crawl`, `primes` or `sha`.
    pub job: String,
    /// I/O-bound or CPU-bound.
    pub kind: String,
    /// The granularity.
    pub granularity: String,
    /// The Python of this row's set: `Python 3.11.7 (GIL)` (one set of rows per `--python`).
    pub python_label: String,
    /// That Python's interpreter (`sys.executable`).
    pub python_exe: String,
    /// What the row pairs, or why it is not run.
    pub note: String,
    /// The Rust side (`None`: no such contender).
    pub rust: Option<SideResult>,
    /// The Python side (`None`: no twin).
    pub python: Option<SideResult>,
    /// Rust wall time / Python wall time, round by round.
    pub wall_ratio: Option<Spread>,
    /// Rust peak memory / Python peak memory, round by round.
    pub memory_ratio: Option<Spread>,
}

impl Row {
    /// The sides that exist.
    pub fn sides(&self) -> impl Iterator<Item = &SideResult> {
        self.rust.iter().chain(self.python.iter())
    }
}

/// How many runs `contenders` will take (for the progress bar): each Rust
/// side once, each Python side once per Python that can run it.
pub fn total_runs(plan: &Plan, contenders: &[Contender]) -> u64 {
    let sides: usize = contenders
        .iter()
        .map(|c| {
            let pythons = plan.pythons.iter().filter(|p| p.interpreter_pool || !c.interpreter_pool);
            c.rust.iter().count() + c.python.iter().count() * pythons.count()
        })
        .sum();
    (sides * plan.runs) as u64
}

/// Runs every contender (pair by pair, round by round) and checks answers.
/// The rows come in sets, one per Python (`plan.pythons`), each set in the
/// order of `contenders`; a Rust side is measured once and shown in every set.
pub fn run_all(plan: &Plan, contenders: &[Contender], bar: &ProgressBar) -> Vec<Row> {
    let mut sets: Vec<Vec<Row>> = plan.pythons.iter().map(|_| Vec::new()).collect();
    for c in contenders {
        for (set, row) in sets.iter_mut().zip(run_pair(plan, c, bar)) {
            set.push(row);
        }
    }
    let mut rows: Vec<Row> = sets.into_iter().flatten().collect();
    check_answers(&mut rows);
    rows
}

/// One contender: its Rust side and its Python side under every Python,
/// round by round (Rust, then each Python), so each ratio pairs runs taken
/// side by side. One row per Python.
fn run_pair(plan: &Plan, c: &Contender, bar: &ProgressBar) -> Vec<Row> {
    // (side, its Python or None for Rust)
    let mut sides: Vec<(&Side, Option<&Python>)> = c.rust.iter().map(|s| (s, None)).collect();
    if let Some(s) = &c.python {
        sides.extend(plan.pythons.iter().map(|p| (s, Some(p))));
    }
    let mut results: Vec<SideResult> = sides.iter().map(|(s, p)| SideResult::new(s, *p)).collect();
    let mut commands: Vec<Option<Command>> = Vec::new();
    for ((side, python), result) in sides.iter().zip(&mut results) {
        if c.interpreter_pool && python.is_some_and(|p| !p.interpreter_pool) {
            let why = "needs Python 3.14 (concurrent.futures.InterpreterPoolExecutor)";
            result.fail(Status::NotRun, why.to_string());
            commands.push(None);
            continue;
        }
        match command(plan, c, side, *python) {
            Ok(cmd) => commands.push(Some(cmd)),
            Err(why) => {
                result.fail(Status::Missing, why);
                bar.inc(plan.runs as u64);
                commands.push(None);
            }
        }
    }
    for round in 0..plan.runs {
        for (i, result) in results.iter_mut().enumerate() {
            if result.status != Status::Measured {
                continue;
            }
            let Some(cmd) = commands[i].as_mut() else {
                continue;
            };
            let who = sides[i].1.map_or("rust", |p| p.label.as_str());
            bar.set_message(format!(
                "{} / {} / {who} (round {} of {})",
                c.job,
                c.granularity,
                round + 1,
                plan.runs
            ));
            match one_run(plan, cmd) {
                Ok((run, costs, answer)) => {
                    result.runs.push(Measured { round, run, costs, answer })
                }
                Err(why) => {
                    result.fail(Status::Failed, why);
                    // the rounds it will not run
                    bar.inc((plan.runs - round - 1) as u64);
                }
            }
            bar.inc(1);
        }
    }
    for r in &mut results {
        r.summarise();
    }
    let rust = c.rust.as_ref().map(|_| results.remove(0));
    // results now holds the Python side under each Python, in order (or nothing)
    let mut pythons = results.into_iter();
    plan.pythons
        .iter()
        .map(|py| {
            let python = c.python.as_ref().and_then(|_| pythons.next());
            let (wall_ratio, memory_ratio) = match (&rust, &python) {
                (Some(r), Some(p))
                    if r.status == Status::Measured && p.status == Status::Measured =>
                {
                    (
                        ratios(&r.per_run(|x| x.wall_secs), &p.per_run(|x| x.wall_secs)),
                        ratios(
                            &r.per_run(|x| x.peak_rss_bytes as f64),
                            &p.per_run(|x| x.peak_rss_bytes as f64),
                        ),
                    )
                }
                _ => (None, None),
            };
            Row {
                job: c.job.to_string(),
                kind: job_kind(c.job).to_string(),
                granularity: c.granularity.to_string(),
                python_label: py.label.clone(),
                python_exe: py.exe.clone(),
                note: c.note.to_string(),
                rust: rust.clone(),
                python,
                wall_ratio,
                memory_ratio,
            }
        })
        .collect()
}

/// The command for one side, or why it cannot run (missing).
fn command(
    plan: &Plan,
    c: &Contender,
    side: &Side,
    python: Option<&Python>,
) -> Result<Command, String> {
    if c.job == shared::report::CRAWL
        && let Some(problem) = &plan.site_problem
    {
        return Err(problem.clone());
    }
    let path = side.path(&plan.root, &plan.bin_dir);
    if !path.exists() {
        return Err(match side.lang {
            Lang::Rust => format!(
                "{} is not built (cargo build --release -p {} --bins)",
                path.display(),
                side.krate
            ),
            Lang::Python => format!("{} does not exist", shown(&path, &plan.root)),
        });
    }
    let mut cmd = match side.lang {
        Lang::Rust => Command::new(&path),
        Lang::Python => {
            let mut cmd = Command::new(python.map_or("python3", |p| p.exe.as_str()));
            cmd.arg(&path);
            cmd
        }
    };
    cmd.args(&side.args).current_dir(&plan.root);
    // a run of its own: no spans file, no clock inherited from us
    cmd.env_remove(shared::spans::SPANS_ENV)
        .env_remove(shared::spans::ROOT_ENV)
        .env_remove(shared::timing::EPOCH_ENV);
    Ok(cmd)
}

fn shown(path: &Path, root: &Path) -> String {
    path.strip_prefix(root).unwrap_or(path).display().to_string()
}

/// One run; `Err` says why it does not count (exit code, timeout, no
/// answer). Its costs and answer are read from the lines it prints for a
/// person: every `<label>, cost = X seconds` line and the `answer: ...` line.
fn one_run(plan: &Plan, cmd: &mut Command) -> Result<(Run, Vec<Cost>, Option<String>), String> {
    let run = measure::run(cmd, plan.timeout).map_err(|e| format!("{e:#}"))?;
    if run.timed_out {
        return Err(format!("killed after the {} s time limit", plan.timeout.as_secs()));
    }
    if !run.success() {
        let code = run.code.map_or("a signal".to_string(), |c| format!("code {c}"));
        return Err(format!("exited with {code}: {}", run.tail()));
    }
    let costs = parse_costs(&run.stdout);
    let answer = parse_answer(&run.stdout);
    if answer.is_none() {
        return Err("printed no `answer: ...` line".to_string());
    }
    Ok((run, costs, answer))
}

/// Every measured side of a job must give the same answer as the job's
/// first measured side; a side that does not is marked failed.
fn check_answers(rows: &mut [Row]) {
    let mut reference: Vec<(String, String, String)> = Vec::new(); // job, answer, who
    for row in rows.iter_mut() {
        let job = row.job.clone();
        let granularity = row.granularity.clone();
        let label = row.python_label.clone();
        for side in row.rust.iter_mut().chain(row.python.iter_mut()) {
            if side.status != Status::Measured {
                continue;
            }
            let answers: Vec<Option<&String>> =
                side.runs.iter().map(|m| m.answer.as_ref()).collect();
            let Some(Some(first)) = answers.first().cloned() else {
                side.fail(Status::Failed, "it printed no answer".to_string());
                continue;
            };
            let first = first.clone();
            if let Some(other) = answers.iter().find(|a| a != &&Some(&first)) {
                let why = format!("its runs disagree: {first:?} and {other:?}");
                side.fail(Status::Failed, why);
                continue;
            }
            side.answer = Some(first.clone());
            let lang = match side.lang {
                Lang::Rust => "rust",
                Lang::Python => label.as_str(),
            };
            let who = format!("{} ({granularity}, {lang})", side.program);
            match reference.iter().find(|(j, _, _)| *j == job) {
                None => reference.push((job.clone(), first, who)),
                Some((_, expected, by)) if *expected != first => {
                    let why = format!("answered {first:?}, but {by} answered {expected:?}");
                    side.fail(Status::Failed, why);
                }
                Some(_) => {}
            }
        }
        if row.sides().any(|s| s.status != Status::Measured) {
            row.wall_ratio = None;
            row.memory_ratio = None;
        }
    }
}
