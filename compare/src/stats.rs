//! The summary of repeated runs: median and min-max spread.

use serde::Serialize;

/// The median of some measurements and their range.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Spread {
    /// The middle value (the mean of the two middle ones for an even count).
    pub median: f64,
    /// The smallest value.
    pub min: f64,
    /// The largest value.
    pub max: f64,
}

impl Spread {
    /// The spread of `values`; `None` if there are none, or any is not finite.
    pub fn of(values: &[f64]) -> Option<Spread> {
        if values.is_empty() || values.iter().any(|v| !v.is_finite()) {
            return None;
        }
        let mut v = values.to_vec();
        v.sort_by(f64::total_cmp);
        let n = v.len();
        let median = if n % 2 == 1 { v[n / 2] } else { (v[n / 2 - 1] + v[n / 2]) / 2.0 };
        Some(Spread { median, min: v[0], max: v[n - 1] })
    }

    /// `median (min-max)` with `digits` decimals (more, up to 4, for a small
    /// median, so it keeps two significant digits: `0.0063`), or just the
    /// median when all values look equal (one run).
    pub fn show(&self, digits: usize) -> String {
        let mut digits = digits;
        while digits < 4 && self.median != 0.0 && self.median.abs() < 10f64.powi(1 - digits as i32)
        {
            digits += 1;
        }
        let f = |x: f64| format!("{x:.digits$}");
        if f(self.min) == f(self.max) {
            f(self.median)
        } else {
            format!("{} ({}-{})", f(self.median), f(self.min), f(self.max))
        }
    }
}

/// The ratio of paired runs, pair by pair: `a[i] / b[i]` for each round `i`,
/// as a [`Spread`]. `None` if any `b[i]` is zero or the lengths differ.
pub fn ratios(a: &[f64], b: &[f64]) -> Option<Spread> {
    if a.len() != b.len() || b.contains(&0.0) {
        return None;
    }
    let r: Vec<f64> = a.iter().zip(b).map(|(x, y)| x / y).collect();
    Spread::of(&r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_and_spread() {
        let s = Spread::of(&[3.0, 1.0, 2.0]).unwrap();
        assert_eq!((s.median, s.min, s.max), (2.0, 1.0, 3.0));
        assert_eq!(Spread::of(&[4.0, 1.0, 2.0, 3.0]).unwrap().median, 2.5);
        assert_eq!(Spread::of(&[]), None);
        assert_eq!(Spread::of(&[f64::NAN]), None);
        assert_eq!(s.show(1), "2.0 (1.0-3.0)");
        assert_eq!(Spread::of(&[0.5]).unwrap().show(2), "0.50");
        assert_eq!(Spread::of(&[0.0063]).unwrap().show(2), "0.0063");
        assert_eq!(Spread::of(&[0.012, 0.02]).unwrap().show(2), "0.016 (0.012-0.020)");
    }

    #[test]
    fn ratios_are_taken_pair_by_pair() {
        // the median of the per-round ratios, not the ratio of the medians
        let r = ratios(&[1.0, 2.0, 9.0], &[2.0, 2.0, 3.0]).unwrap();
        assert_eq!((r.median, r.min, r.max), (1.0, 0.5, 3.0));
        assert_eq!(ratios(&[1.0], &[0.0]), None);
        assert_eq!(ratios(&[1.0], &[1.0, 2.0]), None);
    }
}
