//! WORLD's structural model: the shock's peak month and the model variant
//! (damped or undamped trend, relative or constant noise) chosen by AICc.

use rayon::prelude::*;

use crate::model::structural::{
    DAMPING_RANGE, Damping, Hyperparameters, NoiseScale, StructuralConfig, StructuralError,
    StructuralModel, ValidSeries, lunar_new_year_regressor,
};

/// Latest peak, in months after a shock's onset, that WORLD's model tries.
const MAX_SHOCK_PEAK: usize = 2;

/// The variants that compete, in order of preference on equal AICc. All are
/// on the scale of the data, so an undamped trend extrapolates linearly, never
/// exponentially; relative noise suits a series whose swings grow with it,
/// constant noise one whose swings do not (co2, whose seasonal amplitude is
/// the same at 320 and 370 ppm).
pub(crate) const VARIANTS: [(Damping, NoiseScale); 4] = [
    (Damping::Estimated, NoiseScale::Proportional),
    (Damping::Fixed(1.0), NoiseScale::Proportional),
    (Damping::Estimated, NoiseScale::Constant),
    (Damping::Fixed(1.0), NoiseScale::Constant),
];

/// WORLD's structural model, in three rounds of fits:
///
/// 1. the first variant of [`VARIANTS`] with every shock peak from 0 to
///    [`MAX_SHOCK_PEAK`] months after the onset (the same for every shock) up
///    to the last month of data; the lowest AICc picks the peak. The decay is
///    never taken from the window's configured end: it is estimated from the
///    months after the peak, and where there are none (a shock still
///    deepening at the end of the data) it stays near its weak prior;
/// 2. the other variants at that peak, from the built-in start;
/// 3. every variant refitted from the best optimum so far (for the best
///    itself a fresh restart), keeping the higher likelihood: Nelder-Mead
///    stalls in different places for different variants, and a variant must
///    not lose on a stall.
///
/// The lowest AICc wins (the first in order on a tie); all variants share
/// the data, so their likelihoods, in data units, are comparable. The winner
/// is refitted from a second start (small level variance, a shock halving in
/// a month) and the better fit kept: the likelihood has local optima where
/// the level, not the shock, takes the dip.
pub(crate) fn fit_world(
    series: &ValidSeries,
    onsets: &[usize],
) -> Result<StructuralModel, StructuralError> {
    let last_peak = match onsets.iter().max() {
        Some(&t0) => MAX_SHOCK_PEAK.min(series.months().saturating_sub(t0 + 1)),
        None => 0,
    };
    // The Lunar New Year coefficient only where the fitted months include a
    // holiday of the table (2000-2040): elsewhere the regressor is 0 and the
    // coefficient, unidentified, would be applied to the first tabled year.
    let origin = series.origin();
    let holidays =
        (0..series.months()).any(|t| lunar_new_year_regressor(origin.plus(t as i32)) != 0.0);
    let config = |(damping, noise): (Damping, NoiseScale), peak: usize| {
        StructuralConfig {
            shock_onsets: onsets.to_vec(),
            shock_peak: peak,
            lunar_new_year: holidays,
            damping,
            noise,
            ..StructuralConfig::default()
        }
        .check()
    };
    let peaks: Vec<StructuralModel> = (0..=last_peak)
        .into_par_iter()
        .map(|peak| StructuralModel::fit(series, &config(VARIANTS[0], peak)?))
        .collect::<Result<_, StructuralError>>()?;
    let peak = lowest_aicc(&peaks);
    let lead = peaks.into_iter().nth(peak).expect("index in range");
    let mut first = vec![lead];
    first.extend(
        VARIANTS[1..]
            .par_iter()
            .map(|&v| StructuralModel::fit(series, &config(v, peak)?))
            .collect::<Result<Vec<_>, StructuralError>>()?,
    );
    let lead = first[lowest_aicc(&first)].hyperparameters().clone();
    let fits: Vec<StructuralModel> = VARIANTS
        .par_iter()
        .zip(first)
        .map(|(&v, own)| {
            let start = adapted(&lead, v.0);
            match StructuralModel::fit_from(series, &config(v, peak)?, &start) {
                Ok(other) if other.loglik() > own.loglik() => Ok(other),
                _ => Ok(own),
            }
        })
        .collect::<Result<_, StructuralError>>()?;
    let best = lowest_aicc(&fits);
    let variant = VARIANTS[best];
    let model = fits.into_iter().nth(best).expect("index in range");
    let mut start = model.hyperparameters().clone();
    start.var_irregular = start.var_irregular.max(1e-3);
    start.var_level = 1e-4;
    start.shocks.iter_mut().for_each(|s| s.decay = 0.5);
    match StructuralModel::fit_from(series, &config(variant, peak)?, &start) {
        Ok(other) if other.loglik() > model.loglik() => Ok(other),
        _ => Ok(model),
    }
}

/// Index of the fit with the lowest AICc (the first on a tie).
fn lowest_aicc(fits: &[StructuralModel]) -> usize {
    (0..fits.len())
        .reduce(|b, i| {
            if fits[i].aicc() < fits[b].aicc() {
                i
            } else {
                b
            }
        })
        .expect("at least one candidate")
}

/// `h` as a start for a variant with damping `damping`: φ fixed, or pulled
/// inside the estimated range.
fn adapted(h: &Hyperparameters, damping: Damping) -> Hyperparameters {
    let (lo, hi) = DAMPING_RANGE;
    let mut start = h.clone();
    start.phi = match damping {
        Damping::Fixed(phi) => phi,
        Damping::Estimated => h.phi.clamp(lo + 0.01, hi - 0.01),
    };
    start
}
