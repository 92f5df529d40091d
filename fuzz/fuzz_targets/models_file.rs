//! Any text as a models file (`--models`): a panel that the check accepts must
//! give sample paths over a year without a panic and with finite,
//! non-negative means and bounds, or be refused by the forecast as not finite;
//! anything else must be refused by the check.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use magcast::forecast::{FittedPanel, ForecastError, forecast_panel};

fuzz_target!(|bytes: &[u8]| {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    let Ok(panel) = FittedPanel::from_json(text, Path::new("fuzz/models.json")) else {
        return;
    };
    let until = panel.last_observed.plus(12);
    let forecast = match forecast_panel(&panel, until, &[90.0], 8, 7) {
        Ok(forecast) => forecast,
        // Finite parameters whose paths overflow are refused at the forecast.
        Err(ForecastError::Request(why)) if why.contains("is not a finite number") => return,
        Err(e) => panic!("an accepted panel does not forecast: {e}"),
    };
    let values = forecast
        .mean
        .iter()
        .chain(forecast.lower.iter().flatten())
        .chain(forecast.upper.iter().flatten())
        .flatten();
    for v in values {
        assert!(v.is_finite() && *v >= 0.0, "forecast value {v}");
    }
});
