//! The baseline panel: recovery of known trends, fits to span observations,
//! coherence, intervals, the holdout on the bundled data, configuration errors.

use std::collections::BTreeMap;
use std::path::Path;

use magcast::data::{self, Importer, LoadOptions, Month, Observations, Span};
use magcast::forecast::{
    BaselineKind, FitConfig, FitConfigSpec, ForecastError, PanelForecast, Pin, Seasonality,
    SeriesModel, fit_panel, forecast_panel, holdout,
};
use magcast::model::Family;
use magcast::yaml::YamlSource;
use proptest::prelude::*;

fn load(csv: &str) -> Observations {
    data::load_from_bytes(
        Path::new("panel.csv"),
        format!("period,importer,tonnes\n{csv}").into_bytes(),
        LoadOptions::default(),
    )
    .unwrap()
}

fn month(y: i32, m: u32) -> Month {
    Month::new(y, m).unwrap()
}

/// A small deterministic generator of standard normal noise (Box-Muller over an
/// xorshift stream), so fixtures need no extra crates.
struct Noise(u64);

impl Noise {
    fn uniform(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        ((self.0 >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }
    fn normal(&mut self) -> f64 {
        let (u, v) = (self.uniform(), self.uniform());
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }
}

fn no_shocks() -> FitConfig {
    FitConfig {
        interventions: Vec::new(),
        ..FitConfig::default()
    }
}

#[test]
fn span_observations_of_an_exact_exponential_recover_it() {
    // f(t) = 1000·exp(0.1·x), x in years since 2019-01. A year total, a
    // half-year run, single months, a quarter and a run across a year end.
    let f = |y: i32, m: u32| 1000.0 * (0.1 * (f64::from(y - 2019) + f64::from(m - 1) / 12.0)).exp();
    let sum = |span: &str| -> f64 {
        let s: Span = span.parse().unwrap();
        s.months().map(|m| f(m.year(), m.month())).sum()
    };
    let spans = [
        "2019",
        "2020-01..06",
        "2020-07",
        "2020-08",
        "2020-09",
        "2020-10",
        "2020-11",
        "2020-12",
        "2021",
        "2022-Q1",
        "2022-11..2023-02",
    ];
    let csv: String = spans
        .iter()
        .map(|s| format!("{s},WORLD,{}\n", sum(s)))
        .collect();
    let panel = fit_panel(&load(&csv), &no_shocks()).unwrap();
    let world = panel.world().unwrap();
    assert_eq!(panel.origin, month(2019, 1));
    assert_eq!(world.model.label(), "exponential");
    assert!(
        (world.params[0] - 1000.0).abs() < 1e-6,
        "{:?}",
        world.params
    );
    assert!((world.params[1] - 0.1).abs() < 1e-9, "{:?}", world.params);
    assert_eq!(world.observations.count, spans.len());
    // The fitted value of every span is its exact sum.
    for p in panel.fitted_values(&load(&csv)) {
        assert!((p.fitted / p.observed - 1.0).abs() < 1e-9, "{p:?}");
    }
}

#[test]
fn a_noisy_panel_gives_back_its_generating_trend_and_shares() {
    let mut noise = Noise(7);
    let mut csv = String::new();
    let (b1, b2, sigma) = (3000.0, 0.08, 0.05);
    let deu_share = 0.2;
    let (usa_a, usa_b) = (-2.0, 0.15); // logit share at the data centre, per year
    let mut usa_year = [0.0; 10];
    for k in 0..120 {
        let m = month(2015, 1).plus(k);
        let x = f64::from(k) / 12.0;
        let w = b1 * (b2 * x).exp() * (sigma * noise.normal()).exp();
        csv.push_str(&format!("{m},WORLD,{w}\n"));
        if k % 3 == 0 {
            let d = w * deu_share * (0.05 * noise.normal()).exp();
            csv.push_str(&format!("{m},DEU,{d}\n"));
        }
        let z = usa_a + usa_b * (x - 4.96);
        usa_year[k as usize / 12] += w / (1.0 + (-z).exp());
    }
    for (i, t) in usa_year.iter().enumerate() {
        csv.push_str(&format!("{},USA,{t}\n", 2015 + i));
    }
    let panel = fit_panel(&load(&csv), &no_shocks()).unwrap();
    let world = panel.world().unwrap();
    assert_eq!(world.model.label(), "exponential");
    assert!(
        (world.params[1] - b2).abs() < 3.0 * world.std_errors[1] + 1e-3,
        "{:?}",
        world.params
    );
    assert!(
        (world.params[0] / b1 - 1.0).abs() < 0.03,
        "{:?}",
        world.params
    );
    assert!((world.sigma - sigma).abs() < 0.015, "sigma {}", world.sigma);
    let series = |code: &str| {
        let imp: Importer = code.parse().unwrap();
        panel.series.iter().find(|s| s.importer == imp).unwrap()
    };
    let deu = series("DEU");
    assert!(matches!(deu.model, SeriesModel::Share { .. }));
    let share = 1.0 / (1.0 + (-deu.params[0]).exp());
    assert!((share - deu_share).abs() < 0.01, "DEU share {share}");
    assert!(deu.params[1].abs() < 0.02, "DEU trend {}", deu.params[1]);
    let usa = series("USA");
    assert!(
        (usa.params[1] - usa_b).abs() < 0.03,
        "USA trend {:?}",
        usa.params
    );
}

/// Sums of means across the panel's layout, month by month.
fn assert_coherent(fc: &PanelForecast) {
    let idx = |imp: Importer| fc.importers.iter().position(|&i| i == imp);
    let world = idx(Importer::World).unwrap();
    let row = idx(Importer::RestOfWorld).unwrap();
    let eu = idx(Importer::Group(data::Group::Eu27));
    for k in 0..fc.months.len() {
        let mut top = fc.mean[row][k];
        let mut members = 0.0;
        for (i, imp) in fc.importers.iter().enumerate() {
            let in_eu =
                imp.country().is_some_and(|c| data::Group::Eu27.contains(c)) && eu.is_some();
            match imp {
                Importer::Country(_) if in_eu => members += fc.mean[i][k],
                Importer::Country(_) | Importer::Group(_) => top += fc.mean[i][k],
                _ => {}
            }
        }
        let w = fc.mean[world][k];
        assert!((top - w).abs() <= 1e-9 * w, "month {k}: {top} vs WORLD {w}");
        if let Some(eu) = eu {
            assert!(
                members <= fc.mean[eu][k] * (1.0 + 1e-9),
                "EU27 members exceed the group"
            );
        }
        for (i, _) in fc.importers.iter().enumerate() {
            let mut previous = 0.0;
            // lower_95 ≤ lower_80 ≤ upper_80 ≤ upper_95, all ≥ 0 and finite.
            for v in [
                fc.lower[1][i][k],
                fc.lower[0][i][k],
                fc.upper[0][i][k],
                fc.upper[1][i][k],
            ] {
                assert!(
                    v.is_finite() && v >= previous,
                    "bounds out of order: {v} < {previous}"
                );
                previous = v;
            }
            assert!(fc.mean[i][k].is_finite() && fc.mean[i][k] >= 0.0);
        }
    }
}

#[test]
fn bundled_forecast_is_coherent_and_its_intervals_are_ordered() {
    let obs = data::bundled().unwrap();
    let panel = fit_panel(&obs, &FitConfig::default()).unwrap();
    assert_eq!(panel.last_observed, month(2025, 12));
    let fc = forecast_panel(&panel, month(2030, 12), &[80.0, 95.0], 400, 1).unwrap();
    assert_eq!(fc.months.first(), Some(&month(2026, 1)));
    assert_eq!(fc.months.len(), 60);
    assert_eq!(fc.importers.first(), Some(&Importer::World));
    assert_eq!(fc.importers.last(), Some(&Importer::RestOfWorld));
    assert_coherent(&fc);
}

#[test]
fn the_same_seed_gives_the_same_forecast() {
    let obs = data::bundled().unwrap();
    let panel = fit_panel(&obs, &FitConfig::default()).unwrap();
    let a = forecast_panel(&panel, month(2026, 12), &[80.0, 95.0], 300, 5).unwrap();
    let b = forecast_panel(&panel, month(2026, 12), &[80.0, 95.0], 300, 5).unwrap();
    assert_eq!(a.mean, b.mean);
    assert_eq!(a.upper, b.upper);
    let c = forecast_panel(&panel, month(2026, 12), &[80.0, 95.0], 300, 6).unwrap();
    assert_ne!(a.mean, c.mean);
}

/// Holdout: the data as they stood at the end of June 2025 forecast July to
/// December 2025. The bounds are the errors measured with 2000 paths and seed
/// 42 (`cargo run --release --example holdout`), rounded up.
#[test]
fn holdout_of_the_second_half_of_2025() {
    let obs = data::bundled().unwrap();
    // The trend baseline (the dynamic one, the default, has its own holdout
    // test in tests/dynamic.rs).
    let trend = FitConfig {
        baseline: BaselineKind::Trend,
        ..FitConfig::default()
    };
    let points = holdout(&obs, &trend, month(2025, 6), month(2025, 12), 2000, 42).unwrap();
    let mut by_importer: BTreeMap<Importer, Vec<f64>> = BTreeMap::new();
    for p in &points {
        by_importer.entry(p.importer).or_default().push(p.ape_pct);
    }
    let mape = |code: &str| {
        let v = &by_importer[&code.parse::<Importer>().unwrap()];
        v.iter().sum::<f64>() / v.len() as f64
    };
    assert_eq!(points.len(), 34);
    // Bounds just above the MAPEs measured on the data set of issue 12 (14.7 %
    // pooled over the 34 points, `cargo run --release --example holdout`).
    let bounds = [
        ("WORLD", 4.5),
        ("EU27", 11.5),
        ("DEU", 13.0),
        ("IND", 19.0),
        ("JPN", 9.5),
        ("KOR", 17.0),
        ("USA", 27.5),
        ("VNM", 27.0),
    ];
    for (code, bound) in bounds {
        let m = mape(code);
        assert!(m <= bound, "{code}: MAPE {m:.1}% above {bound}%");
    }
    // Every WORLD month within 10 %.
    for p in points.iter().filter(|p| p.importer == Importer::World) {
        assert!(p.ape_pct < 10.0, "{p:?}");
    }
}

fn check_config(text: &str) -> Result<FitConfig, ForecastError> {
    let source = YamlSource::new(Path::new("fit.yaml"), text.to_string());
    let spec: FitConfigSpec = source
        .deserialize()
        .map_err(|p| ForecastError::Config(vec![p]))?;
    spec.check(&source)
}

#[test]
fn bundled_fit_config_states_the_defaults() {
    let config = FitConfig::bundled().unwrap();
    assert_eq!(config, FitConfig::default());
}

#[test]
fn fit_config_values_and_problems() {
    let c = check_config(
        "candidates: [exponential, poly:2]\nseasonality: off\npin: {usa: gompertz, de: share}\n",
    )
    .unwrap();
    assert_eq!(c.candidates, [Family::Exponential, Family::Poly(2)]);
    assert_eq!(c.seasonality, Seasonality::Off);
    assert_eq!(
        c.pins[&"USA".parse::<Importer>().unwrap()],
        Pin::Family(Family::Gompertz)
    );
    assert_eq!(c.pins[&"DEU".parse::<Importer>().unwrap()], Pin::Share);

    let err = check_config("candidats: [linear]\n")
        .unwrap_err()
        .to_string();
    assert!(err.contains("fit.yaml:1:1"), "{err}");
    assert!(err.contains("unknown field `candidats`"), "{err}");

    let err = check_config(
        "candidates: [exponential, cubic, power]\n\
         interventions:\n  - {name: x, from: 2025-06, to: 2025-04}\n  - {name: y, from: 2025-13, to: 2026-01}\n\
         pin:\n  XYZ: linear\n  WORLD: share\n\
         share_trend_prior_sd: -1\n",
    )
    .unwrap_err()
    .to_string();
    for expected in [
        "7 problems in the configuration:",
        "fit.yaml:1:27: `candidates[1]`: unknown model `cubic`",
        "fit.yaml:1:34: `candidates[2]`: `power` needs x > 0",
        "fit.yaml:3:34: `interventions[0].to`: `to` (2025-04) is before `from` (2025-06)",
        "fit.yaml:4:21: `interventions[1].from`: `2025-13` is not a valid period",
        "fit.yaml:6:8: `pin.XYZ`: `XYZ` is not an ISO 3166-1",
        "fit.yaml:7:10: `pin.WORLD`: WORLD cannot be a share of itself",
        "fit.yaml:8:23: `share_trend_prior_sd`: must be a positive number",
    ] {
        assert!(err.contains(expected), "{err}\nlacks {expected:?}");
    }
}

#[test]
fn a_pinned_importer_is_fitted_on_its_own() {
    let obs = data::bundled().unwrap();
    let mut config = FitConfig::default();
    config
        .pins
        .insert("USA".parse().unwrap(), Pin::Family(Family::Exponential));
    let panel = fit_panel(&obs, &config).unwrap();
    let usa = panel
        .series
        .iter()
        .find(|s| s.importer.code() == "USA")
        .unwrap();
    assert_eq!(usa.model.label(), "exponential");
    assert_eq!(usa.selection, "pinned in the fit configuration");
}

#[test]
fn too_few_observations_is_a_clear_error() {
    let err = fit_panel(&load("2024,WORLD,100\n"), &no_shocks()).unwrap_err();
    assert!(err.is_bad_input());
    let text = err.to_string();
    assert!(
        text.starts_with("WORLD: no candidate model could be fitted"),
        "{text}"
    );
    assert!(text.contains("1 observations for 2 parameters"), "{text}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    /// Whatever the panel, forecasts add up: importers + ROW = WORLD, the EU27
    /// members stay within the group, bounds are ordered and non-negative.
    #[test]
    fn forecasts_are_coherent_on_random_panels(
        seed in 1u64..u64::MAX,
        n_countries in 1usize..6,
        growth in -0.1f64..0.2,
    ) {
        let mut noise = Noise(seed);
        let codes = ["DEU", "USA", "ITA", "KOR", "FRA", "JPN"];
        let mut csv = String::new();
        let mut shares: Vec<f64> = (0..n_countries).map(|_| 0.05 + 0.3 * noise.uniform()).collect();
        let total: f64 = shares.iter().sum();
        if total > 0.9 { for s in &mut shares { *s *= 0.9 / total; } }
        for k in 0..36 {
            let m = month(2022, 1).plus(k);
            let w = 4000.0 * (growth * f64::from(k) / 12.0).exp() * (0.1 * noise.normal()).exp();
            csv.push_str(&format!("{m},WORLD,{w}\n"));
            for (c, s) in codes.iter().zip(&shares) {
                if noise.uniform() < 0.3 {
                    csv.push_str(&format!("{m},{c},{}\n", w * s * (0.2 * noise.normal()).exp()));
                }
            }
            if k % 12 == 11 && noise.uniform() < 0.7 {
                let eu: f64 = codes.iter().zip(&shares).filter(|(c, _)| ["DEU", "ITA", "FRA"].contains(c)).map(|(_, s)| s).sum();
                csv.push_str(&format!("{},EU27,{}\n", m.year(), w * 12.0 * (eu + 0.05)));
            }
        }
        let obs = load(&csv);
        let panel = fit_panel(&obs, &no_shocks()).unwrap();
        let fc = forecast_panel(&panel, month(2026, 12), &[80.0, 95.0], 200, seed).unwrap();
        assert_coherent(&fc);
    }
}

#[test]
fn seasonality_is_chosen_where_the_months_support_it() {
    let mut noise = Noise(11);
    let pattern: Vec<f64> = (0..12)
        .map(|m| 0.2 * (f64::from(m) * std::f64::consts::PI / 6.0).cos())
        .collect();
    let mut csv = String::new();
    for k in 0..48 {
        let m = month(2016, 1).plus(k);
        let level = 2000.0 * (0.05 * f64::from(k) / 12.0).exp();
        let v = level * (pattern[(k % 12) as usize] + 0.03 * noise.normal()).exp();
        csv.push_str(&format!("{m},WORLD,{v}\n"));
    }
    let panel = fit_panel(&load(&csv), &no_shocks()).unwrap();
    let world = panel.world().unwrap();
    assert!(
        world.model.label().ends_with("+season"),
        "{}",
        world.model.label()
    );
    // Factors for January..November; December is minus their sum. The pattern
    // sums to zero over the year, so the factors estimate it directly.
    for (m, expected) in pattern.iter().take(11).enumerate() {
        let got = world.params[2 + m];
        assert!(
            (got - expected).abs() < 0.04,
            "month {}: {got} vs {expected}",
            m + 1
        );
    }
    // Without enough months, no seasonal candidate is tried.
    let short: String = csv.lines().take(18).map(|l| format!("{l}\n")).collect();
    let panel = fit_panel(&load(&short), &no_shocks()).unwrap();
    let world = panel.world().unwrap();
    assert!(world.candidates.iter().all(|c| !c.model.contains("season")));
}
