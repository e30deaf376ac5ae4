//! The comparison drawn: one SVG per job, two panels side by side (wall time
//! and peak memory, both on log scales so a 100x gap still shows both bars),
//! one bar per contender side with its min-max spread as a whisker.

use std::path::Path;

use anyhow::{Result, anyhow};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::contenders::Lang;
use crate::runner::{Row, SideResult, Status};
use crate::stats::Spread;

/// Rust's bars (Rust's logo colour) and Python's (Python's blue).
const RUST: RGBColor = RGBColor(0xce, 0x42, 0x2b);
const PYTHON: RGBColor = RGBColor(0x30, 0x69, 0x98);
const ROW_PX: u32 = 24;

struct Bar {
    label: String,
    lang: Option<Lang>,
    value: Option<Spread>,
    /// Shown instead of a bar: "not run", "missing", "FAILED".
    instead: String,
}

fn bars(rows: &[&Row], f: fn(&SideResult) -> Option<Spread>) -> Vec<Bar> {
    // One set of rows per Python: a granularity's Rust bar once, then its
    // Python bar under each Python (named by its label when there are several).
    let mut pythons: Vec<&str> = Vec::new();
    let mut granularities: Vec<&str> = Vec::new();
    for row in rows {
        if !pythons.contains(&row.python_exe.as_str()) {
            pythons.push(&row.python_exe);
        }
        if !granularities.contains(&row.granularity.as_str()) {
            granularities.push(&row.granularity);
        }
    }
    let mut out = Vec::new();
    for g in granularities {
        let same: Vec<&&Row> = rows.iter().filter(|r| r.granularity == g).collect();
        let first = same[0];
        if first.rust.is_none() && same.iter().all(|r| r.python.is_none()) {
            out.push(Bar {
                label: g.to_string(),
                lang: None,
                value: None,
                instead: "not run".to_string(),
            });
        }
        let rust_program = first.rust.as_ref().map(|r| r.program.as_str());
        let sides =
            first.rust.iter().map(|s| (s, "Rust".to_string())).chain(same.iter().flat_map(|row| {
                row.python.iter().map(|s| {
                    let who =
                        if pythons.len() > 1 { row.python_label.clone() } else { "Python".into() };
                    // the twin of another program (asyncio for smol): say which
                    match rust_program {
                        Some(r) if r != s.program => (s, format!("{who} ({})", s.program)),
                        _ => (s, who),
                    }
                })
            }));
        for (s, who) in sides {
            let measured = s.status == Status::Measured;
            out.push(Bar {
                label: format!("{g} - {who}"),
                lang: Some(s.lang),
                value: if measured { f(s) } else { None },
                instead: s.status.as_str().to_string(),
            });
        }
    }
    out
}

/// Draws `job`'s rows into `path` (SVG).
///
/// # Errors
/// The file cannot be written.
pub fn draw_job(path: &Path, job: &str, title: &str, rows: &[&Row]) -> Result<()> {
    let wall = bars(rows, |s| s.wall_secs);
    let memory = bars(rows, |s| s.peak_rss_mib);
    let height = 90 + ROW_PX * wall.len() as u32 + 50;
    let root = SVGBackend::new(path, (1640, height)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| anyhow!("{e}"))?;
    let root = root.titled(title, ("sans-serif", 20)).map_err(|e| anyhow!("{e}"))?;
    let (left, right) = root.split_horizontally(820);
    panel(&left, &wall, "wall time, seconds (log scale)", 2).map_err(|e| anyhow!("{job}: {e}"))?;
    panel(&right, &memory, "peak memory of the process tree, MiB (log scale)", 1)
        .map_err(|e| anyhow!("{job}: {e}"))?;
    root.present().map_err(|e| anyhow!("{e}"))?;
    Ok(())
}

fn panel(
    area: &DrawingArea<SVGBackend, Shift>,
    bars: &[Bar],
    caption: &str,
    digits: usize,
) -> Result<(), Box<dyn std::error::Error>> {
    let values: Vec<&Spread> = bars.iter().filter_map(|b| b.value.as_ref()).collect();
    let lo = values.iter().map(|s| s.min).fold(f64::INFINITY, f64::min);
    let hi = values.iter().map(|s| s.max).fold(0.0, f64::max);
    let (lo, hi) = if values.is_empty() || lo <= 0.0 {
        (0.01, 1.0)
    } else {
        // whole decades, and room right of the longest bar for its label
        (10f64.powf(lo.log10().floor()), 10f64.powf((hi * 4.0).log10().ceil()))
    };
    let n = bars.len();
    let mut chart = ChartBuilder::on(area)
        .margin(10)
        .caption(caption, ("sans-serif", 16))
        .x_label_area_size(40)
        .y_label_area_size(330)
        .build_cartesian_2d((lo..hi).log_scale(), (0..n.saturating_sub(1)).into_segmented())?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(n.max(1))
        .y_label_formatter(&|_| String::new()) // drawn below, one per row
        .x_label_style(("sans-serif", 12))
        .x_label_formatter(&|x| format!("{x}"))
        .draw()?;
    // Row labels left of the axis (plotters' own key points skip a
    // one-segment axis), top row first.
    let row_style = ("sans-serif", 13)
        .into_font()
        .into_text_style(area)
        .pos(Pos::new(HPos::Right, VPos::Center));
    chart.draw_series(bars.iter().map(|b| &b.label).enumerate().map(|(i, label)| {
        EmptyElement::at((lo, SegmentValue::CenterOf(n - 1 - i)))
            + Text::new(label.clone(), (-8, 0), row_style.clone())
    }))?;
    // bar i from the top is segment n-1-i
    let at = |i: usize| n - 1 - i;
    let label_style = ("sans-serif", 12)
        .into_font()
        .into_text_style(area)
        .pos(Pos::new(HPos::Left, VPos::Center));
    for (i, bar) in bars.iter().enumerate() {
        let y = at(i);
        let colour = match bar.lang {
            Some(Lang::Rust) => RUST,
            Some(Lang::Python) => PYTHON,
            None => BLACK,
        };
        let Some(v) = bar.value else {
            chart.draw_series(std::iter::once(Text::new(
                bar.instead.clone(),
                (lo * 1.1, SegmentValue::CenterOf(y)),
                label_style.clone(),
            )))?;
            continue;
        };
        let mut rect = Rectangle::new(
            [(lo, SegmentValue::Exact(y)), (v.median, SegmentValue::Exact(y + 1))],
            colour.mix(0.85).filled(),
        );
        rect.set_margin(3, 3, 0, 0);
        chart.draw_series(std::iter::once(rect))?;
        if v.min < v.max {
            let whisker =
                vec![(v.min, SegmentValue::CenterOf(y)), (v.max, SegmentValue::CenterOf(y))];
            chart.draw_series(std::iter::once(PathElement::new(whisker, BLACK.stroke_width(2))))?;
        }
        chart.draw_series(std::iter::once(Text::new(
            format!(" {}", v.show(digits)),
            (v.max, SegmentValue::CenterOf(y)),
            label_style.clone(),
        )))?;
    }
    Ok(())
}
