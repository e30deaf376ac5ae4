//! `million_tasks`' memory lines: this process's peak resident set before
//! and after the tasks (`getrusage`, `shared::measure`), and the growth per task.

use shared::measure::{SUPPORTED, rusage_self};

/// The peak resident set (bytes) when it was taken: call it before the tasks.
pub struct PeakRss(u64);

impl PeakRss {
    /// The peak so far (0 where it is not measured).
    pub fn now() -> Self {
        Self(rusage_self().max_rss_bytes)
    }

    /// Prints `peak RSS = X MB (before the tasks: Y MB), Z bytes per task`,
    /// Z being the growth since `self` over `tasks`; or, where getrusage is
    /// not available, `peak RSS: not measured on this system`.
    pub fn report_per_task(&self, tasks: u32) {
        if !SUPPORTED {
            println!("peak RSS: not measured on this system");
            return;
        }
        let (before, peak) = (self.0, rusage_self().max_rss_bytes);
        let per_task = peak.saturating_sub(before) as f64 / f64::from(tasks);
        let (mb, before_mb) = (peak as f64 / 1e6, before as f64 / 1e6);
        println!(
            "peak RSS = {mb:.1} MB (before the tasks: {before_mb:.1} MB), {per_task:.0} bytes per task"
        );
    }
}
