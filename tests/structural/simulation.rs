//! Sample paths: determinism per (seed, key, path, month), positivity, and
//! agreement with the Gaussian forecast moments; the model survives JSON.

use magcast::model::structural::{NoiseScale, StructuralModel};

use crate::support::{hyper, month, monthly, plain_config, rel, simulate_flows};

fn model() -> StructuralModel {
    let h = hyper([0.0025, 4e-4, 4e-6], 0.9, [1.0; 12]);
    let flows = simulate_flows(&h, month(2014, 1), 120, 500.0, 0.004, 3);
    let series = monthly(month(2014, 1), &flows);
    let config = plain_config(0.9, NoiseScale::Proportional, None);
    StructuralModel::with_hyperparameters(&series, &config, h).unwrap()
}

#[test]
fn paths_do_not_depend_on_the_horizon() {
    let m = model();
    let short = m.simulate("DEU", 42, 12, 50);
    let long = m.simulate("DEU", 42, 60, 50);
    for (s, l) in short.iter().zip(&long) {
        assert_eq!(s.len(), 12);
        assert_eq!(l.len(), 60);
        assert!(s.iter().zip(l).all(|(a, b)| a.to_bits() == b.to_bits()));
    }
    // Fewer paths are a prefix of more paths; key and seed change the draws.
    let few = m.simulate("DEU", 42, 12, 5);
    assert!(few.iter().zip(&short).all(|(a, b)| a == b));
    assert_ne!(m.simulate("FRA", 42, 12, 1)[0], short[0]);
    assert_ne!(m.simulate("DEU", 43, 12, 1)[0], short[0]);
}

#[test]
fn paths_are_positive_and_match_the_forecast_moments() {
    let m = model();
    let horizon = 36;
    let paths = m.simulate("USA", 7, horizon, 4000);
    let fc = m.forecast(horizon);
    assert!(paths.iter().flatten().all(|v| *v > 0.0 && v.is_finite()));
    for k in [0, 11, 35] {
        let draws: Vec<f64> = paths.iter().map(|p| p[k]).collect();
        let mean = draws.iter().sum::<f64>() / draws.len() as f64;
        let var = draws.iter().map(|d| (d - mean).powi(2)).sum::<f64>() / draws.len() as f64;
        let se = (fc[k].var_observed / draws.len() as f64).sqrt();
        assert!(
            (mean - fc[k].mean).abs() < 4.0 * se,
            "month {k}: {mean} vs {}",
            fc[k].mean
        );
        assert!(
            rel(var, fc[k].var_observed) < 0.15,
            "month {k}: {var} vs {}",
            fc[k].var_observed
        );
    }
}

#[test]
fn fitted_model_round_trips_through_json() {
    let m = model();
    let json = serde_json::to_string(&m).unwrap();
    let back: StructuralModel = serde_json::from_str(&json).unwrap();
    assert_eq!(back, m);
    assert_eq!(back.simulate("JPN", 1, 6, 3), m.simulate("JPN", 1, 6, 3));
}

#[test]
fn checked_types_are_checked_again_when_deserialised() {
    use magcast::model::structural::{ValidConfig, ValidSeries};
    let m = model();
    let mut json: serde_json::Value = serde_json::to_value(&m).unwrap();
    json["config"]["damping"] = serde_json::json!({ "Fixed": 1.5 });
    let err = serde_json::from_value::<StructuralModel>(json).unwrap_err();
    assert!(err.to_string().contains("damping factor 1.5"), "{err}");
    let bad = r#"{"seasonality":"Flat","lunar_new_year":false,"shock_onsets":[],
        "damping":"Estimated","noise":"Constant","initial":"Diffuse","scale":0.0,"max_iters":10}"#;
    assert!(serde_json::from_str::<ValidConfig>(bad).is_err());
    let series = r#"{"origin":"2020-01","observations":[
        {"start":0,"len":0,"value":{"Point":1.0},"sd_scale":1.0}]}"#;
    let err = serde_json::from_str::<ValidSeries>(series).unwrap_err();
    assert!(err.to_string().contains("span length is 0"), "{err}");
}
