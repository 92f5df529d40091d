//! The baseline paths every scenario of a run draws on (common random numbers:
//! differences between scenarios are not sampling noise), on the layout's units.

use rayon::prelude::*;

use super::layout::Layout;
use crate::forecast::PathSampler;

/// Baseline paths on the layout's units: `[path][unit][month]`.
pub(super) struct BaselinePaths {
    units: usize,
    months: usize,
    paths: Vec<f64>,
    /// Paths drawn.
    pub(super) count: usize,
    mean: Vec<f64>,
}

impl BaselinePaths {
    pub(super) fn draw(sampler: &PathSampler<'_>, layout: &Layout, count: usize) -> BaselinePaths {
        let months = sampler.n_months();
        let series = sampler.importers().len();
        let units = layout.units.len();
        let mut paths = vec![0.0; count * units * months];
        paths
            .par_chunks_mut(units * months)
            .enumerate()
            .for_each_init(
                || vec![0.0; series * months],
                |raw, (d, dst)| {
                    sampler.sample(d as u64, raw);
                    for (u, (add, sub)) in layout.base_from.iter().enumerate() {
                        for t in 0..months {
                            let v = raw[add * months + t]
                                - sub.iter().map(|s| raw[s * months + t]).sum::<f64>();
                            dst[u * months + t] = v.max(0.0);
                        }
                    }
                },
            );
        let mut mean = vec![0.0; units * months];
        for path in paths.chunks(units * months) {
            for (m, v) in mean.iter_mut().zip(path) {
                *m += v;
            }
        }
        for m in &mut mean {
            *m /= count as f64;
        }
        BaselinePaths {
            units,
            months,
            paths,
            count,
            mean,
        }
    }

    /// A digest of every path's bits, in path order: two runs whose baseline
    /// paths agree in it drew them from the same data, models and seed.
    pub(super) fn digest(&self) -> u64 {
        let head = [self.units, self.months, self.count].map(|n| n as u64);
        head.into_iter()
            .chain(self.paths.iter().map(|v| v.to_bits()))
            .fold(0, super::run::mix)
    }

    /// Path `d` (or the mean) for `months` months: the stored path itself when
    /// it has exactly that many, else a truncated copy in `buf`.
    pub(super) fn path<'a>(
        &'a self,
        d: Option<usize>,
        months: usize,
        buf: &'a mut Vec<f64>,
    ) -> &'a [f64] {
        let size = self.units * self.months;
        let src = match d {
            Some(d) => &self.paths[(d % self.count) * size..][..size],
            None => &self.mean[..],
        };
        if months == self.months {
            return src;
        }
        buf.clear();
        for u in 0..self.units {
            buf.extend_from_slice(&src[u * self.months..u * self.months + months]);
        }
        buf
    }
}

/// The mean path for `months` months, as its own vector.
pub(super) fn truncated_mean(base: &BaselinePaths, months: i32) -> Vec<f64> {
    let mut buf = Vec::new();
    base.path(None, months.max(0) as usize, &mut buf).to_vec()
}
