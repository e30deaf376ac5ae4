//! What a comparison leaves behind: the table on the terminal (and as
//! Markdown), the whole result as JSON, and two CSV files (one row per side,
//! one row per run).

use std::path::Path;

use anyhow::{Context, Result};
use comfy_table::{CellAlignment, ContentArrangement, Table, presets};
use serde::Serialize;

use crate::contenders::Workloads;
use crate::python::Python;
use crate::runner::{Row, SideResult, Status};
use crate::stats::Spread;

/// Everything one comparison measured: `compare.json`.
#[derive(Debug, Serialize)]
pub struct Document {
    /// When it started, UTC (`2026-12-03 08:15 UTC`).
    pub date: String,
    /// The command that reproduces it.
    pub command: String,
    /// OS, architecture and logical CPUs.
    pub machine: Machine,
    /// The first Python's label, `Python 3.11.7 (GIL)` (every one: `pythons`).
    pub python: String,
    /// Its `sys.executable`, which its twins ran with.
    pub interpreter: String,
    /// Every Python the twins ran on (`--python`), one set of rows each, in order.
    pub pythons: Vec<Python>,
    /// The workloads every contender of a job ran.
    pub workloads: Workloads,
    /// Rounds per pair.
    pub runs: usize,
    /// One per (job, granularity).
    pub rows: Vec<Row>,
}

/// The machine a comparison ran on.
#[derive(Debug, Serialize)]
pub struct Machine {
    /// `std::env::consts::OS`.
    pub os: &'static str,
    /// `std::env::consts::ARCH`.
    pub arch: &'static str,
    /// `std::thread::available_parallelism`.
    pub cpus: usize,
}

fn figure(side: Option<&SideResult>, f: impl Fn(&SideResult) -> Option<String>) -> String {
    match side {
        None => "-".to_string(),
        Some(s) if s.status != Status::Measured => s.status.as_str().to_string(),
        Some(s) => f(s).unwrap_or_else(|| "?".to_string()),
    }
}

fn cpu(s: &SideResult) -> Option<String> {
    let (c, u) = (s.cpu_secs?, s.utilisation?);
    Some(format!("{:.2} ({:.2}x)", c.median, u.median))
}

fn ratio(r: Option<Spread>) -> String {
    r.map_or("-".to_string(), |r| r.show(2))
}

/// The table: one line per row, medians with the min-max spread in brackets
/// (memory: medians only).
pub fn table(rows: &[Row], markdown: bool) -> Table {
    let mut t = Table::new();
    if markdown {
        t.load_preset(presets::ASCII_MARKDOWN);
    } else {
        t.load_preset(presets::UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Disabled);
    }
    t.set_header(vec![
        "job",
        "granularity",
        "Rust wall s",
        "Python wall s",
        "wall Rust/Python",
        "Rust CPU s (util)",
        "Python CPU s (util)",
        "Rust peak MiB",
        "Python peak MiB",
        "memory Rust/Python",
    ]);
    for row in rows {
        let (r, p) = (row.rust.as_ref(), row.python.as_ref());
        let wall = |s: &SideResult| s.wall_secs.map(|w| w.show(2));
        // memory: medians only (the spread is in the JSON and CSV)
        let mem = |s: &SideResult| s.peak_rss_mib.map(|m| format!("{:.1}", m.median));
        t.add_row(vec![
            format!("{} ({})", row.job, row.kind),
            row.granularity.clone(),
            figure(r, wall),
            figure(p, wall),
            ratio(row.wall_ratio),
            figure(r, cpu),
            figure(p, cpu),
            figure(r, mem),
            figure(p, mem),
            row.memory_ratio.map_or("-".to_string(), |r| format!("{:.2}", r.median)),
        ]);
    }
    for i in 2..10 {
        if let Some(c) = t.column_mut(i) {
            c.set_cell_alignment(CellAlignment::Right);
        }
    }
    t
}

/// The notes under the table: every row or side that was not measured, why.
pub fn notes(rows: &[Row]) -> Vec<String> {
    let mut out = Vec::new();
    for row in rows {
        let what = format!("{} / {}", row.job, row.granularity);
        if row.rust.is_none() && row.python.is_none() {
            out.push(format!("{what}: {}", row.note));
            continue;
        }
        if row.python.is_none() {
            out.push(format!("{what}: Rust only ({})", row.note));
        }
        for s in row.sides() {
            if let Some(e) = &s.error {
                let status = s.status.as_str();
                out.push(format!("{what}, {} {status}: {e}", s.lang.as_str()));
            }
        }
    }
    out
}

/// The rows of each Python's set, in order: `(that Python, its rows)`.
pub fn sets(doc: &Document) -> Vec<(&Python, Vec<&Row>)> {
    let of = |p: &Python| doc.rows.iter().filter(|r| r.python_exe == p.exe).collect();
    doc.pythons.iter().map(|p| (p, of(p))).collect()
}

/// What heads a set's table: `Python 3.11.7 (GIL): /usr/bin/python3.11`.
pub fn heading(p: &Python) -> String {
    format!("{}: {}", p.label, p.exe)
}

/// Writes `compare.json`, `compare.csv`, `runs.csv` and `compare.md` into `dir`.
///
/// # Errors
/// A file cannot be written.
pub fn write_files(dir: &Path, doc: &Document) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let json = serde_json::to_string_pretty(doc)?;
    write(dir, "compare.json", json + "\n")?;

    let labels: Vec<&str> = doc.pythons.iter().map(|p| p.label.as_str()).collect();
    let mut md = format!(
        "Measured {} on {} ({} CPUs), {}, {} round(s) per pair: `{}`\n",
        doc.date,
        doc.machine.os,
        doc.machine.cpus,
        labels.join(", "),
        doc.runs,
        doc.command,
    );
    for (python, rows) in sets(doc) {
        let rows: Vec<Row> = rows.into_iter().cloned().collect();
        md.push_str(&format!("\n{}\n\n{}\n", heading(python), table(&rows, true)));
        for n in notes(&rows) {
            md.push_str(&format!("\n- {n}"));
        }
        md.push('\n');
    }
    write(dir, "compare.md", md)?;

    let path = dir.join("compare.csv");
    let mut w = csv::Writer::from_path(&path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    w.write_record([
        "job",
        "kind",
        "granularity",
        "python",
        "lang",
        "program",
        "status",
        "runs",
        "wall_median_s",
        "wall_min_s",
        "wall_max_s",
        "cpu_median_s",
        "utilisation_median",
        "peak_rss_median_mib",
        "peak_rss_min_mib",
        "peak_rss_max_mib",
        "wall_ratio_median",
        "wall_ratio_min",
        "wall_ratio_max",
        "memory_ratio_median",
        "answer",
        "command",
        "error",
    ])?;
    let num = |x: Option<f64>| x.map_or(String::new(), |x| format!("{x:.6}"));
    for row in &doc.rows {
        for s in row.sides() {
            let (wall, cpu, util, rss) = (s.wall_secs, s.cpu_secs, s.utilisation, s.peak_rss_mib);
            let (wr, mr) = (row.wall_ratio, row.memory_ratio);
            w.write_record([
                row.job.clone(),
                row.kind.clone(),
                row.granularity.clone(),
                row.python_label.clone(),
                s.lang.as_str().to_string(),
                s.program.clone(),
                s.status.as_str().to_string(),
                s.runs.len().to_string(),
                num(wall.map(|x| x.median)),
                num(wall.map(|x| x.min)),
                num(wall.map(|x| x.max)),
                num(cpu.map(|x| x.median)),
                num(util.map(|x| x.median)),
                num(rss.map(|x| x.median)),
                num(rss.map(|x| x.min)),
                num(rss.map(|x| x.max)),
                num(wr.map(|x| x.median)),
                num(wr.map(|x| x.min)),
                num(wr.map(|x| x.max)),
                num(mr.map(|x| x.median)),
                s.answer.clone().unwrap_or_default(),
                s.command.clone(),
                s.error.clone().unwrap_or_default(),
            ])?;
        }
    }
    w.flush()?;

    let path = dir.join("runs.csv");
    let mut w = csv::Writer::from_path(&path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    w.write_record([
        "job",
        "granularity",
        "python",
        "lang",
        "program",
        "round",
        "wall_s",
        "user_s",
        "sys_s",
        "utilisation",
        "peak_rss_bytes",
        "processes",
        "reported_cost_s",
    ])?;
    for row in &doc.rows {
        for s in row.sides() {
            for m in &s.runs {
                let costs: f64 = m.costs.iter().map(|c| c.seconds).sum();
                w.write_record([
                    row.job.clone(),
                    row.granularity.clone(),
                    row.python_label.clone(),
                    s.lang.as_str().to_string(),
                    s.program.clone(),
                    m.round.to_string(),
                    format!("{:.6}", m.run.wall_secs),
                    format!("{:.6}", m.run.user_secs),
                    format!("{:.6}", m.run.sys_secs),
                    format!("{:.4}", m.run.utilisation()),
                    m.run.peak_rss_bytes.to_string(),
                    m.run.processes.to_string(),
                    format!("{costs:.6}"),
                ])?;
            }
        }
    }
    w.flush()?;
    Ok(())
}

fn write(dir: &Path, name: &str, text: String) -> Result<()> {
    let path = dir.join(name);
    std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))
}

/// Now, as `YYYY-MM-DD HH:MM UTC` (from the system clock; no time zone data).
pub fn utc_now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Howard Hinnant's civil_from_days
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02} {:02}:{:02} UTC", rem / 3600, rem % 3600 / 60)
}
