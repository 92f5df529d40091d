//! Dense numerical kernels for the least-squares solvers: Householder QR with
//! column pivoting on a column-major buffer, triangular solves, and compensated
//! ("twice the working precision") dot products for iterative refinement.
//!
//! Written over plain slices rather than ndarray so the hot loops of many small
//! fits neither allocate nor bounds-check through views.

/// Householder QR with column pivoting, `A·P = Q·R`, of an m×n column-major
/// matrix (m ≥ n). The factored buffer holds R on and above the diagonal and the
/// Householder vectors (with implicit leading 1) below it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Qr {
    m: usize,
    n: usize,
    a: Vec<f64>,
    tau: Vec<f64>,
    /// `perm[k]` = original column in position k.
    perm: Vec<usize>,
    norms: Vec<f64>,
}

impl Qr {
    /// Factors `a` (m×n column-major, consumed into the internal buffer). With
    /// `pivot`, the column of largest remaining norm is moved forward at each step,
    /// which makes the diagonal of R reveal the rank.
    pub(crate) fn factor(&mut self, m: usize, n: usize, a: &[f64], pivot: bool) {
        debug_assert!(m >= n && a.len() == m * n);
        self.m = m;
        self.n = n;
        self.a.clear();
        self.a.extend_from_slice(a);
        self.tau.clear();
        self.tau.resize(n, 0.0);
        self.perm.clear();
        self.perm.extend(0..n);
        self.norms.clear();
        self.norms.resize(n, 0.0);
        for k in 0..n {
            if pivot {
                for j in k..n {
                    let col = &self.a[j * m + k..(j + 1) * m];
                    self.norms[j] = col.iter().map(|v| v * v).sum();
                }
                let best = (k..n).fold(k, |b, j| if self.norms[j] > self.norms[b] { j } else { b });
                if best != k {
                    for i in 0..m {
                        self.a.swap(k * m + i, best * m + i);
                    }
                    self.perm.swap(k, best);
                }
            }
            let (head, tail) = self.a.split_at_mut((k + 1) * m);
            let col = &mut head[k * m..];
            let x0 = col[k];
            let sigma: f64 = col[k + 1..].iter().map(|v| v * v).sum();
            if sigma <= 0.0 {
                self.tau[k] = 0.0;
                continue;
            }
            let norm = (x0 * x0 + sigma).sqrt();
            let alpha = if x0 >= 0.0 { -norm } else { norm };
            let v0 = x0 - alpha;
            for v in &mut col[k + 1..] {
                *v /= v0;
            }
            col[k] = alpha;
            let tau = (alpha - x0) / alpha;
            self.tau[k] = tau;
            // Apply H = I − τ·v·vᵀ to the remaining columns.
            for j in 0..n - k - 1 {
                let c = &mut tail[j * m..(j + 1) * m];
                let mut w = c[k];
                for i in k + 1..m {
                    w += col[i] * c[i];
                }
                w *= tau;
                c[k] -= w;
                for i in k + 1..m {
                    c[i] -= w * col[i];
                }
            }
        }
    }

    /// The original column index in pivoted position `k`.
    pub(crate) fn perm(&self, k: usize) -> usize {
        self.perm[k]
    }

    /// R's diagonal entry k (pivoted order).
    pub(crate) fn r_diag(&self, k: usize) -> f64 {
        self.a[k * self.m + k]
    }

    /// Overwrites `b` (length m) with Qᵀ·b.
    pub(crate) fn apply_qt(&self, b: &mut [f64]) {
        let m = self.m;
        for k in 0..self.n {
            self.reflect(k, b, m);
        }
    }

    /// Overwrites `b` (length m) with Q·b.
    pub(crate) fn apply_q(&self, b: &mut [f64]) {
        let m = self.m;
        for k in (0..self.n).rev() {
            self.reflect(k, b, m);
        }
    }

    fn reflect(&self, k: usize, b: &mut [f64], m: usize) {
        let tau = self.tau[k];
        if tau == 0.0 {
            return;
        }
        let v = &self.a[k * m..(k + 1) * m];
        let mut w = b[k];
        for i in k + 1..m {
            w += v[i] * b[i];
        }
        w *= tau;
        b[k] -= w;
        for i in k + 1..m {
            b[i] -= w * v[i];
        }
    }

    /// Solves R·z = `rhs` in place (pivoted order, first n entries).
    pub(crate) fn solve_r(&self, rhs: &mut [f64]) {
        let m = self.m;
        for k in (0..self.n).rev() {
            let mut s = rhs[k];
            for (j, v) in rhs.iter().enumerate().take(self.n).skip(k + 1) {
                s -= self.a[j * m + k] * v;
            }
            rhs[k] = s / self.a[k * m + k];
        }
    }

    /// Solves Rᵀ·z = `rhs` in place (pivoted order, first n entries).
    pub(crate) fn solve_rt(&self, rhs: &mut [f64]) {
        let m = self.m;
        for k in 0..self.n {
            let col = &self.a[k * m..k * m + k];
            let mut s = rhs[k];
            for (a, v) in col.iter().zip(&rhs[..k]) {
                s -= a * v;
            }
            rhs[k] = s / self.a[k * m + k];
        }
    }

    /// ‖R⁻ᵀ·Pᵀ·t‖² for a vector `t` in original column order: the variance factor
    /// of the linear combination tᵀ·c of the least-squares coefficients c, since
    /// Cov(c) = σ²·P·(RᵀR)⁻¹·Pᵀ. `work` must hold n entries.
    pub(crate) fn variance_factor(&self, t: &[f64], work: &mut [f64]) -> f64 {
        for k in 0..self.n {
            work[k] = t[self.perm[k]];
        }
        self.solve_rt(&mut work[..self.n]);
        work[..self.n].iter().map(|v| v * v).sum()
    }

    /// Smallest |R_kk| / |R_00|, a cheap lower bound on the reciprocal condition
    /// of the (pivoted) factor, and its position.
    pub(crate) fn min_diag_ratio(&self) -> (f64, usize) {
        let r0 = self.r_diag(0).abs();
        let mut worst = (f64::INFINITY, 0);
        for k in 0..self.n {
            let ratio = if r0 > 0.0 {
                self.r_diag(k).abs() / r0
            } else {
                0.0
            };
            if ratio.is_nan() || ratio < worst.0 {
                worst = (ratio, k);
            }
        }
        worst
    }
}

/// a·b as an unevaluated sum p + e exactly (Dekker's product with Veltkamp
/// splitting: exact without hardware FMA).
#[inline]
pub(crate) fn two_prod(a: f64, b: f64) -> (f64, f64) {
    const SPLIT: f64 = 134_217_729.0; // 2^27 + 1
    let p = a * b;
    let ca = SPLIT * a;
    let ah = ca - (ca - a);
    let al = a - ah;
    let cb = SPLIT * b;
    let bh = cb - (cb - b);
    let bl = b - bh;
    let e = ((ah * bh - p) + ah * bl + al * bh) + al * bl;
    (p, e)
}

/// a + b as an unevaluated sum s + e exactly (Knuth's TwoSum).
#[inline]
fn two_sum(a: f64, b: f64) -> (f64, f64) {
    let s = a + b;
    let bb = s - a;
    let e = (a - (s - bb)) + (b - bb);
    (s, e)
}

/// A sum accumulated in twice the working precision (Ogita–Rump–Oishi Dot2),
/// for residuals that must be more accurate than the solution they correct.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Acc {
    s: f64,
    c: f64,
}

impl Acc {
    /// Starts at `v`.
    #[inline]
    pub(crate) fn new(v: f64) -> Acc {
        Acc { s: v, c: 0.0 }
    }

    /// Adds `v`.
    #[inline]
    pub(crate) fn add(&mut self, v: f64) {
        let (s, e) = two_sum(self.s, v);
        self.s = s;
        self.c += e;
    }

    /// Adds `a·b`.
    #[inline]
    pub(crate) fn add_prod(&mut self, a: f64, b: f64) {
        let (p, ep) = two_prod(a, b);
        let (s, es) = two_sum(self.s, p);
        self.s = s;
        self.c += ep + es;
    }

    /// The sum rounded to working precision.
    #[inline]
    pub(crate) fn value(self) -> f64 {
        self.s + self.c
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qr_solves_small_system_with_pivoting() {
        // Columns: [1,1,1,1], [1,2,3,4]; y = 2 + 3x exactly.
        let a = [1.0, 1.0, 1.0, 1.0, 1.0, 2.0, 3.0, 4.0];
        let mut qr = Qr::default();
        qr.factor(4, 2, &a, true);
        let mut b = vec![5.0, 8.0, 11.0, 14.0];
        qr.apply_qt(&mut b);
        qr.solve_r(&mut b[..2]);
        let mut x = [0.0; 2];
        for k in 0..2 {
            x[qr.perm(k)] = b[k];
        }
        assert!((x[0] - 2.0).abs() < 1e-13 && (x[1] - 3.0).abs() < 1e-13);
        // Q·Qᵀ·v = v
        let mut v = vec![1.0, -2.0, 0.5, 3.0];
        qr.apply_qt(&mut v);
        qr.apply_q(&mut v);
        assert!((v[1] + 2.0).abs() < 1e-14);
    }

    #[test]
    fn compensated_sum_keeps_small_terms() {
        let mut acc = Acc::new(1e16);
        acc.add(1.0);
        acc.add(-1e16);
        assert!((acc.value() - 1.0).abs() < 1e-12);
        let mut acc = Acc::default();
        acc.add_prod(1.0 + 2f64.powi(-30), 1.0 - 2f64.powi(-30));
        acc.add(-1.0);
        assert!((acc.value() + 2f64.powi(-60)).abs() < 1e-30);
    }
}
