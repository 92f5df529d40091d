//! Fan chart of one series: observed history as points, each scenario's mean
//! as a line with its p05-p95 band.

use plotters::prelude::*;

use super::{Chart, YAxis, axis_top, chart_err, draws_note, label, scenario_colour, time_chart, x};
use crate::engine::RunResult;
use crate::report::{History, ReportError, thousands};

/// Years of history shown before the projection.
const HISTORY_YEARS: i32 = 7;

/// The fan chart of output `o`.
pub(super) fn fan_chart(
    run: &RunResult,
    history: &History,
    o: usize,
) -> Result<Chart, ReportError> {
    let importer = run.outputs[o];
    let name = label(importer);
    let months = run.scenarios.iter().map(|s| s.months).max().unwrap_or(0);
    let last = run.first_month.plus(months as i32 - 1);
    let window = run.first_month.plus(-12 * HISTORY_YEARS);
    let observed = history.output(o);
    let points: Vec<(f64, f64)> = observed
        .map(|h| {
            h.months
                .iter()
                .filter(|(m, _)| *m >= window)
                .map(|(m, v)| (x(*m), *v))
                .collect()
        })
        .unwrap_or_default();
    let averages: Vec<(f64, f64)> = observed
        .map(|h| {
            h.years_without_months()
                .filter(|(y, _)| *y >= window.year())
                .map(|(y, v)| (f64::from(y) + 5.5 / 12.0, v / 12.0))
                .collect()
        })
        .unwrap_or_default();
    let start = points
        .iter()
        .chain(&averages)
        .map(|p| p.0)
        .fold(x(run.first_month), f64::min)
        .floor();
    let end = (x(last) + 1.0 / 12.0).ceil();
    let top = axis_top(
        run.scenarios
            .iter()
            .flat_map(|s| s.p95[o * s.months..(o + 1) * s.months].iter())
            .chain(points.iter().chain(&averages).map(|p| &p.1))
            .fold(0.0_f64, |a, &b| a.max(b)),
    );

    let source = if history.series.is_empty() {
        "no observed history (data not available)".to_string()
    } else {
        format!("observed: {}", history.source)
    };
    let headline = format!("{name}: imports of rare-earth magnets from China, t/month");
    let subtitle = format!(
        "{source}; projections by scenario from {}: mean and p05–p95 band ({})",
        run.first_month,
        draws_note(run)
    );
    let svg = time_chart(
        (&headline, &subtitle),
        (start, end),
        top,
        YAxis {
            desc: "t per month",
            width: 80,
            format: &|v| thousands(*v, 0),
        },
        |chart| {
            // The start of the projection.
            let x0 = x(run.first_month);
            chart
                .draw_series(DashedLineSeries::new(
                    [(x0, 0.0), (x0, top)],
                    4,
                    4,
                    RGBColor(150, 150, 150).stroke_width(1),
                ))
                .map_err(chart_err)?;
            for (i, s) in run.scenarios.iter().enumerate() {
                let colour = scenario_colour(run, i);
                let range = o * s.months..(o + 1) * s.months;
                let at = |t: usize| x(run.first_month.plus(t as i32));
                let mut band: Vec<(f64, f64)> = s.p95[range.clone()]
                    .iter()
                    .enumerate()
                    .map(|(t, v)| (at(t), *v))
                    .collect();
                band.extend(
                    s.p05[range.clone()]
                        .iter()
                        .enumerate()
                        .rev()
                        .map(|(t, v)| (at(t), *v)),
                );
                chart
                    .draw_series(std::iter::once(Polygon::new(band, colour.mix(0.08))))
                    .map_err(chart_err)?;
            }
            for (i, s) in run.scenarios.iter().enumerate() {
                let colour = scenario_colour(run, i);
                let line: Vec<(f64, f64)> = s.mean[o * s.months..(o + 1) * s.months]
                    .iter()
                    .enumerate()
                    .map(|(t, v)| (x(run.first_month.plus(t as i32)), *v))
                    .collect();
                chart
                    .draw_series(LineSeries::new(line, colour.stroke_width(2)))
                    .map_err(chart_err)?
                    .label(s.name.clone())
                    .legend(move |(px, py)| {
                        PathElement::new(vec![(px, py), (px + 22, py)], colour.stroke_width(3))
                    });
            }
            if !points.is_empty() {
                chart
                    .draw_series(points.iter().map(|p| Circle::new(*p, 3, BLACK.filled())))
                    .map_err(chart_err)?
                    .label("observed month")
                    .legend(|(px, py)| Circle::new((px + 11, py), 3, BLACK.filled()));
            }
            if !averages.is_empty() {
                chart
                    .draw_series(
                        averages
                            .iter()
                            .map(|p| TriangleMarker::new(*p, 5, BLACK.stroke_width(1))),
                    )
                    .map_err(chart_err)?
                    .label("observed year ÷ 12 (monthly average)")
                    .legend(|(px, py)| {
                        TriangleMarker::new((px + 11, py), 5, BLACK.stroke_width(1))
                    });
            }
            Ok(())
        },
    )?;
    Ok(Chart {
        file_name: format!("fan-{}.svg", importer.code()),
        title: format!("{headline} — {subtitle}"),
        svg,
    })
}
