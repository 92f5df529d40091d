//! Self-starting values for every nonlinear family, so users never need to guess
//! (like R's `SSlogis`/`SSgompertz`). Each family linearises (log, logit,
//! log-log) or profiles: b1 multiplies every family's shape, so for a guess of
//! the other parameters the best b1 is a closed-form projection, and a coarse
//! search over those others picks the candidate with the smallest RSS.

use super::family::Family;

/// Ordinary least squares of v on u (slope, intercept), or `None` if u is constant.
fn line(u: &[f64], v: &[f64]) -> Option<(f64, f64)> {
    let n = u.len() as f64;
    if u.len() < 2 {
        return None;
    }
    let mu = u.iter().sum::<f64>() / n;
    let mv = v.iter().sum::<f64>() / n;
    let (mut suu, mut suv) = (0.0, 0.0);
    for (a, b) in u.iter().zip(v) {
        suu += (a - mu) * (a - mu);
        suv += (a - mu) * (b - mv);
    }
    let slope = suv / suu;
    (suu > 0.0 && slope.is_finite()).then_some((slope, mv - slope * mu))
}

/// For fixed shape parameters `rest` (b2, …), the best b1 and the resulting RSS.
fn profile(family: Family, x: &[f64], y: &[f64], rest: &[f64]) -> Option<(f64, f64)> {
    let mut b = Vec::with_capacity(rest.len() + 1);
    b.push(1.0);
    b.extend_from_slice(rest);
    let (mut gy, mut gg) = (0.0, 0.0);
    for (&xi, &yi) in x.iter().zip(y) {
        let g = family.value(xi, &b);
        gy += g * yi;
        gg += g * g;
    }
    if !(gg > 0.0 && gg.is_finite() && gy.is_finite()) {
        return None;
    }
    let b1 = gy / gg;
    b[0] = b1;
    let rss: f64 = x
        .iter()
        .zip(y)
        .map(|(&xi, &yi)| (yi - family.value(xi, &b)).powi(2))
        .sum();
    rss.is_finite().then_some((b1, rss))
}

/// Keeps the candidate (b2, …) whose profiled RSS is smallest.
fn best_of(
    family: Family,
    x: &[f64],
    y: &[f64],
    candidates: impl IntoIterator<Item = Vec<f64>>,
) -> Option<Vec<f64>> {
    let mut best: Option<(f64, Vec<f64>)> = None;
    for rest in candidates {
        if let Some((b1, rss)) = profile(family, x, y, &rest)
            && best.as_ref().is_none_or(|(r, _)| rss < *r)
        {
            let mut b = vec![b1];
            b.extend(rest);
            best = Some((rss, b));
        }
    }
    best.map(|(_, b)| b)
}

/// Log-spaced values from `lo` to `hi` (both > 0), `count` of them.
fn log_grid(lo: f64, hi: f64, count: usize) -> impl Iterator<Item = f64> {
    let (a, b) = (lo.ln(), hi.ln());
    (0..count).map(move |i| (a + (b - a) * i as f64 / (count - 1) as f64).exp())
}

/// Automatic starting values for a nonlinear family (`None` for linear ones or
/// data without any usable shape). Expects finite data with at least 2 rows.
pub(crate) fn auto_start(family: Family, x: &[f64], y: &[f64]) -> Option<Vec<f64>> {
    let xmin = x.iter().copied().fold(f64::INFINITY, f64::min);
    let xmax = x.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let span = (xmax - xmin).max(f64::MIN_POSITIVE);
    let xabs = xmin.abs().max(xmax.abs()).max(f64::MIN_POSITIVE);
    let all_pos = y.iter().all(|&v| v > 0.0);
    let all_neg = y.iter().all(|&v| v < 0.0);
    let sign = if all_neg { -1.0 } else { 1.0 };
    let ymax = y.iter().map(|v| v * sign).fold(f64::NEG_INFINITY, f64::max);
    match family {
        Family::Linear | Family::Poly(_) => None,
        Family::Exponential => {
            let mut cands: Vec<Vec<f64>> = Vec::new();
            if all_pos || all_neg {
                let ly: Vec<f64> = y.iter().map(|v| (v * sign).ln()).collect();
                if let Some((slope, _)) = line(x, &ly) {
                    cands.push(vec![slope]);
                }
            }
            // The log-linear start is good whenever it exists; search only otherwise.
            if cands.is_empty() {
                let rates = log_grid(1e-3 / xabs, 50.0 / xabs, 40);
                cands.extend(rates.flat_map(|r| [vec![r], vec![-r]]));
            }
            best_of(family, x, y, cands)
        }
        Family::Power => {
            let mut cands: Vec<Vec<f64>> = Vec::new();
            if all_pos || all_neg {
                let lx: Vec<f64> = x.iter().map(|v| v.ln()).collect();
                let ly: Vec<f64> = y.iter().map(|v| (v * sign).ln()).collect();
                if let Some((slope, _)) = line(&lx, &ly) {
                    cands.push(vec![slope]);
                }
            }
            cands.extend((-40..=40).map(|k| vec![f64::from(k) / 8.0]));
            best_of(family, x, y, cands)
        }
        Family::Monomolecular => {
            let rates = log_grid(1e-4 / xabs, 1e2 / xabs, 80);
            best_of(family, x, y, rates.flat_map(|r| [vec![r], vec![-r]]))
        }
        Family::Logistic | Family::Richards => {
            let mut cands: Vec<Vec<f64>> = Vec::new();
            // SSlogis-like: asymptote guesses, then logit(y/A) = −b2 + b3·x.
            if all_pos || all_neg {
                for factor in [1.01, 1.05, 1.1, 1.25, 1.5, 2.0, 3.0, 5.0] {
                    let a = ymax * factor;
                    let z: Vec<f64> = y.iter().map(|v| (v * sign / (a - v * sign)).ln()).collect();
                    if let Some((slope, icpt)) = line(x, &z) {
                        cands.push(vec![-icpt, slope]);
                    }
                }
            }
            // A coarse grid of midpoints and rates as a fallback.
            for mid in [0.0, 0.25, 0.5, 0.75, 1.0, 1.5] {
                for rate in log_grid(0.5 / span, 50.0 / span, 8) {
                    let xm = xmin + mid * span;
                    cands.push(vec![rate * xm, rate]);
                    cands.push(vec![-rate * xm, -rate]);
                }
            }
            let mut b = best_of(Family::Logistic, x, y, cands)?;
            if family == Family::Richards {
                b.push(1.0);
            }
            Some(b)
        }
        Family::Gompertz => {
            let mut cands: Vec<Vec<f64>> = Vec::new();
            // ln(−ln(y/A)) = ln b2 − b3·x.
            if all_pos || all_neg {
                for factor in [1.01, 1.05, 1.1, 1.25, 1.5, 2.0, 3.0, 5.0] {
                    let a = ymax * factor;
                    let z: Vec<f64> = y.iter().map(|v| (-(v * sign / a).ln()).ln()).collect();
                    if z.iter().all(|v| v.is_finite())
                        && let Some((slope, icpt)) = line(x, &z)
                    {
                        cands.push(vec![icpt.exp(), -slope]);
                    }
                }
            }
            for mid in [0.0, 0.25, 0.5, 0.75, 1.0, 1.5] {
                for rate in log_grid(0.5 / span, 50.0 / span, 8) {
                    let xm = xmin + mid * span;
                    // b2·exp(−b3·xm) = ln 2 puts the half-way point near xm.
                    let b2 = std::f64::consts::LN_2 * (rate * xm).exp();
                    if b2.is_finite() {
                        cands.push(vec![b2, rate]);
                    }
                }
            }
            best_of(family, x, y, cands)
        }
    }
}

/// `start` with b1 replaced by its best value for the start's other parameters:
/// the restart point when a user's start stalls on a plateau (BoxBOD's first
/// NIST start, where b1 is far too small for b2).
pub(crate) fn reprofile(family: Family, x: &[f64], y: &[f64], start: &[f64]) -> Option<Vec<f64>> {
    let (b1, _) = profile(family, x, y, start.get(1..)?)?;
    let mut b = start.to_vec();
    b[0] = b1;
    Some(b)
}
