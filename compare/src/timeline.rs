//! Who ran when: spans files (written by `shared::spans` in the bins and by
//! `blog_spider.py` in the twins when `CONCURRENCY_PAIRS_SPANS=FILE` is set)
//! drawn as one panel per file, stacked, one row per thread/task/process, on
//! one time axis in seconds, so Rust's and Python's pictures line up. A span
//! is a bar; a mark (an event line: start == end) is a tick.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use shared::spans::Span;

const ROW_PX: u32 = 18;
/// Tableau 10: saturated enough that every bar shows on white.
const COLOURS: [RGBColor; 10] = [
    RGBColor(0x4e, 0x79, 0xa7),
    RGBColor(0xf2, 0x8e, 0x2b),
    RGBColor(0xe1, 0x57, 0x59),
    RGBColor(0x76, 0xb7, 0xb2),
    RGBColor(0x59, 0xa1, 0x4f),
    RGBColor(0xed, 0xc9, 0x48),
    RGBColor(0xb0, 0x7a, 0xa1),
    RGBColor(0xff, 0x9d, 0xa7),
    RGBColor(0x9c, 0x75, 0x5f),
    RGBColor(0xba, 0xb0, 0xac),
];
/// The most rows a panel draws (a million tasks would not be a picture).
pub const MAX_ROWS: usize = 400;

/// One file's spans, grouped into rows in order of each row's first start.
#[derive(Debug)]
pub struct Panel {
    /// The panel's title (the file name, unless given).
    pub title: String,
    /// Row names, top to bottom.
    pub rows: Vec<String>,
    /// `(row index, span)`.
    pub spans: Vec<(usize, Span)>,
}

impl Panel {
    /// Reads a spans file.
    ///
    /// # Errors
    /// The file is missing, has a line that is not a span, or holds no span.
    pub fn read(path: &Path) -> Result<Panel> {
        let spans = shared::spans::read(path)?;
        if spans.is_empty() {
            bail!(
                "{} holds no spans (was the program run with CONCURRENCY_PAIRS_SPANS set?)",
                path.display()
            );
        }
        let title = path
            .file_name()
            .map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
        Ok(Panel::new(title, spans))
    }

    /// Groups `spans` into rows, ordered by each row's first start.
    pub fn new(title: String, mut spans: Vec<Span>) -> Panel {
        spans.sort_by(|a, b| a.start.total_cmp(&b.start));
        let mut rows: Vec<String> = Vec::new();
        let mut placed = Vec::new();
        for s in spans {
            let i = match rows.iter().position(|r| *r == s.name) {
                Some(i) => i,
                None => {
                    rows.push(s.name.clone());
                    rows.len() - 1
                }
            };
            placed.push((i, s));
        }
        Panel { title, rows, spans: placed }
    }

    /// How many of the spans are marks (start == end: an event line).
    pub fn marks(&self) -> usize {
        self.spans.iter().filter(|(_, s)| is_mark(s)).count()
    }

    /// The latest end, in seconds.
    pub fn end(&self) -> f64 {
        self.spans.iter().map(|(_, s)| s.end).fold(0.0, f64::max)
    }

    fn shown_rows(&self) -> usize {
        self.rows.len().min(MAX_ROWS)
    }
}

/// Draws `files` (spans files) into `out` (SVG), one panel each, stacked,
/// on a common time axis. Returns the panels drawn.
///
/// # Errors
/// A file cannot be read, or the SVG cannot be written.
pub fn draw_files(files: &[PathBuf], out: &Path, title: &str) -> Result<Vec<Panel>> {
    let panels = files.iter().map(|f| Panel::read(f)).collect::<Result<Vec<_>>>()?;
    draw(&panels, out, title)?;
    Ok(panels)
}

/// Draws `panels` into `out` (SVG).
///
/// # Errors
/// The SVG cannot be written.
pub fn draw(panels: &[Panel], out: &Path, title: &str) -> Result<()> {
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let end = panels.iter().map(Panel::end).fold(0.0, f64::max).max(1e-3) * 1.02;
    let heights: Vec<u32> = panels.iter().map(|p| 80 + ROW_PX * p.shown_rows() as u32).collect();
    let total: u32 = 40 + heights.iter().sum::<u32>();
    let root = SVGBackend::new(out, (1200, total)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| anyhow!("{e}"))?;
    let mut rest = root.titled(title, ("sans-serif", 20)).map_err(|e| anyhow!("{e}"))?;
    for (panel, h) in panels.iter().zip(&heights) {
        let (this, below) = rest.split_vertically(*h);
        draw_panel(&this, panel, end).map_err(|e| anyhow!("{}: {e}", panel.title))?;
        rest = below;
    }
    root.present().map_err(|e| anyhow!("cannot write {}: {e}", out.display()))?;
    Ok(())
}

/// A mark: an instant (an event line), not a stretch of work.
pub fn is_mark(s: &Span) -> bool {
    s.end <= s.start
}

fn draw_panel(
    area: &DrawingArea<SVGBackend, Shift>,
    panel: &Panel,
    end: f64,
) -> Result<(), Box<dyn std::error::Error>> {
    let n = panel.shown_rows();
    let hidden = panel.rows.len() - n;
    let caption = if hidden > 0 {
        format!("{} (first {n} of {} rows)", panel.title, panel.rows.len())
    } else {
        format!(
            "{}: {} spans, {} marks in {} rows",
            panel.title,
            panel.spans.len() - panel.marks(),
            panel.marks(),
            n
        )
    };
    let mut chart = ChartBuilder::on(area)
        .margin(8)
        .caption(caption, ("sans-serif", 15))
        .x_label_area_size(32)
        .y_label_area_size(110)
        // a segmented 0..k has k + 1 rows; 0..0 would be empty, so one row gets a blank above it
        .build_cartesian_2d(0f64..end, (0..n.max(2) - 1).into_segmented())?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(n.max(1))
        .y_label_formatter(&|_| String::new()) // drawn below, one per row
        .x_desc("seconds since the program started")
        // absolute sizes: plotters' defaults scale with the panel's height
        .x_label_style(("sans-serif", 12))
        .axis_desc_style(("sans-serif", 13))
        .x_label_formatter(&|x| format!("{x:.2}"))
        .draw()?;
    // Row labels left of the axis (plotters' own key points skip a
    // one-segment axis), top row first.
    let row_style = ("sans-serif", 12)
        .into_font()
        .into_text_style(area)
        .pos(Pos::new(HPos::Right, VPos::Center));
    chart.draw_series(panel.rows.iter().take(n).enumerate().map(|(i, label)| {
        EmptyElement::at((0.0, SegmentValue::CenterOf(n - 1 - i)))
            + Text::new(label.clone(), (-8, 0), row_style.clone())
    }))?;
    let rects = panel.spans.iter().filter(|(i, s)| *i < n && !is_mark(s)).map(|(i, s)| {
        let y = n - 1 - i;
        let colour = COLOURS[i % COLOURS.len()];
        let mut r = Rectangle::new(
            [(s.start, SegmentValue::Exact(y)), (s.end, SegmentValue::Exact(y + 1))],
            colour.filled(),
        );
        r.set_margin(2, 2, 0, 0);
        r
    });
    chart.draw_series(rects)?;
    // Marks: a thin dark tick across the row, drawn over the bars.
    let ticks = panel.spans.iter().filter(|(i, s)| *i < n && is_mark(s)).map(|(i, s)| {
        let y = n - 1 - i;
        PathElement::new(
            vec![(s.start, SegmentValue::Exact(y)), (s.start, SegmentValue::Exact(y + 1))],
            BLACK.mix(0.8).stroke_width(1),
        )
    });
    chart.draw_series(ticks)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(name: &str, start: f64, end: f64) -> Span {
        Span { name: name.into(), what: "w".into(), start, end }
    }

    #[test]
    fn rows_are_ordered_by_first_start() {
        let p = Panel::new(
            "t".into(),
            vec![span("b", 0.2, 0.3), span("a", 0.1, 0.2), span("b", 0.0, 0.1)],
        );
        assert_eq!(p.rows, ["b", "a"]);
        assert_eq!(p.spans.iter().map(|(i, _)| *i).collect::<Vec<_>>(), [0, 1, 0]);
        assert_eq!(p.end(), 0.3);
    }

    #[test]
    fn draws_an_svg() {
        let dir = std::env::temp_dir().join(format!("compare-timeline-{}", std::process::id()));
        let out = dir.join("t.svg");
        // one row, and several (each once drew no labels, or never ended)
        let one = Panel::new(
            "crawler.jsonl".into(),
            vec![span("craw-1", 0.0, 0.1), span("craw-1", 0.05, 0.05)],
        );
        assert_eq!(one.marks(), 1);
        let spans = (1..=5).map(|i| span(&format!("gil-{i}"), 0.0, 0.1 * i as f64));
        let five = Panel::new("gil.jsonl".into(), spans.collect());
        draw(&[one, five], &out, "test").unwrap();
        let svg = std::fs::read_to_string(&out).unwrap();
        assert!(svg.contains("<svg") && svg.contains("craw-1"), "{svg}");
        assert!(svg.contains("1 spans, 1 marks in 1 rows"), "{svg}");
        assert!(svg.contains("<polyline"), "the mark's tick: {svg}");
        assert!((1..=5).all(|i| svg.contains(&format!(">\ngil-{i}\n<"))), "{svg}");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_one_row_panel_draws_its_bar() {
        // A segmented 0..0 y range drew nothing (gil.py's timeline: one row, `main`).
        let dir = std::env::temp_dir().join(format!("compare-one-row-{}", std::process::id()));
        let out = dir.join("t.svg");
        draw(&[Panel::new("one.jsonl".into(), vec![span("main", 0.0, 1.0)])], &out, "t").unwrap();
        let svg = std::fs::read_to_string(&out).unwrap().to_lowercase();
        let RGBColor(r, g, b) = COLOURS[0];
        let fill = format!("fill=\"#{r:02x}{g:02x}{b:02x}\"");
        let bar = svg.lines().find(|l| l.starts_with("<rect") && l.contains(&fill));
        let height = |l: &str| l.split("height=\"").nth(1)?.split('"').next()?.parse::<f64>().ok();
        // the old range drew it with height="-4": in the file, but invisible
        assert!(bar.and_then(height).is_some_and(|h| h > 0.0), "no visible bar: {svg}");
        std::fs::remove_dir_all(dir).unwrap();
    }
}
