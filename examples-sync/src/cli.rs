//! Flag parsing shared by the bins (not a lesson): seconds given as a
//! decimal number, checked by clap itself, so a bad value is one `error:`
//! line and exit code 2, as for any other bad flag. The Python twins check
//! the same ranges with an argparse `type=` function.

use std::ops::RangeInclusive;
use std::time::Duration;

/// A clap value parser for a number of seconds within `range`: rejects what
/// is not a number, NaN, the infinities, and anything outside the range
/// (negative values included, since every range here starts at or above 0).
///
/// ```
/// let parse = examples_sync::cli::seconds_in(0.0..=60.0);
/// assert_eq!(parse("0.25").unwrap(), std::time::Duration::from_millis(250));
/// for bad in ["nan", "inf", "-1", "61", "soon"] {
///     assert!(parse(bad).is_err(), "{bad}");
/// }
/// ```
pub fn seconds_in(
    range: RangeInclusive<f64>,
) -> impl Fn(&str) -> Result<Duration, String> + Clone + Send + Sync + 'static {
    move |s: &str| {
        let secs: f64 = s
            .trim()
            .parse()
            .map_err(|_| format!("{s:?} is not a number of seconds"))?;
        // `contains` is false for NaN, so NaN and the infinities stop here.
        if !range.contains(&secs) {
            return Err(format!(
                "{s} is not in {}..={} seconds",
                range.start(),
                range.end()
            ));
        }
        Duration::try_from_secs_f64(secs).map_err(|e| format!("{s}: {e}"))
    }
}
