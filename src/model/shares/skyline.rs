//! Symmetric positive-definite matrices stored by their envelope (a "skyline":
//! row `i` keeps columns `first[i]..=i`), with a Cholesky factorisation, solves,
//! the log-determinant and the selected inverse (Takahashi's recursion) on the
//! same envelope.
//!
//! The share model's Hessian has this shape when the unknowns are ordered
//! month-major: the random walk couples a month with the previous one, and an
//! observation couples all units over the months of its span, so row `i`
//! reaches back only to the first month of the earliest span that touches it.
//! The Cholesky factor fills in only inside the envelope, so the factorisation
//! costs Σ_i w_i² for row widths w_i instead of n³.

/// A symmetric matrix stored by the lower half of its envelope.
#[derive(Debug, Clone)]
pub(crate) struct Skyline {
    first: Vec<usize>,
    offset: Vec<usize>,
    data: Vec<f64>,
}

impl Skyline {
    /// A zero matrix whose row `i` spans columns `first[i]..=i` (`first[i] ≤ i`).
    pub(crate) fn new(first: Vec<usize>) -> Self {
        let mut offset = Vec::with_capacity(first.len() + 1);
        let mut total = 0;
        for (i, f) in first.iter().enumerate() {
            debug_assert!(*f <= i);
            offset.push(total);
            total += i - f + 1;
        }
        offset.push(total);
        Skyline { first, offset, data: vec![0.0; total] }
    }

    /// The order of the matrix.
    pub(crate) fn n(&self) -> usize {
        self.first.len()
    }

    /// Sets every stored entry to zero, keeping the envelope.
    pub(crate) fn clear(&mut self) {
        self.data.iter_mut().for_each(|v| *v = 0.0);
    }

    fn index(&self, i: usize, j: usize) -> Option<usize> {
        let (i, j) = if i >= j { (i, j) } else { (j, i) };
        (j >= self.first[i]).then(|| self.offset[i] + j - self.first[i])
    }

    /// Adds `v` to entry (i, j) (and so to (j, i)). Panics outside the envelope,
    /// which would be a bug in the envelope computed by the caller.
    pub(crate) fn add(&mut self, i: usize, j: usize, v: f64) {
        let k = self.index(i, j).expect("entry outside the envelope");
        self.data[k] += v;
    }

    /// Entry (i, j); zero outside the envelope.
    pub(crate) fn get(&self, i: usize, j: usize) -> f64 {
        self.index(i, j).map_or(0.0, |k| self.data[k])
    }

    fn row(&self, i: usize) -> &[f64] {
        &self.data[self.offset[i]..self.offset[i + 1]]
    }

    /// The lower Cholesky factor L (A = L Lᵀ) on the same envelope, or `None`
    /// when the matrix is not numerically positive definite.
    pub(crate) fn cholesky(&self) -> Option<Skyline> {
        let mut l = self.clone();
        for i in 0..l.n() {
            let fi = l.first[i];
            for j in fi..=i {
                let fj = l.first[j];
                let lo = fi.max(fj);
                let (ri, rj) = (l.offset[i], l.offset[j]);
                let dot: f64 = (lo..j)
                    .map(|k| l.data[ri + k - fi] * l.data[rj + k - fj])
                    .sum();
                let s = l.data[ri + j - fi] - dot;
                if j < i {
                    l.data[ri + j - fi] = s / l.data[rj + j - fj];
                } else if s > 0.0 && s.is_finite() {
                    l.data[ri + j - fi] = s.sqrt();
                } else {
                    return None;
                }
            }
        }
        Some(l)
    }

    /// Solves L Lᵀ x = b, `self` being the factor L.
    pub(crate) fn solve(&self, b: &[f64]) -> Vec<f64> {
        let mut x = b.to_vec();
        for i in 0..self.n() {
            let (fi, row) = (self.first[i], self.row(i));
            let dot: f64 = (fi..i).map(|k| row[k - fi] * x[k]).sum();
            x[i] = (x[i] - dot) / row[i - fi];
        }
        for i in (0..self.n()).rev() {
            let (fi, row) = (self.first[i], self.row(i));
            x[i] /= row[i - fi];
            for k in fi..i {
                x[k] -= row[k - fi] * x[i];
            }
        }
        x
    }

    /// log det(L Lᵀ), `self` being the factor L.
    pub(crate) fn log_det(&self) -> f64 {
        (0..self.n()).map(|i| 2.0 * self.get(i, i).ln()).sum()
    }

    /// The entries of (L Lᵀ)⁻¹ inside the envelope, `self` being the factor L:
    /// for j ≥ i, Σ_ij = (δ_ij / L_ii − Σ_{k>i} L_ki Σ_kj) / L_ii, computed from
    /// the last row upwards. The rows k > i with L_ki ≠ 0 all have first[k] ≤ i,
    /// so every Σ_kj the sum needs lies inside the envelope too.
    pub(crate) fn selected_inverse(&self) -> Skyline {
        let n = self.n();
        let mut below: Vec<Vec<usize>> = vec![Vec::new(); n];
        for k in 0..n {
            for i in self.first[k]..k {
                below[i].push(k);
            }
        }
        let mut sigma = Skyline::new(self.first.clone());
        for i in (0..n).rev() {
            let lii = self.get(i, i);
            let col: Vec<(usize, f64)> = below[i].iter().map(|&k| (k, self.get(k, i))).collect();
            for &j in below[i].iter().rev() {
                let s: f64 = col.iter().map(|&(k, lki)| lki * sigma.get(k, j)).sum();
                sigma.add(j, i, -s / lii);
            }
            let s: f64 = col.iter().map(|&(k, lki)| lki * sigma.get(k, i)).sum();
            sigma.add(i, i, (1.0 / lii - s) / lii);
        }
        sigma
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 5×5 SPD matrix with a ragged envelope, and its dense form.
    fn example() -> (Skyline, Vec<Vec<f64>>) {
        let first = vec![0, 0, 1, 0, 2];
        let mut a = Skyline::new(first.clone());
        let mut dense = vec![vec![0.0; 5]; 5];
        for (i, &fi) in first.iter().enumerate() {
            for j in fi..=i {
                let v = if i == j { 6.0 + i as f64 } else { 1.0 / (1.0 + (i + 2 * j) as f64) };
                a.add(i, j, v);
                dense[i][j] = v;
                dense[j][i] = v;
            }
        }
        (a, dense)
    }

    #[test]
    fn solve_matches_the_dense_product() {
        let (a, dense) = example();
        let l = a.cholesky().unwrap();
        let b = [1.0, -2.0, 0.5, 3.0, -1.0];
        let x = l.solve(&b);
        for i in 0..5 {
            let ax: f64 = (0..5).map(|j| dense[i][j] * x[j]).sum();
            assert!((ax - b[i]).abs() < 1e-12, "row {i}: {ax} vs {}", b[i]);
        }
    }

    #[test]
    fn selected_inverse_matches_solved_columns_and_log_det() {
        let (a, dense) = example();
        let l = a.cholesky().unwrap();
        let sigma = l.selected_inverse();
        for j in 0..5 {
            let mut e = [0.0; 5];
            e[j] = 1.0;
            let col = l.solve(&e);
            for (i, ci) in col.iter().enumerate() {
                if a.index(i, j).is_some() {
                    assert!((sigma.get(i, j) - ci).abs() < 1e-12, "({i},{j})");
                }
            }
        }
        // log det by elimination on the dense copy
        let mut m = dense.clone();
        let mut log_det = 0.0;
        for p in 0..5 {
            log_det += m[p][p].ln();
            for r in p + 1..5 {
                let f = m[r][p] / m[p][p];
                for c in p..5 {
                    m[r][c] -= f * m[p][c];
                }
            }
        }
        assert!((l.log_det() - log_det).abs() < 1e-12);
    }

    #[test]
    fn indefinite_matrix_is_refused() {
        let mut a = Skyline::new(vec![0, 0]);
        a.add(0, 0, 1.0);
        a.add(1, 0, 2.0);
        a.add(1, 1, 1.0);
        assert!(a.cholesky().is_none());
    }
}
