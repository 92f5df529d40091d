//! Unit tests of the hyperparameter layout and the shock terms.

use super::*;

#[test]
fn decode_inverts_encode() {
    let config = StructuralConfig {
        shock_onsets: vec![5],
        ..StructuralConfig::default()
    };
    let layout = Layout::new(&config);
    let mut seasonal = [1.0; 12];
    seasonal[1] = 0.7;
    seasonal[11] = 1.3;
    let h = Hyperparameters {
        var_irregular: 0.02,
        var_level: 1e-3,
        var_trend: 1e-6,
        phi: 0.93,
        seasonal: normalised(&seasonal),
        holiday: -0.25,
        shocks: vec![Shock {
            onset: 5,
            depth: 0.4,
            decay: 0.7,
            peak: 0,
            rise: 0.0,
        }],
    };
    let theta = layout.encode(&h);
    assert_eq!(theta.len(), layout.len());
    let back = layout.decode(&theta);
    assert!((back.phi - 0.93).abs() < 1e-12 && (back.holiday + 0.25).abs() < 1e-12);
    assert!((back.shocks[0].decay - 0.7).abs() < 1e-12);
    assert!(
        back.seasonal
            .iter()
            .zip(&h.seasonal)
            .all(|(a, b)| (a - b).abs() < 1e-12)
    );
}

#[test]
fn decay_prior_is_half_a_square_per_sd_on_the_logistic_scale() {
    let config = StructuralConfig {
        shock_onsets: vec![5, 40],
        ..StructuralConfig::default()
    };
    let layout = Layout::new(&config);
    let start = layout.start([1.0; 12]);
    let mut theta = layout.encode(&start);
    assert!(layout.decay_penalty(&theta).abs() < 1e-12);
    // Shock k's depth sits at 3 + 1 + 11 + 1 + 2k = 16 + 2k, its decay
    // right after; moving the decays by 1 and 2 sd costs 0.5 + 2.
    let (d1, d2) = (17, 19);
    assert!((layout.decode(&theta).shocks[0].decay - START_DECAY).abs() < 1e-12);
    theta[d1] += DECAY_PRIOR_SD;
    theta[d2] -= 2.0 * DECAY_PRIOR_SD;
    assert!((layout.decay_penalty(&theta) - 2.5).abs() < 1e-12);
    // The depths are not penalised.
    theta[d1 - 1] += 3.0;
    assert!((layout.decay_penalty(&theta) - 2.5).abs() < 1e-12);
}

#[test]
fn shock_decays_geometrically_from_onset() {
    let h = Hyperparameters {
        shocks: vec![Shock {
            onset: 3,
            depth: 0.5,
            decay: 0.5,
            peak: 0,
            rise: 0.0,
        }],
        ..Layout::new(&StructuralConfig::default()).start([1.0; 12])
    };
    let origin = Month::new(2010, 3).unwrap();
    let c: Vec<f64> = (2..6).map(|t| h.coefficient(origin, t)).collect();
    let expected = [1.0, 0.5, 0.75, 0.875];
    assert!(
        c.iter().zip(expected).all(|(a, b)| (a - b).abs() < 1e-12),
        "{c:?}"
    );
}

#[test]
fn shock_rises_to_its_peak_then_decays() {
    let h = Hyperparameters {
        shocks: vec![Shock {
            onset: 3,
            depth: 0.8,
            decay: 0.5,
            peak: 2,
            rise: 0.5,
        }],
        ..Layout::new(&StructuralConfig::default()).start([1.0; 12])
    };
    let origin = Month::new(2010, 3).unwrap();
    let c: Vec<f64> = (2..8).map(|t| h.coefficient(origin, t)).collect();
    // Effects 0, 0.2, 0.4, 0.8, 0.4, 0.2.
    let expected = [1.0, 0.8, 0.6, 0.2, 0.6, 0.8];
    assert!(
        c.iter().zip(expected).all(|(a, b)| (a - b).abs() < 1e-12),
        "{c:?}"
    );
}

#[test]
fn a_later_peak_adds_the_rise_to_the_layout() {
    let config = StructuralConfig {
        shock_onsets: vec![5, 40],
        shock_peak: 1,
        ..StructuralConfig::default()
    };
    let layout = Layout::new(&config);
    let h = layout.start([1.0; 12]);
    let theta = layout.encode(&h);
    assert_eq!(theta.len(), layout.len());
    assert_eq!(layout.len(), 3 + 1 + 11 + 1 + 2 * 3);
    let back = layout.decode(&theta);
    assert!(
        back.shocks
            .iter()
            .all(|s| s.peak == 1 && (s.rise - 0.5).abs() < 1e-12)
    );
}
