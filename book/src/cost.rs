//! What it cost: rows of the last comparison run, read from `compare`'s JSON
//! (`compare/charts/compare.json`, committed from a default `just compare`).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde_json::Value;

/// A comparison run's JSON, and where it came from.
pub struct Comparison {
    /// The file read.
    pub path: PathBuf,
    /// Its content.
    pub doc: Value,
}

/// Where the book looks: `given`, else the committed JSON, else none.
pub fn find(root: &Path, given: Option<&Path>) -> Result<Option<Comparison>> {
    let path = match given {
        Some(p) => p.to_path_buf(),
        None => root.join("compare/charts/compare.json"),
    };
    if given.is_none() && !path.exists() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let doc = serde_json::from_str(&text)
        .with_context(|| format!("{} is not compare's JSON", path.display()))?;
    Ok(Some(Comparison { path, doc }))
}

/// The line for when there is no JSON.
pub const ABSENT: &str = "No comparison run is committed yet (`compare/charts/compare.json`): \
    `just compare` measures every pair on your machine and writes `target/compare/compare.json`; \
    `cargo run -p book -- build --compare target/compare/compare.json` shows your figures here.";

fn s<'a>(v: &'a Value, k: &str) -> &'a str {
    v.get(k).and_then(Value::as_str).unwrap_or("?")
}

impl Comparison {
    /// `Measured 2026-12-03 08:32 UTC on linux x86_64 (2 CPUs), Python 3.11.7, 3 round(s) per pair: `cmd``.
    pub fn provenance(&self, root: &Path) -> String {
        let d = &self.doc;
        let m = &d["machine"];
        let shown = self.path.strip_prefix(root).unwrap_or(&self.path).display().to_string();
        format!(
            "Measured {} on {} {} ({} CPUs), {}, {} round(s) per pair, with `{}` (read from `{shown}`).",
            s(d, "date"),
            s(m, "os"),
            s(m, "arch"),
            m["cpus"].as_u64().unwrap_or(0),
            s(d, "python"),
            d["runs"].as_u64().unwrap_or(0),
            s(d, "command"),
        )
    }

    fn rows(&self) -> impl Iterator<Item = &Value> {
        self.doc["rows"].as_array().into_iter().flatten()
    }

    /// The rows where `bin` is the Rust side, or (a row with no Rust side) `twin` the Python side.
    pub fn rows_of(&self, bin: &str, twin: Option<&str>) -> Vec<&Value> {
        let is =
            |side: &Value, p: Option<&str>| p.is_some_and(|p| side["program"].as_str() == Some(p));
        self.rows()
            .filter(|r| {
                is(&r["rust"], Some(bin)) || (r["rust"].is_null() && is(&r["python"], twin))
            })
            .collect()
    }

    /// A Markdown table of `rows` (all rows if `None`), and the notes on the rows not run.
    pub fn table(&self, rows: Option<Vec<&Value>>) -> String {
        let rows = rows.unwrap_or_else(|| self.rows().collect());
        let mut t = String::from(
            "| job | granularity | Rust wall s | Python wall s | wall Rust/Python | Rust CPU util | Python CPU util | Rust peak MiB | Python peak MiB |\n\
             |---|---|--:|--:|--:|--:|--:|--:|--:|\n",
        );
        let mut notes = Vec::new();
        for r in &rows {
            let (rs, py) = (&r["rust"], &r["python"]);
            t.push_str(&format!(
                "| {} ({}) | {} | {} | {} | {} | {} | {} | {} | {} |\n",
                s(r, "job"),
                s(r, "kind"),
                s(r, "granularity"),
                side(rs, "wall_secs", true),
                side(py, "wall_secs", true),
                spread(&r["wall_ratio"], true),
                util(rs),
                util(py),
                mib(rs),
                mib(py),
            ));
            if rs.is_null() && py.is_null() {
                notes.push(format!(
                    "- {} / {}: {}",
                    s(r, "job"),
                    s(r, "granularity"),
                    s(r, "note")
                ));
            }
            for x in [rs, py] {
                if let Some(e) = x.get("error").and_then(Value::as_str) {
                    notes.push(format!(
                        "- {} / {}, {}: {e}",
                        s(r, "job"),
                        s(r, "granularity"),
                        s(x, "lang")
                    ));
                }
            }
        }
        if !notes.is_empty() {
            t.push('\n');
            t.push_str(&notes.join("\n"));
            t.push('\n');
        }
        t
    }
}

/// Three significant figures, at least two decimals.
fn num(x: f64) -> String {
    if x >= 10.0 || x == 0.0 {
        format!("{x:.2}")
    } else {
        format!("{:.*}", (2 - x.log10().floor() as i32).max(2) as usize, x)
    }
}

fn spread(v: &Value, range: bool) -> String {
    let (Some(m), lo, hi) = (v["median"].as_f64(), v["min"].as_f64(), v["max"].as_f64()) else {
        return "-".to_string();
    };
    match (lo, hi) {
        (Some(lo), Some(hi)) if range && num(lo) != num(hi) => {
            format!("{} ({}-{})", num(m), num(lo), num(hi))
        }
        _ => num(m),
    }
}

fn side(v: &Value, k: &str, range: bool) -> String {
    if v.is_null() {
        return "-".to_string();
    }
    match s(v, "status") {
        "measured" => spread(&v[k], range),
        other => other.replace('_', " "),
    }
}

/// Peak memory, MiB, one decimal (as compare's own table).
fn mib(v: &Value) -> String {
    match v["peak_rss_mib"]["median"].as_f64() {
        Some(m) if s(v, "status") == "measured" => format!("{m:.1}"),
        _ => side(v, "peak_rss_mib", false),
    }
}

fn util(v: &Value) -> String {
    match v["utilisation"]["median"].as_f64() {
        Some(u) if s(v, "status") == "measured" => format!("{u:.2}x"),
        _ => "-".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn side(program: &str, wall: f64) -> Value {
        let spread = |m: f64| json!({"median": m, "min": m * 0.9, "max": m * 1.1});
        json!({"lang": "rust", "program": program, "status": "measured", "error": null,
               "wall_secs": spread(wall), "cpu_secs": spread(wall), "utilisation": spread(1.0),
               "peak_rss_mib": spread(5.0)})
    }

    #[test]
    fn rows_of_a_bin_and_its_table() {
        let doc = json!({
            "date": "2026-12-04 09:00 UTC", "command": "cargo run --release -p compare",
            "machine": {"os": "linux", "arch": "x86_64", "cpus": 2}, "python": "Python 3.11.7", "runs": 3,
            "rows": [
                {"job": "crawl", "kind": "I/O", "granularity": "threads", "note": "",
                 "rust": side("crawler", 0.12), "python": side("crawler", 0.2),
                 "wall_ratio": {"median": 0.6, "min": 0.58, "max": 0.61}, "memory_ratio": null},
                {"job": "crawl", "kind": "I/O", "granularity": "coroutines: smol", "note": "",
                 "rust": side("crawler_runtimes", 0.11), "python": side("crawler_async", 0.2),
                 "wall_ratio": null, "memory_ratio": null},
                {"job": "sha", "kind": "CPU", "granularity": "coroutines", "note": "a CPU job never awaits",
                 "rust": null, "python": null, "wall_ratio": null, "memory_ratio": null}
            ]
        });
        let c = Comparison { path: PathBuf::from("/r/compare/charts/compare.json"), doc };
        assert_eq!(c.rows_of("crawler", Some("crawler")).len(), 1);
        assert_eq!(c.rows_of("crawler_runtimes", None).len(), 1);
        assert_eq!(
            c.rows_of("crawler_async", Some("crawler_async")).len(),
            0,
            "the smol row is crawler_runtimes'"
        );
        let t = c.table(Some(c.rows_of("crawler", Some("crawler"))));
        assert!(t.contains("| crawl (I/O) | threads | 0.120 (0.108-0.132) | 0.200 (0.180-0.220) | 0.600 (0.580-0.610) |"), "{t}");
        let all = c.table(None);
        assert!(all.contains("- sha / coroutines: a CPU job never awaits"), "{all}");
        let p = c.provenance(Path::new("/r"));
        assert!(
            p.starts_with(
                "Measured 2026-12-04 09:00 UTC on linux x86_64 (2 CPUs), Python 3.11.7, 3 round(s)"
            ),
            "{p}"
        );
        assert!(p.contains("`compare/charts/compare.json`"), "{p}");
    }

    #[test]
    fn figures() {
        assert_eq!(num(5.111), "5.11");
        assert_eq!(num(0.0096), "0.00960");
        assert_eq!(num(15.89), "15.89");
        let v: Value = serde_json::json!({"median": 1.0, "min": 0.5, "max": 2.0});
        assert_eq!(spread(&v, true), "1.00 (0.500-2.00)");
    }
}
