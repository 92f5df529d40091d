//! Percentiles of Monte Carlo draws, by selection rather than sorting.

use rayon::prelude::*;

/// p05, p50 and p95 of every cell of a draw-major store. Columns are gathered a
/// block of cells at a time (one cache line per draw), and ranked as integer
/// keys: the bits of a non-negative f32 order like the number.
pub(crate) fn column_quantiles(store: &[f32], cells: usize, draws: usize) -> Vec<[f64; 3]> {
    const BLOCK: usize = 16;
    (0..cells.div_ceil(BLOCK))
        .into_par_iter()
        .flat_map_iter(|b| {
            let c0 = b * BLOCK;
            let width = BLOCK.min(cells - c0);
            let mut columns = vec![0u32; width * draws];
            for d in 0..draws {
                let row = &store[d * cells + c0..d * cells + c0 + width];
                for (k, v) in row.iter().enumerate() {
                    columns[k * draws + d] = (v.max(0.0) + 0.0).to_bits();
                }
            }
            columns
                .chunks_mut(draws)
                .map(quantiles_5_50_95)
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The 5th, 50th and 95th percentiles by linear interpolation between order
/// statistics (type 7), found by selection: the median partitions the values,
/// then each tail is searched only on its side.
fn quantiles_5_50_95(values: &mut [u32]) -> [f64; 3] {
    let n = values.len();
    if n == 1 {
        let v = value(values[0]);
        return [v, v, v];
    }
    let mid = ((n - 1) as f64 * 0.5).floor() as usize;
    values.select_nth_unstable(mid);
    let (left, right) = values.split_at_mut(mid);
    let q50 = interpolate(0, right, 0.5, n);
    let q05 = quantile_in(left, 0, n, 0.05, right);
    let q95 = quantile_in(right, mid, n, 0.95, &mut []);
    [q05, q50, q95]
}

/// Type-7 quantile `p` of `n` values, given `part` holding the order statistics
/// from `offset` on (partitioned: everything before `offset` is smaller); `rest`
/// holds the larger ones after `part`.
fn quantile_in(part: &mut [u32], offset: usize, n: usize, p: f64, rest: &mut [u32]) -> f64 {
    let h = (n - 1) as f64 * p;
    let lo = h.floor() as usize - offset;
    if lo >= part.len() {
        return interpolate(lo - part.len(), rest, p, n);
    }
    part.select_nth_unstable(lo);
    let a = value(part[lo]);
    let b = part[lo + 1..]
        .iter()
        .chain(rest.iter())
        .copied()
        .min()
        .map_or(a, value);
    a + (h - h.floor()) * (b - a)
}

/// The number behind a non-negative f32's bits.
fn value(bits: u32) -> f64 {
    f64::from(f32::from_bits(bits))
}

/// Type-7 quantile where `values[k]` is the lower order statistic, already in
/// place, and everything after it is at least as large.
fn interpolate(k: usize, values: &[u32], p: f64, n: usize) -> f64 {
    let h = (n - 1) as f64 * p;
    let a = value(values[k]);
    let b = values[k + 1..].iter().copied().min().map_or(a, value);
    a + (h - h.floor()) * (b - a)
}

#[cfg(test)]
mod tests {
    use super::quantiles_5_50_95;

    fn reference(values: &[f32], p: f64) -> f64 {
        let mut v: Vec<f64> = values.iter().map(|&x| f64::from(x)).collect();
        v.sort_by(f64::total_cmp);
        let h = (v.len() - 1) as f64 * p;
        let lo = h.floor() as usize;
        let hi = (lo + 1).min(v.len() - 1);
        v[lo] + (h - lo as f64) * (v[hi] - v[lo])
    }

    #[test]
    fn selection_quantiles_match_sorting() {
        let mut state = 12345u64;
        for n in [1usize, 2, 3, 7, 20, 21, 100, 999, 1000] {
            let values: Vec<f32> = (0..n)
                .map(|_| {
                    state = state
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    (state >> 40) as f32 / 1000.0
                })
                .collect();
            let mut keys: Vec<u32> = values.iter().map(|v| v.to_bits()).collect();
            let got = quantiles_5_50_95(&mut keys);
            for (g, p) in got.iter().zip([0.05, 0.5, 0.95]) {
                let want = reference(&values, p);
                assert!(
                    (g - want).abs() <= 1e-9 * want.abs().max(1.0),
                    "n={n} p={p}: {g} vs {want}"
                );
            }
        }
    }
}
