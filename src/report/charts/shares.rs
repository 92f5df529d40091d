//! Importers' shares of WORLD over time: observed calendar years as points,
//! the reference scenario's projected means as lines.

use plotters::prelude::*;

use super::{Chart, YAxis, chart_err, label, reference, series_colour, time_chart, x};
use crate::data::Importer;
use crate::engine::RunResult;
use crate::report::{History, ReportError};

/// The shares chart, or `None` without a WORLD series.
pub(super) fn shares_chart(
    run: &RunResult,
    history: &History,
) -> Result<Option<Chart>, ReportError> {
    let Some(world) = run.outputs.iter().position(|i| *i == Importer::World) else {
        return Ok(None);
    };
    let Some(s) = reference(run) else {
        return Ok(None);
    };
    let n = s.months;
    let others: Vec<usize> = (0..run.outputs.len()).filter(|&o| o != world).collect();
    let share = |o: usize, t: usize| -> Option<f64> {
        let w = s.mean[world * n + t];
        (w > 0.0).then(|| 100.0 * s.mean[o * n + t] / w)
    };
    // Observed yearly shares where the data determine both the importer's and
    // WORLD's total for the year.
    let world_years = history
        .output(world)
        .map(|h| h.years.as_slice())
        .unwrap_or(&[]);
    let observed: Vec<Vec<(f64, f64)>> = others
        .iter()
        .map(|&o| {
            history
                .output(o)
                .map(|h| {
                    h.years
                        .iter()
                        .filter_map(|(y, v)| {
                            let w = world_years.iter().find(|(wy, _)| wy == y)?.1;
                            (w > 0.0).then(|| (f64::from(*y) + 5.5 / 12.0, 100.0 * v / w))
                        })
                        .collect()
                })
                .unwrap_or_default()
        })
        .collect();
    let start = observed
        .iter()
        .flatten()
        .map(|p| p.0)
        .fold(x(run.first_month), f64::min)
        .floor();
    let end = (x(run.first_month.plus(n as i32 - 1)) + 1.0 / 12.0).ceil();
    let top = others
        .iter()
        .flat_map(|&o| (0..n).filter_map(move |t| share(o, t)))
        .chain(observed.iter().flatten().map(|p| p.1))
        .fold(0.0_f64, f64::max)
        .clamp(1.0, 100.0)
        * 1.5;
    let headline = "Shares of WORLD imports of rare-earth magnets from China, %";
    let subtitle = format!(
        "points: observed calendar years ({}); lines: mean of scenario `{}` from {} (groups include their members)",
        if history.series.is_empty() {
            "no data available".to_string()
        } else {
            history.source.clone()
        },
        s.name,
        run.first_month
    );
    let svg = time_chart(
        (headline, &subtitle),
        (start, end),
        top,
        YAxis {
            desc: "share of WORLD",
            width: 60,
            format: &|v| format!("{v:.0}%"),
        },
        |chart| {
            for (k, (&o, obs)) in others.iter().zip(&observed).enumerate() {
                let colour = series_colour(k);
                let line: Vec<(f64, f64)> = (0..n)
                    .filter_map(|t| share(o, t).map(|v| (x(run.first_month.plus(t as i32)), v)))
                    .collect();
                chart
                    .draw_series(LineSeries::new(line, colour.stroke_width(2)))
                    .map_err(chart_err)?
                    .label(label(run.outputs[o]))
                    .legend(move |(px, py)| {
                        PathElement::new(vec![(px, py), (px + 22, py)], colour.stroke_width(3))
                    });
                chart
                    .draw_series(obs.iter().map(|p| Circle::new(*p, 4, colour.filled())))
                    .map_err(chart_err)?;
            }
            Ok(())
        },
    )?;
    Ok(Some(Chart {
        file_name: "shares-of-world.svg".into(),
        title: format!("{headline} — {subtitle}"),
        svg,
    }))
}
