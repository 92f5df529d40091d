//! Linear least squares accurate to the NIST StRD certified values.
//!
//! Method: the regressors are centred (when the model has an intercept) and
//! scaled to unit norm, the design is factored by Householder QR with column
//! pivoting (never the normal equations), and the solution is then improved by
//! Björck's iterative refinement of the augmented system
//! `[I X; Xᵀ 0]·[r; b] = [y; 0]` on the *raw* data, with residuals and `Xᵀr`
//! accumulated in twice the working precision. Refinement removes both the
//! rounding of the centred/scaled design and most of the κ² term of plain QR.
//! Standard errors come from R⁻¹ (never from an explicit (XᵀX)⁻¹).

use super::error::{ModelError, Result};
use super::qr::{Acc, Qr};

/// Columns whose pivoted R diagonal falls below this fraction of the largest are
/// treated as linearly dependent. The scaled Filip design (the worst StRD set)
/// sits near 1e-11, so this rejects only designs beyond double precision.
const RANK_TOL: f64 = 1e-14;

/// Most refinement sweeps; two or three suffice on every StRD set.
const MAX_REFINEMENTS: usize = 8;

/// The result of a linear least-squares fit, in parameter order
/// (intercept first when present).
#[derive(Debug, Clone)]
pub(crate) struct LinearSolution {
    /// Estimates.
    pub(crate) coef: Vec<f64>,
    /// Standard errors.
    pub(crate) std_errors: Vec<f64>,
    /// Residual sum of squares, from residuals accumulated in extended precision.
    pub(crate) rss: f64,
    /// Refinement sweeps used (reported as "iterations").
    pub(crate) sweeps: usize,
}

/// Fits y ≈ [b0] + X·b by least squares. `x` is n×k column-major (the raw
/// regressors, e.g. powers of x for `poly:N`). `x_lo`, if not empty, holds the
/// low-order parts of regressors known to more than double precision (powers of
/// x computed in double-double), used by the refinement's residuals.
pub(crate) fn least_squares(
    x: &[f64],
    x_lo: &[f64],
    n: usize,
    k: usize,
    y: &[f64],
    intercept: bool,
) -> Result<LinearSolution> {
    let off = usize::from(intercept);
    let p = k + off;
    if n < p + 1 {
        return Err(ModelError::TooFewRows {
            rows: n,
            params: p,
            needed: p + 1,
        });
    }
    if p == 0 {
        return Err(ModelError::Shape("the model has no parameters".into()));
    }
    // Centre and scale: A = [1/√n | (X − m)/s].
    let root_n = (n as f64).sqrt();
    let mut mean = vec![0.0; k];
    let mut scale = vec![0.0; k];
    let mut a = vec![0.0; n * p];
    if intercept {
        a[..n].fill(1.0 / root_n);
    }
    for j in 0..k {
        let col = &x[j * n..(j + 1) * n];
        let m = if intercept {
            let m0 = col.iter().sum::<f64>() / n as f64;
            m0 + col.iter().map(|v| v - m0).sum::<f64>() / n as f64
        } else {
            0.0
        };
        let dst = &mut a[(j + off) * n..(j + off + 1) * n];
        for (d, v) in dst.iter_mut().zip(col) {
            *d = v - m;
        }
        let s = dst.iter().map(|v| v * v).sum::<f64>().sqrt();
        if !(s > 0.0 && s.is_finite()) {
            return Err(ModelError::RankDeficient { column: j + off });
        }
        for d in dst.iter_mut() {
            *d /= s;
        }
        mean[j] = m;
        scale[j] = s;
    }
    let mut qr = Qr::default();
    qr.factor(n, p, &a, true);
    let (ratio, pos) = qr.min_diag_ratio();
    if ratio.is_nan() || ratio <= RANK_TOL {
        return Err(ModelError::RankDeficient {
            column: qr.perm(pos),
        });
    }

    // Maps between the raw coefficients b and the scaled ones c (c = T·b):
    // b_j = c_j/s_j, b0 = c0/√n − Σ m_j·c_j/s_j.
    let to_b = |c: &[f64], b: &mut [f64]| {
        let mut b0 = Acc::new(if intercept { c[0] / root_n } else { 0.0 });
        for j in 0..k {
            b[j + off] = c[j + off] / scale[j];
            b0.add_prod(-mean[j], b[j + off]);
        }
        if intercept {
            b[0] = b0.value();
        }
    };
    let mut b = vec![0.0; p];
    let mut r = vec![0.0; n];
    let mut f = vec![0.0; n];
    let mut g = vec![0.0; p];
    let mut dc = vec![0.0; p];
    let mut db = vec![0.0; p];
    let mut sweeps = 0;
    let mut previous_change = f64::INFINITY;
    for sweep in 0..MAX_REFINEMENTS {
        sweeps = sweep + 1;
        // f = y − r − X·b and g = −Xᵀ·r, in extended precision on the raw data.
        // (From b = 0, r = 0 the first sweep is the plain QR solution: f = y, g = 0.)
        if sweep == 0 {
            f.copy_from_slice(y);
            g.fill(0.0);
        } else {
            for i in 0..n {
                let mut acc = Acc::new(y[i]);
                acc.add(-r[i]);
                if intercept {
                    acc.add(-b[0]);
                }
                for j in 0..k {
                    acc.add_prod(-x[j * n + i], b[j + off]);
                    if !x_lo.is_empty() {
                        acc.add_prod(-x_lo[j * n + i], b[j + off]);
                    }
                    if !x_lo.is_empty() {
                        acc.add_prod(-x_lo[j * n + i], b[j + off]);
                    }
                }
                f[i] = acc.value();
            }
            if intercept {
                let mut acc = Acc::default();
                for &ri in &r {
                    acc.add(-ri);
                }
                g[0] = acc.value();
            }
            for j in 0..k {
                let mut acc = Acc::default();
                for i in 0..n {
                    acc.add_prod(-x[j * n + i], r[i]);
                    if !x_lo.is_empty() {
                        acc.add_prod(-x_lo[j * n + i], r[i]);
                    }
                }
                g[j + off] = acc.value();
            }
        }
        // Into the scaled basis: g_c = T⁻ᵀ·g_b.
        let g0 = if intercept { g[0] } else { 0.0 };
        for j in 0..k {
            g[j + off] = (g[j + off] - mean[j] * g0) / scale[j];
        }
        if intercept {
            g[0] = g0 / root_n;
        }
        // Solve the augmented system with the QR factors:
        // h = R⁻ᵀPᵀg, d = Qᵀf, Pᵀδc = R⁻¹(d₁ − h), δr = Q·[h; d₂].
        let mut h = vec![0.0; p];
        for kk in 0..p {
            h[kk] = g[qr.perm(kk)];
        }
        qr.solve_rt(&mut h);
        qr.apply_qt(&mut f);
        let mut z: Vec<f64> = (0..p).map(|kk| f[kk] - h[kk]).collect();
        qr.solve_r(&mut z);
        for kk in 0..p {
            dc[qr.perm(kk)] = z[kk];
        }
        f[..p].copy_from_slice(&h);
        qr.apply_q(&mut f);
        for (ri, dr) in r.iter_mut().zip(&f) {
            *ri += dr;
        }
        to_b(&dc, &mut db);
        let mut change = 0.0f64;
        for (bj, dj) in b.iter_mut().zip(&db) {
            *bj += dj;
            if bj.abs() > 0.0 {
                change = change.max((dj / *bj).abs());
            } else if dj.abs() > 0.0 {
                change = f64::INFINITY;
            }
        }
        // Refinement converges linearly, so the next correction would be about
        // change²/previous_change: stop once that is below rounding level.
        if sweep > 0
            && (change <= 4.0 * f64::EPSILON
                || (sweep > 1 || change < 1e-9)
                    && change * change <= f64::EPSILON * previous_change)
        {
            break;
        }
        previous_change = if sweep == 0 { 1.0 } else { change };
    }
    // Residuals of the final coefficients, accumulated in extended precision.
    let mut rss = 0.0;
    for i in 0..n {
        let mut acc = Acc::new(y[i]);
        if intercept {
            acc.add(-b[0]);
        }
        for j in 0..k {
            acc.add_prod(-x[j * n + i], b[j + off]);
        }
        let ri = acc.value();
        rss += ri * ri;
    }
    let df = (n - p) as f64;
    let sigma = (rss / df).sqrt();
    // Var(b_j) = σ²·‖R⁻ᵀPᵀt_j‖² with t_j the row j of T⁻¹.
    let mut std_errors = vec![0.0; p];
    let mut t = vec![0.0; p];
    let mut work = vec![0.0; p];
    for (j, se) in std_errors.iter_mut().enumerate() {
        t.fill(0.0);
        if intercept && j == 0 {
            t[0] = 1.0 / root_n;
            for jj in 0..k {
                t[jj + 1] = -mean[jj] / scale[jj];
            }
        } else {
            t[j] = 1.0 / scale[j - off];
        }
        *se = sigma * qr.variance_factor(&t, &mut work).sqrt();
    }
    Ok(LinearSolution {
        coef: b,
        std_errors,
        rss,
        sweeps,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_line_is_recovered() {
        let x: Vec<f64> = (0..10).map(f64::from).collect();
        let y: Vec<f64> = x.iter().map(|v| 3.0 - 2.0 * v).collect();
        let s = least_squares(&x, &[], 10, 1, &y, true).unwrap();
        assert!((s.coef[0] - 3.0).abs() < 1e-14 && (s.coef[1] + 2.0).abs() < 1e-14);
        assert!(s.rss < 1e-25);
    }

    #[test]
    fn collinear_columns_are_rank_deficient() {
        let x1: Vec<f64> = (0..8).map(f64::from).collect();
        let mut x = x1.clone();
        x.extend(x1.iter().map(|v| 2.0 * v + 1.0));
        let y: Vec<f64> = x1.iter().map(|v| v * v).collect();
        assert!(matches!(
            least_squares(&x, &[], 8, 2, &y, true),
            Err(ModelError::RankDeficient { .. })
        ));
        let constant = vec![5.0; 8];
        assert!(matches!(
            least_squares(&constant, &[], 8, 1, &y, true),
            Err(ModelError::RankDeficient { column: 1 })
        ));
    }

    #[test]
    fn too_few_rows() {
        assert!(matches!(
            least_squares(&[1.0, 2.0], &[], 2, 1, &[1.0, 2.0], true),
            Err(ModelError::TooFewRows {
                rows: 2,
                params: 2,
                needed: 3
            })
        ));
    }
}
