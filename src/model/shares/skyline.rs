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
    /// A zero matrix whose row `i` spans at least columns `first[i]..=i`
    /// (`first[i] ≤ i`). The envelope is widened so that `first` never
    /// decreases: then the rows below `i` that reach column `i` are contiguous,
    /// which the selected inverse relies on.
    pub(crate) fn new(mut first: Vec<usize>) -> Self {
        for i in (0..first.len().saturating_sub(1)).rev() {
            first[i] = first[i].min(first[i + 1]);
        }
        let mut offset = Vec::with_capacity(first.len() + 1);
        let mut total = 0;
        for (i, f) in first.iter().enumerate() {
            debug_assert!(*f <= i);
            offset.push(total);
            total += i - f + 1;
        }
        offset.push(total);
        Skyline {
            first,
            offset,
            data: vec![0.0; total],
        }
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

    /// Row `i` from column `j` to the diagonal, for adding to in place; panics
    /// when column `j` is outside the envelope.
    pub(crate) fn row_from_mut(&mut self, i: usize, j: usize) -> &mut [f64] {
        assert!(j >= self.first[i] && j <= i, "entry outside the envelope");
        &mut self.data[self.offset[i] + j - self.first[i]..self.offset[i + 1]]
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
            let (before, rest) = l.data.split_at_mut(l.offset[i]);
            let row_i = &mut rest[..i - fi + 1];
            for j in fi..i {
                let fj = l.first[j];
                let lo = fi.max(fj);
                let row_j = &before[l.offset[j]..l.offset[j + 1]];
                let s = row_i[j - fi] - dot(&row_i[lo - fi..j - fi], &row_j[lo - fj..j - fj]);
                row_i[j - fi] = s / row_j[j - fj];
            }
            let s = row_i[i - fi] - dot(&row_i[..i - fi], &row_i[..i - fi]);
            if !(s > 0.0 && s.is_finite()) {
                return None;
            }
            row_i[i - fi] = s.sqrt();
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
    /// the last row upwards. The rows k > i with L_ki ≠ 0 are i+1..=m with
    /// first[k] ≤ i (first never decreases), so every Σ_kj the sum needs lies
    /// inside the envelope, and in contiguous pieces of rows j and k.
    pub(crate) fn selected_inverse(&self) -> Skyline {
        let n = self.n();
        let mut sigma = Skyline::new(self.first.clone());
        let mut m = n;
        for i in (0..n).rev() {
            while m > i + 1 && self.first[m - 1] > i {
                m -= 1;
            }
            // rows i+1..m reach column i; col[k - i - 1] = L_ki
            let col: Vec<f64> = (i + 1..m)
                .map(|k| self.data[self.offset[k] + i - self.first[k]])
                .collect();
            let mut s = vec![0.0; col.len()];
            for (a, k) in (i + 1..m).enumerate() {
                let row_k =
                    &sigma.data[sigma.offset[k] + i + 1 - self.first[k]..sigma.offset[k + 1]];
                // k ≤ j part for j = k: Σ_{k' ≤ k} L_k'i Σ_kk'; k > j part: Σ_kj for j < k
                s[a] += dot(&col[..=a], row_k);
                s[..a]
                    .iter_mut()
                    .zip(&row_k[..a])
                    .for_each(|(s, r)| *s += col[a] * r);
            }
            let lii = self.data[self.offset[i] + i - self.first[i]];
            for (a, k) in (i + 1..m).enumerate() {
                sigma.data[sigma.offset[k] + i - self.first[k]] = -s[a] / lii;
            }
            let d = dot(&col, &s) / lii;
            sigma.data[sigma.offset[i] + i - self.first[i]] = (1.0 / lii + d) / lii;
        }
        sigma
    }
}

/// Dot product with four accumulators, so the compiler can vectorise it.
fn dot(a: &[f64], b: &[f64]) -> f64 {
    let mut acc = [0.0; 4];
    for (x, y) in a.chunks_exact(4).zip(b.chunks_exact(4)) {
        for q in 0..4 {
            acc[q] += x[q] * y[q];
        }
    }
    let tail = a.len() / 4 * 4;
    let rest: f64 = a[tail..].iter().zip(&b[tail..]).map(|(x, y)| x * y).sum();
    acc[0] + acc[1] + acc[2] + acc[3] + rest
}

#[cfg(test)]
mod tests {
    // dense reference arithmetic reads best with explicit indices
    #![allow(clippy::needless_range_loop)]
    use super::*;

    /// An SPD matrix on a ragged envelope (diagonally dominant), and its dense form.
    fn example(first: &[usize]) -> (Skyline, Vec<Vec<f64>>) {
        let n = first.len();
        let mut a = Skyline::new(first.to_vec());
        let mut dense = vec![vec![0.0; n]; n];
        for (i, &fi) in first.iter().enumerate() {
            for j in fi..=i {
                let v = if i == j {
                    n as f64 + i as f64
                } else {
                    1.0 / (1.0 + (i + 2 * j) as f64)
                };
                a.add(i, j, v);
                dense[i][j] = v;
                dense[j][i] = v;
            }
        }
        (a, dense)
    }

    const SMALL: [usize; 5] = [0, 0, 1, 0, 2];
    const RAGGED: [usize; 12] = [0, 0, 1, 1, 2, 2, 5, 3, 6, 8, 8, 10];

    #[test]
    fn solve_matches_the_dense_product() {
        for first in [&SMALL[..], &RAGGED[..]] {
            let (a, dense) = example(first);
            let l = a.cholesky().unwrap();
            let b: Vec<f64> = (0..first.len()).map(|i| (i as f64 * 1.7).sin()).collect();
            let x = l.solve(&b);
            for i in 0..first.len() {
                let ax: f64 = (0..first.len()).map(|j| dense[i][j] * x[j]).sum();
                assert!((ax - b[i]).abs() < 1e-12, "row {i}: {ax} vs {}", b[i]);
            }
        }
    }

    #[test]
    fn selected_inverse_matches_solved_columns_and_log_det() {
        for first in [&SMALL[..], &RAGGED[..]] {
            let n = first.len();
            let (a, dense) = example(first);
            let l = a.cholesky().unwrap();
            let sigma = l.selected_inverse();
            let mut checked = 0;
            for j in 0..n {
                let mut e = vec![0.0; n];
                e[j] = 1.0;
                let col = l.solve(&e);
                for (i, ci) in col.iter().enumerate() {
                    if a.index(i, j).is_some() {
                        assert!((sigma.get(i, j) - ci).abs() < 1e-12, "({i},{j})");
                        checked += 1;
                    }
                }
            }
            assert!(checked > 2 * n);
            // log det by elimination on the dense copy
            let mut m = dense.clone();
            let mut log_det = 0.0;
            for p in 0..n {
                log_det += m[p][p].ln();
                for r in p + 1..n {
                    let f = m[r][p] / m[p][p];
                    for c in p..n {
                        m[r][c] -= f * m[p][c];
                    }
                }
            }
            assert!((l.log_det() - log_det).abs() < 1e-10);
        }
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
