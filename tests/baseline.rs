//! One baseline: `forecast` and `run` draw the same paths, a month's values do
//! not depend on how far ahead is asked for, and the dynamic baseline's paths
//! add up to WORLD with a positive rest of the world by construction.

use std::path::PathBuf;
use std::sync::OnceLock;

use magcast::data::{self, Group, Importer, Month};
use magcast::engine::{self, MEAN_PATHS, RunOptions};
use magcast::forecast::{
    BaselineKind, FitConfig, FittedPanel, PathSampler, fit_panel, forecast_panel,
};
use magcast::model::structural::NoiseScale;
use magcast::scenario::{self, ValidationContext};

fn month(y: i32, m: u32) -> Month {
    Month::new(y, m).unwrap()
}

fn panel(kind: BaselineKind) -> &'static FittedPanel {
    static TREND: OnceLock<FittedPanel> = OnceLock::new();
    static DYNAMIC: OnceLock<FittedPanel> = OnceLock::new();
    let cell = match kind {
        BaselineKind::Trend => &TREND,
        BaselineKind::Dynamic => &DYNAMIC,
    };
    cell.get_or_init(|| {
        let config = FitConfig {
            baseline: kind,
            ..FitConfig::bundled().unwrap()
        };
        fit_panel(&data::bundled().unwrap(), &config).unwrap()
    })
}

#[test]
fn a_months_forecast_does_not_depend_on_the_horizon() {
    for kind in [BaselineKind::Trend, BaselineKind::Dynamic] {
        let p = panel(kind);
        let short = forecast_panel(p, month(2026, 12), &[80.0], 200, 7).unwrap();
        let long = forecast_panel(p, month(2030, 12), &[80.0], 200, 7).unwrap();
        assert_eq!(short.importers, long.importers);
        for i in 0..short.importers.len() {
            assert_eq!(short.mean[i][..], long.mean[i][..12], "{kind:?} {i}");
            assert_eq!(
                short.upper[0][i][..],
                long.upper[0][i][..12],
                "{kind:?} {i}"
            );
        }
    }
}

#[test]
fn forecast_and_run_give_the_same_baseline() {
    for kind in [BaselineKind::Trend, BaselineKind::Dynamic] {
        let p = panel(kind);
        let scenarios = scenario::load(
            &[PathBuf::from("scenarios/baseline.yaml")],
            ValidationContext {
                first_month: Some(p.last_observed.plus(1)),
            },
        )
        .unwrap();
        let seed = 42;
        let run = engine::run(p, &scenarios, RunOptions { seed, draws: None }, &|_| {}).unwrap();
        let base = &run.scenarios[0];
        let fc = forecast_panel(p, month(2030, 12), &[80.0], MEAN_PATHS, seed).unwrap();
        for (o, importer) in run.outputs.iter().enumerate() {
            let i = fc.importers.iter().position(|x| x == importer).unwrap();
            for k in 0..base.months {
                let (a, b) = (base.baseline[o * base.months + k], fc.mean[i][k]);
                assert!(
                    (a - b).abs() <= 1e-9 * b.abs().max(1.0),
                    "{kind:?} {importer} month {k}: run {a} forecast {b}"
                );
            }
        }
    }
}

#[test]
fn dynamic_paths_add_up_and_the_rest_of_the_world_is_positive() {
    let p = panel(BaselineKind::Dynamic);
    let sampler = PathSampler::new(p, month(2030, 12), 3).unwrap();
    let importers = sampler.importers().to_vec();
    let n = sampler.n_months();
    let at = |i: Importer| importers.iter().position(|&x| x == i).unwrap();
    let world = at(Importer::World);
    let row = at(Importer::RestOfWorld);
    let eu = at(Importer::Group(Group::Eu27));
    let in_eu = |i: Importer| i.country().is_some_and(|c| Group::Eu27.contains(c));
    let mut out = vec![0.0; importers.len() * n];
    for draw in 0..200 {
        sampler.sample(draw, &mut out);
        for k in 0..n {
            let v = |i: usize| out[i * n + k];
            assert!(v(row) > 0.0, "draw {draw} month {k}: ROW {}", v(row));
            // WORLD = EU27 + countries outside it + ROW, exactly.
            let parts: f64 = importers
                .iter()
                .enumerate()
                .filter(|(_, i)| i.country().is_some() && !in_eu(**i))
                .map(|(j, _)| v(j))
                .sum::<f64>()
                + v(eu)
                + v(row);
            assert!(
                (parts - v(world)).abs() <= 1e-9 * v(world),
                "draw {draw} month {k}"
            );
            // EU27 holds its members (and an unnamed rest).
            let members: f64 = importers
                .iter()
                .enumerate()
                .filter(|(_, i)| in_eu(**i))
                .map(|(j, _)| v(j))
                .sum();
            assert!(members < v(eu), "draw {draw} month {k}");
        }
    }
}

/// The plausibility rule: an importer's first forecast year lies between half
/// the smallest and twice the largest annual rate its own figures of the last
/// two years of data imply (a level or a range's bound, times 12 / months).
#[test]
fn each_importers_first_forecast_year_is_within_what_its_last_two_years_imply() {
    let obs = data::bundled().unwrap();
    let p = panel(BaselineKind::Dynamic);
    let fc = forecast_panel(p, month(2026, 12), &[80.0], MEAN_PATHS, 42).unwrap();
    let since = p.last_observed.plus(-23);
    let mut checked = 0;
    for (i, importer) in fc.importers.iter().enumerate() {
        let mut rates: Vec<f64> = Vec::new();
        for o in obs.rows().iter().filter(|o| o.importer == *importer) {
            if o.span.start() >= since {
                rates.push(o.tonnes * 12.0 / o.span.len() as f64);
            }
        }
        for r in obs
            .ranges()
            .items()
            .iter()
            .filter(|r| r.importer == *importer)
        {
            if r.span.start() >= since {
                let per_year = 12.0 / r.span.len() as f64;
                rates.extend(r.low.iter().chain(r.high.iter()).map(|b| b * per_year));
            }
        }
        if rates.is_empty() {
            continue;
        }
        let lo = rates.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = rates.iter().copied().fold(0.0, f64::max);
        let year: f64 = fc.mean[i].iter().sum();
        assert!(
            year >= 0.5 * lo && year <= 2.0 * hi,
            "{importer}: 2026 {year:.0} t outside [{:.0}, {:.0}]",
            0.5 * lo,
            2.0 * hi
        );
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} importers checked");
}

#[test]
fn a_saved_dynamic_panel_forecasts_like_the_fitted_one() {
    let p = panel(BaselineKind::Dynamic);
    let json = serde_json::to_string(p).unwrap();
    let back: FittedPanel = serde_json::from_str(&json).unwrap();
    assert!(back.dynamic.is_some());
    let a = forecast_panel(p, month(2027, 12), &[80.0], 100, 5).unwrap();
    let b = forecast_panel(&back, month(2027, 12), &[80.0], 100, 5).unwrap();
    assert_eq!(a.mean, b.mean);
    assert_eq!(a.lower, b.lower);
}

#[test]
fn the_fit_table_shows_the_dynamic_baseline_it_draws_from() {
    let text = magcast::report::fit_table(panel(BaselineKind::Dynamic));
    assert!(text.contains("Baseline: dynamic"), "{text}");
    assert!(text.contains("WORLD: structural model"), "{text}");
    assert!(text.contains("shock from 2025-04"), "{text}");
    // The table names the noise variant the model has (the sds mean different
    // things under relative and constant noise).
    let world = &panel(BaselineKind::Dynamic).dynamic.as_ref().unwrap().world;
    let label = match world.config().get().noise {
        NoiseScale::Proportional => "(relative to the level, monthly)",
        NoiseScale::Constant => "(constant, monthly, in units of",
    };
    assert!(text.contains(label), "{label}: {text}");
    for unit in ["DEU", "EU27-other", "ROW"] {
        assert!(text.lines().any(|l| l.starts_with(unit)), "{unit}: {text}");
    }
    assert!(text.contains("Trend models (candidates"), "{text}");
    let trend = magcast::report::fit_table(panel(BaselineKind::Trend));
    assert!(!trend.contains("Baseline: dynamic"));
}
