//! Charts of a run as SVG strings (plotters' SVG backend, no fonts or system
//! libraries needed): a fan chart per major importer, a scenario comparison of
//! yearly totals, and importers' shares of WORLD.

mod compare;
mod fan;
mod history;
mod shares;

use plotters::prelude::*;

pub use history::{History, ObservedSeries, history};

use super::ReportError;
use crate::data::{Importer, Month};
use crate::engine::{RunResult, ScenarioResult};

/// One rendered chart.
#[derive(Debug, Clone)]
pub struct Chart {
    /// File name under `OUT/charts/`, e.g. `fan-WORLD.svg`.
    pub file_name: String,
    /// What the chart shows and where the figures come from.
    pub title: String,
    /// The SVG document.
    pub svg: String,
}

/// Countries and groups shown beside WORLD in the per-importer charts.
pub const MAJOR_IMPORTERS: usize = 5;

/// Every chart of a run: fan charts for WORLD and the major importers, the
/// scenario comparison and the shares of WORLD, in that order.
///
/// # Errors
/// [`ReportError::Chart`] if plotters fails to draw.
pub fn charts(run: &RunResult, history: &History) -> Result<Vec<Chart>, ReportError> {
    let mut out = Vec::new();
    if run.scenarios.is_empty() {
        return Ok(out);
    }
    let majors = major_outputs(run, MAJOR_IMPORTERS);
    for &o in &majors {
        out.push(fan::fan_chart(run, history, o)?);
    }
    if !majors.is_empty() {
        out.push(compare::compare_chart(run, &majors)?);
    }
    if let Some(chart) = shares::shares_chart(run, history)? {
        out.push(chart);
    }
    Ok(out)
}

/// The scenario the other charts compare against: the one called `baseline`,
/// else the first.
pub(crate) fn reference(run: &RunResult) -> Option<&ScenarioResult> {
    run.scenarios
        .iter()
        .find(|s| s.name == "baseline")
        .or_else(|| run.scenarios.first())
}

/// WORLD (if present) then the `n` largest other series except ROW, by mean
/// baseline over the projection; ties keep output order.
pub(crate) fn major_outputs(run: &RunResult, n: usize) -> Vec<usize> {
    let Some(s) = reference(run) else {
        return Vec::new();
    };
    let world = run.outputs.iter().position(|i| *i == Importer::World);
    let mut others: Vec<(usize, f64)> = run
        .outputs
        .iter()
        .enumerate()
        .filter(|(_, i)| !matches!(i, Importer::World | Importer::RestOfWorld))
        .map(|(o, _)| (o, mean(&s.baseline[o * s.months..(o + 1) * s.months])))
        .collect();
    others.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    world
        .into_iter()
        .chain(others.into_iter().take(n).map(|(o, _)| o))
        .collect()
}

/// How a series is named for people: `Germany (DEU)`, `WORLD`.
pub(crate) fn label(importer: Importer) -> String {
    match importer {
        Importer::World => "WORLD".into(),
        other => format!("{} ({})", other.name(), other.code()),
    }
}

/// Calendar years of the projection with the range of month indexes each
/// covers: `(year, start..end)`.
pub(crate) fn years(first: Month, months: usize) -> Vec<(i32, std::ops::Range<usize>)> {
    let mut out: Vec<(i32, std::ops::Range<usize>)> = Vec::new();
    for t in 0..months {
        let y = first.plus(t as i32).year();
        match out.last_mut() {
            Some((yy, r)) if *yy == y => r.end = t + 1,
            _ => out.push((y, t..t + 1)),
        }
    }
    out
}

/// The top of a y axis from 0 that holds values up to `max`, with 8 % room
/// above. Plotters' tick search never ends on an infinite range (it divides
/// the span by a scale that is itself infinite), so a top that overflows, as
/// observed flows near `f64::MAX` make it, is held at the largest finite value.
fn axis_top(max: f64) -> f64 {
    let top = max.max(1.0) * 1.08;
    if top.is_finite() { top } else { f64::MAX }
}

fn mean(v: &[f64]) -> f64 {
    if v.is_empty() {
        0.0
    } else {
        v.iter().sum::<f64>() / v.len() as f64
    }
}

/// A month's position on a time axis, in fractional years.
fn x(m: Month) -> f64 {
    f64::from(m.year()) + f64::from(m.month() - 1) / 12.0
}

/// Year labels on a fractional-year axis: whole years only.
fn year_label(v: &f64) -> String {
    let r = v.round();
    if (v - r).abs() < 1e-6 {
        format!("{r:.0}")
    } else {
        String::new()
    }
}

/// Distinct colours (Tableau 10 without grey); the scenario called `baseline`
/// is drawn in black.
const PALETTE: [RGBColor; 9] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
];

/// The colour of scenario `index` among `run`'s scenarios.
fn scenario_colour(run: &RunResult, index: usize) -> RGBColor {
    if run.scenarios[index].name == "baseline" {
        return BLACK;
    }
    let before = run.scenarios[..index]
        .iter()
        .filter(|s| s.name != "baseline")
        .count();
    PALETTE[before % PALETTE.len()]
}

/// The colour of the `i`-th of several series that are not scenarios: the
/// palette, then grey and darker shades of it.
fn series_colour(i: usize) -> RGBColor {
    let n = PALETTE.len() + 1;
    let base = match i % n {
        k if k < PALETTE.len() => PALETTE[k],
        _ => RGBColor(110, 110, 110),
    };
    let shade = 0.6_f64.powi((i / n) as i32);
    let dim = |c: u8| (f64::from(c) * shade).round() as u8;
    RGBColor(dim(base.0), dim(base.1), dim(base.2))
}

/// Plotters' errors as report errors.
fn chart_err<E: std::fmt::Display>(e: E) -> ReportError {
    ReportError::Chart(e.to_string())
}

/// Width and height of every chart, pixels.
const SIZE: (u32, u32) = (1000, 620);
/// Height of the title block above each chart.
const TITLE_HEIGHT: u32 = 64;

/// Draws a two-line title (bold headline, smaller source line) on `area`.
fn draw_title<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    headline: &str,
    source: &str,
) -> Result<(), ReportError> {
    let big = ("sans-serif", 20).into_font().style(FontStyle::Bold);
    area.draw(&Text::new(headline.to_string(), (14, 10), big))
        .map_err(chart_err)?;
    let small = ("sans-serif", 13).into_font().color(&RGBColor(80, 80, 80));
    area.draw(&Text::new(source.to_string(), (14, 38), small))
        .map_err(chart_err)?;
    Ok(())
}

/// The drawing area of a chart over time: x in fractional years, y from 0.
pub(super) type TimeChart<'a, 'b> = ChartContext<
    'a,
    SVGBackend<'b>,
    Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
>;

/// How a time chart labels its y axis.
pub(super) struct YAxis<'a> {
    /// The axis title.
    pub(super) desc: &'a str,
    /// Room for the tick labels, pixels.
    pub(super) width: u32,
    /// Tick label text.
    pub(super) format: &'a dyn Fn(&f64) -> String,
}

/// A chart over time with the shared look: the two-line title, year ticks from
/// `start` to `end` (fractional years), y from 0 to `top`, light grid, and the
/// legend in the upper left. `draw` adds the series; returns the SVG text.
pub(super) fn time_chart(
    title: (&str, &str),
    (start, end): (f64, f64),
    top: f64,
    y: YAxis<'_>,
    draw: impl FnOnce(&mut TimeChart<'_, '_>) -> Result<(), ReportError>,
) -> Result<String, ReportError> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(chart_err)?;
        let (head, body) = root.split_vertically(TITLE_HEIGHT);
        draw_title(&head, title.0, title.1)?;
        let mut chart = ChartBuilder::on(&body)
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(y.width)
            .build_cartesian_2d(start..end, 0.0..top)
            .map_err(chart_err)?;
        chart
            .configure_mesh()
            .x_labels(((end - start) as usize + 1).min(30))
            .x_label_formatter(&year_label)
            .y_label_formatter(y.format)
            .y_desc(y.desc)
            .max_light_lines(1)
            .light_line_style(RGBColor(246, 246, 246))
            .label_style(("sans-serif", 14))
            .draw()
            .map_err(chart_err)?;
        draw(&mut chart)?;
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .background_style(WHITE.mix(0.85))
            .border_style(RGBColor(180, 180, 180))
            .label_font(("sans-serif", 13))
            .draw()
            .map_err(chart_err)?;
        root.present().map_err(chart_err)?;
    }
    Ok(svg)
}

/// "seed 42, 1,000 draws" or "seed 42, 1 to 1,000 draws".
fn draws_note(run: &RunResult) -> String {
    let lo = run.scenarios.iter().map(|s| s.draws).min().unwrap_or(0);
    let hi = run.scenarios.iter().map(|s| s.draws).max().unwrap_or(0);
    let draws = if lo == hi {
        format!("{} draws", super::thousands(hi as f64, 0))
    } else {
        format!(
            "{} to {} draws",
            super::thousands(lo as f64, 0),
            super::thousands(hi as f64, 0)
        )
    };
    format!("seed {}, {draws}", run.seed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_split_the_projection() {
        let first = Month::new(2025, 11).unwrap();
        let y = years(first, 15);
        assert_eq!(y, vec![(2025, 0..2), (2026, 2..14), (2027, 14..15)]);
    }

    #[test]
    fn axis_tops_are_finite_with_room_above() {
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-12 * b;
        assert!(close(axis_top(1000.0), 1080.0));
        assert!(close(axis_top(0.0), 1.08));
        assert!(close(axis_top(f64::NAN), 1.08));
        // 1.7e308 × 1.08 overflows; the axis stops at the largest finite value.
        assert_eq!(axis_top(1.7e308).to_bits(), f64::MAX.to_bits());
        assert_eq!(axis_top(f64::INFINITY).to_bits(), f64::MAX.to_bits());
    }

    #[test]
    fn year_labels_only_on_whole_years() {
        assert_eq!(year_label(&2026.0), "2026");
        assert_eq!(year_label(&2026.5), "");
    }
}
