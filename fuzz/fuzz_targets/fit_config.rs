//! Any text as a fit configuration (`--config`): a configuration that the
//! check accepts must fit a small monthly panel without a panic, or be refused
//! by the fit with an error, and the fitted panel must pass the models-file
//! check that `--models` applies. The fit is always the trend baseline's,
//! chosen by AICc, and the panel small (WORLD and one importer over three
//! years): a fit is the slow part.
#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use magcast::data::{self, LoadOptions, Observations};
use magcast::forecast::{BaselineKind, FitConfig, ModelSelection};

fuzz_target!(|bytes: &[u8]| {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    let Ok(mut config) = FitConfig::from_text(Path::new("fuzz/fit.yaml"), text.to_string()) else {
        return;
    };
    // The dynamic baseline's fit and cross-validated selection take seconds
    // an input; the trend fit reaches every other key in a fraction of that.
    config.baseline = BaselineKind::Trend;
    config.selection = ModelSelection::Aicc;
    if let Ok(panel) = magcast::backtest::fit_selected(observations(), &config) {
        let problems = panel.problems();
        assert!(
            problems.is_empty(),
            "a fitted panel fails its own check: {problems:?}"
        );
    }
});

/// Three years of monthly data with a trend, a season, noise and the 2025
/// export-control dip, made once.
fn observations() -> &'static Observations {
    static OBS: OnceLock<Observations> = OnceLock::new();
    OBS.get_or_init(|| {
        let mut csv = String::from("period,importer,tonnes\n");
        let mut noise = 12345u64;
        for t in 0..36 {
            let (year, month) = (2023 + t / 12, t % 12 + 1);
            let season = 1.0 + 0.08 * (f64::from(month) * 0.52).sin();
            let dip = if year == 2025 && (4..=6).contains(&month) {
                0.4
            } else {
                1.0
            };
            let world = 4000.0 * (0.07 * f64::from(t) / 12.0).exp() * season * dip;
            csv.push_str(&format!("{year}-{month:02},WORLD,{world:.1}\n"));
            for (code, share) in [("USA", 0.12)] {
                noise = noise
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let wobble = 0.9 + 0.2 * ((noise >> 33) as f64 / f64::from(u32::MAX >> 1));
                csv.push_str(&format!(
                    "{year}-{month:02},{code},{:.1}\n",
                    world * share * wobble
                ));
            }
        }
        data::load_from_bytes(
            Path::new("fuzz/obs.csv"),
            csv.into_bytes(),
            LoadOptions::default(),
        )
        .expect("the made-up panel loads")
    })
}
