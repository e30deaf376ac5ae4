//! Who ran when, recorded when the book is built: each example is run once
//! with the small flags of `book/record.txt` through `compare record` (the
//! bin, then its twin, each with `CONCURRENCY_PAIRS_SPANS` set, drawn as one
//! SVG, Rust above Python), or run directly and drawn with `compare timeline`
//! where the twin is not `<crate>/python/<bin>.py`. Cached under
//! `target/book/record/<bin>/`, keyed on the flags, the built bin and the twin.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};

/// One line of `record.txt`: the flags for the book's run, or why there is none.
#[derive(Debug, Clone, Default)]
pub struct Spec {
    /// Flags for the bin and its twin.
    pub args: Vec<String>,
    /// `skip: why` (a server that runs until Ctrl-C, say).
    pub skip: Option<String>,
}

/// Reads `record.txt`: `bin flags...` or `bin skip: why`; `#` starts a comment line.
pub fn specs(text: &str) -> HashMap<String, Spec> {
    let mut out = HashMap::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
        let (bin, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        let rest = rest.trim();
        let spec = match rest.strip_prefix("skip:") {
            Some(why) => Spec { args: vec![], skip: Some(why.trim().to_string()) },
            None => Spec { args: rest.split_whitespace().map(String::from).collect(), skip: None },
        };
        out.insert(bin.to_string(), spec);
    }
    out
}

/// What one recorded run left.
#[derive(Debug, Clone)]
pub struct Recording {
    /// The command to reproduce it (from the workspace root).
    pub command: String,
    /// What the programs printed.
    pub output: String,
    /// The timeline, if a panel has more than one row (thread, task or process).
    pub svg: Option<PathBuf>,
    /// The most rows in one panel.
    pub rows: usize,
    /// Why there is no recording, or what went wrong.
    pub problem: Option<String>,
}

/// Runs and caches recordings.
pub struct Recorder {
    /// The workspace root.
    pub root: PathBuf,
    /// Where the example bins and `compare` are (target/debug).
    pub bin_dir: PathBuf,
    /// The cache, target/book/record.
    pub cache: PathBuf,
    /// Longest a recording may take.
    pub timeout: Duration,
}

fn stamp(p: &Path) -> String {
    std::fs::metadata(p).and_then(|m| m.modified()).map_or("absent".into(), |t| format!("{t:?}"))
}

fn content_hash(p: &Path) -> u64 {
    let mut h = DefaultHasher::new();
    std::fs::read(p).unwrap_or_default().hash(&mut h);
    h.finish()
}

/// The distinct row names of a spans file (0 if it is missing).
pub fn rows_in(path: &Path) -> usize {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let mut names: Vec<String> = text
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter_map(|v| v["name"].as_str().map(String::from))
        .collect();
    names.sort();
    names.dedup();
    names.len()
}

impl Recorder {
    /// Records `bin` (twin: its path from the root), or reads the cached recording.
    pub fn record(&self, krate: &str, bin: &str, twin: Option<&str>, spec: &Spec) -> Recording {
        let mut shown = format!("compare record {krate} {bin}");
        if !spec.args.is_empty() {
            shown = format!("{shown} -- {}", spec.args.join(" "));
        }
        if let Some(why) = &spec.skip {
            return Recording {
                command: shown,
                output: String::new(),
                svg: None,
                rows: 0,
                problem: Some(why.clone()),
            };
        }
        let dir = self.cache.join(bin);
        let exe = self.bin_dir.join(format!("{bin}{}", std::env::consts::EXE_SUFFIX));
        let standard = twin.is_some_and(|t| t == format!("{krate}/python/{bin}.py"));
        if !standard {
            shown = format!("CONCURRENCY_PAIRS_SPANS=... {bin} {}", spec.args.join(" "));
        }
        let key = format!(
            "{:?} {} {} {:?} {} {}",
            spec.args,
            stamp(&exe),
            stamp(&self.bin_dir.join("compare")),
            twin.map(|t| content_hash(&self.root.join(t))),
            content_hash(&self.root.join("shared/python/blog_spider.py")),
            env!("CARGO_PKG_VERSION"),
        );
        let meta_path = dir.join("meta.json");
        if std::fs::read_to_string(dir.join("key")).is_ok_and(|k| k == key)
            && let Ok(meta) = std::fs::read_to_string(&meta_path)
            && let Ok(v) = serde_json::from_str::<Value>(&meta)
        {
            return from_meta(&v, &dir, shown);
        }
        eprintln!("book: recording {bin} ({shown})");
        let result = if standard {
            self.via_compare(krate, bin, spec, &dir)
        } else {
            self.direct(bin, twin, spec, &dir, &exe)
        };
        let (output, problem) = match result {
            Ok(out) => (out, None),
            Err(e) => (String::new(), Some(format!("{e:#}"))),
        };
        let svg = dir.join("timeline.svg");
        let rows = if standard {
            rows_in(&dir.join(format!("timeline/{bin}-rust.jsonl")))
                .max(rows_in(&dir.join(format!("timeline/{bin}-python.jsonl"))))
        } else {
            rows_in(&dir.join("rust.jsonl")).max(rows_in(&dir.join("python.jsonl")))
        };
        if standard {
            let _ = std::fs::rename(dir.join(format!("timeline-{bin}.svg")), &svg);
        }
        let meta =
            json!({ "output": output, "rows": rows, "problem": problem, "svg": svg.exists() });
        let _ = std::fs::create_dir_all(&dir);
        let _ = std::fs::write(&meta_path, meta.to_string());
        let _ = std::fs::write(dir.join("key"), key);
        from_meta(&meta, &dir, shown)
    }

    fn run(&self, mut cmd: Command, what: &str) -> Result<String> {
        cmd.current_dir(&self.root)
            .env_remove(shared::spans::ROOT_ENV)
            .env_remove(shared::timing::EPOCH_ENV)
            .env_remove(shared::spans::SPANS_ENV);
        let out = shared::run::run_with_timeout(cmd, self.timeout)
            .with_context(|| format!("cannot start {what}"))?;
        if !out.success() {
            let how = if out.timed_out {
                format!("killed after {} s", self.timeout.as_secs())
            } else {
                format!("exit code {:?}", out.code)
            };
            bail!("{what} failed ({how}): {}", out.tail());
        }
        Ok(out.stdout)
    }

    fn via_compare(&self, krate: &str, bin: &str, spec: &Spec, dir: &Path) -> Result<String> {
        let _ = std::fs::remove_dir_all(dir);
        let mut cmd = Command::new(self.bin_dir.join("compare"));
        cmd.args(["record", krate, bin, "--bin-dir"])
            .arg(&self.bin_dir)
            .arg("--root")
            .arg(&self.root);
        cmd.arg("--out").arg(dir).arg("--").args(&spec.args);
        self.run(cmd, &format!("compare record {krate} {bin}"))
    }

    fn direct(
        &self,
        bin: &str,
        twin: Option<&str>,
        spec: &Spec,
        dir: &Path,
        exe: &Path,
    ) -> Result<String> {
        let _ = std::fs::remove_dir_all(dir);
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let mut files = vec![dir.join("rust.jsonl")];
        let mut cmd = Command::new(exe);
        cmd.args(&spec.args);
        cmd.env(shared::spans::SPANS_ENV, &files[0]);
        let mut output = format!("== rust: {bin}\n{}", self.run_spans(cmd, bin, &files[0])?);
        if let Some(t) = twin {
            files.push(dir.join("python.jsonl"));
            let mut cmd = Command::new("python3");
            cmd.arg(self.root.join(t)).args(&spec.args);
            output.push_str(&format!("== python: {t}\n{}", self.run_spans(cmd, t, &files[1])?));
        }
        let mut cmd = Command::new(self.bin_dir.join("compare"));
        cmd.arg("timeline").args(&files).arg("-o").arg(dir.join("timeline.svg"));
        cmd.args(["--title", &format!("{bin}: who ran when, Rust above, Python below")]);
        self.run(cmd, "compare timeline")?;
        Ok(output)
    }

    fn run_spans(&self, mut cmd: Command, what: &str, file: &Path) -> Result<String> {
        cmd.current_dir(&self.root)
            .env_remove(shared::spans::ROOT_ENV)
            .env_remove(shared::timing::EPOCH_ENV);
        cmd.env(shared::spans::SPANS_ENV, file);
        let out = shared::run::run_with_timeout(cmd, self.timeout)
            .with_context(|| format!("cannot start {what}"))?;
        if !out.success() {
            bail!("{what} failed (exit code {:?}): {}", out.code, out.tail());
        }
        Ok(out.stdout)
    }
}

fn from_meta(v: &Value, dir: &Path, command: String) -> Recording {
    let svg = dir.join("timeline.svg");
    let rows = v["rows"].as_u64().unwrap_or(0) as usize;
    Recording {
        command,
        output: v["output"].as_str().unwrap_or_default().to_string(),
        svg: (rows > 1 && svg.exists()).then_some(svg),
        rows,
        problem: v["problem"].as_str().map(String::from),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_lines() {
        let s = specs("# c\nbarrier --client-delay 0.2\necho_server skip: a server\nscoped\n");
        assert_eq!(s["barrier"].args, ["--client-delay", "0.2"]);
        assert_eq!(s["echo_server"].skip.as_deref(), Some("a server"));
        assert!(s["scoped"].args.is_empty() && s["scoped"].skip.is_none());
    }
}
