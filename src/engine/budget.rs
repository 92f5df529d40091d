//! The run's work budget: the cells a run computes (every draw of every output
//! series and month, summed over the scenarios) are counted before anything
//! is allocated, so a sweep too large to finish in reasonable time or memory
//! is refused with the estimate instead of running for hours.

use crate::data::Month;
use crate::forecast::{ForecastError, MAX_STORED_DRAWS};
use crate::scenario::{ScenarioMeta, ScenarioSource};

/// Cells a run may compute: draws × output series × months, summed over its
/// scenarios. At the engine's measured 1.2 × 10⁸ cells/s (BENCHMARKS.md, two
/// cores) this is about a minute and a half of drawing.
pub const MAX_WORK_CELLS: u64 = 10_000_000_000;

/// Refuses a run of `scenarios`, each drawn `draws_of` times over `series`
/// output series from `first`, whose total work exceeds [`MAX_WORK_CELLS`], or
/// one of whose scenarios would hold more than [`MAX_STORED_DRAWS`] draws at
/// once for its quantiles.
pub(super) fn check_work(
    scenarios: &(impl ScenarioSource + ?Sized),
    draws_of: impl Fn(&ScenarioMeta<'_>) -> usize,
    series: usize,
    first: Month,
) -> Result<(), ForecastError> {
    let months_of =
        |s: &ScenarioMeta<'_>| u64::try_from(s.horizon.months_since(first) + 1).unwrap_or(0);
    let series = series as u64;
    let mut cells: u128 = 0;
    let mut draws: u128 = 0;
    let mut longest = 0;
    for i in 0..scenarios.count() {
        let s = scenarios.meta(i);
        let (d, m) = (draws_of(&s) as u64, months_of(&s));
        let stored = u128::from(d) * u128::from(m) * u128::from(series);
        if stored > MAX_STORED_DRAWS as u128 {
            return Err(ForecastError::Request(format!(
                "scenario `{}`: {d} draws × {series} series × {m} months would hold {stored} \
                 draws at once ({:.1} GB) for its percentiles, more than the limit of \
                 {MAX_STORED_DRAWS} (2 GB): ask for fewer draws or a nearer horizon",
                s.name,
                stored as f64 * 4.0 / 1e9
            )));
        }
        cells += stored;
        draws += u128::from(d);
        longest = longest.max(m);
    }
    if cells <= u128::from(MAX_WORK_CELLS) {
        return Ok(());
    }
    Err(ForecastError::Request(format!(
        "the run would compute {:.2e} cells ({} scenario(s) with {draws} draws in all × \
         {series} series × up to {longest} months = {cells}), more than the limit of {:.0e} \
         (about 90 s at 1.2e8 cells/s): run fewer scenarios or draws, or a nearer horizon",
        cells as f64,
        scenarios.count(),
        MAX_WORK_CELLS as f64
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;

    fn plain(horizon: &str) -> Scenario {
        super::super::tests::scenario(&format!(
            "name: s\ndescription: d\nhorizon: {horizon}\ndraws: 10\n\
             assumptions: {{baseline_uncertainty: true}}\n"
        ))
    }

    fn first() -> Month {
        Month::new(2026, 1).unwrap()
    }

    #[test]
    fn work_at_the_limit_runs_and_one_draw_more_does_not() {
        // 1,000 scenarios of 80 months (2026-01..2032-08) over 125 series:
        // 1e7 cells a draw, so 1,000 draws each is the limit exactly.
        let many: Vec<Scenario> = std::iter::repeat_n(plain("2032-08"), 1000).collect();
        assert!(check_work(&many[..], |_| 1000, 125, first()).is_ok());
        let msg = check_work(&many[..], |_| 1001, 125, first())
            .unwrap_err()
            .to_string();
        assert!(
            msg.contains("1.00e10 cells")
                && msg.contains("1000 scenario(s) with 1001000 draws in all")
                && msg.contains("125 series × up to 80 months = 10010000000"),
            "{msg}"
        );
    }

    #[test]
    fn one_scenario_beyond_the_stored_draws_is_named() {
        let s = plain("2030-12"); // 60 months
        // 100,000 draws × 84 series × 60 months = 504,000,000 > 500,000,000.
        let err = check_work(std::slice::from_ref(&s), |_| 100_000, 84, first()).unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("scenario `s`: 100000 draws × 84 series × 60 months would hold 504000000"),
            "{msg}"
        );
        // 83 series: 498,000,000 stored, 4.98e8 cells: allowed.
        assert!(check_work(&[s][..], |_| 100_000, 83, first()).is_ok());
    }
}
