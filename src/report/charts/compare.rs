//! Scenario comparison: yearly totals of WORLD and the major importers, one
//! panel each, every scenario a line.

use plotters::prelude::*;

use super::{
    Chart, TITLE_HEIGHT, chart_err, draw_title, draws_note, label, scenario_colour, years,
};
use crate::engine::RunResult;
use crate::report::{ReportError, thousands};

/// Size of the comparison chart, pixels.
const COMPARE_SIZE: (u32, u32) = (1000, 760);
/// Legend rows at most (three scenarios a row).
const MAX_LEGEND_ROWS: usize = 6;

/// The comparison of scenarios' yearly totals for the outputs `majors`.
pub(super) fn compare_chart(run: &RunResult, majors: &[usize]) -> Result<Chart, ReportError> {
    let months = run.scenarios.iter().map(|s| s.months).max().unwrap_or(0);
    let all_years = years(run.first_month, months);
    // Whole years only, unless the projection has none.
    let shown: Vec<(i32, std::ops::Range<usize>)> = if all_years.iter().any(|(_, r)| r.len() == 12)
    {
        all_years
            .into_iter()
            .filter(|(_, r)| r.len() == 12)
            .collect()
    } else {
        all_years
    };
    let (Some(first), Some(last)) = (shown.first(), shown.last()) else {
        return Err(ReportError::Chart("the run projects no month".into()));
    };
    let (y0, y1) = (first.0, last.0);
    let headline = "Imports from China by scenario, tonnes per year (mean)";
    let subtitle = format!(
        "WORLD and the largest importers by baseline; whole calendar years {y0}–{y1} of the projection ({})",
        draws_note(run)
    );
    let cols = 3usize;
    let rows = majors.len().div_ceil(cols);
    // The legend's rows are capped so the panels keep their room; the last
    // entry then counts the scenarios left out.
    let legend_entries = run.scenarios.len().min(3 * MAX_LEGEND_ROWS);
    let legend_rows = legend_entries.div_ceil(3) as u32;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, COMPARE_SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(chart_err)?;
        let (head, rest) = root.split_vertically(TITLE_HEIGHT);
        draw_title(&head, headline, &subtitle)?;
        let legend_height = COMPARE_SIZE.1 - TITLE_HEIGHT - 22 * legend_rows - 16;
        let (grid, legend) = rest.split_vertically(legend_height);
        let panels = grid.split_evenly((rows, cols));
        for (panel, &o) in panels.iter().zip(majors) {
            let total = |s: &crate::engine::ScenarioResult, r: &std::ops::Range<usize>| -> f64 {
                // A scenario with an earlier horizon has no months in a later year.
                let (from, to) = (r.start.min(s.months), r.end.min(s.months));
                s.mean[o * s.months + from..o * s.months + to].iter().sum()
            };
            let top = super::axis_top(
                run.scenarios
                    .iter()
                    .flat_map(|s| shown.iter().map(move |(_, r)| total(s, r)))
                    .fold(0.0_f64, f64::max),
            );
            let mut chart = ChartBuilder::on(panel)
                .caption(label(run.outputs[o]), ("sans-serif", 15))
                .margin(8)
                .x_label_area_size(26)
                .y_label_area_size(64)
                .build_cartesian_2d(f64::from(y0) - 0.3..f64::from(y1) + 0.3, 0.0..top)
                .map_err(chart_err)?;
            chart
                .configure_mesh()
                .x_labels((y1 - y0 + 1) as usize)
                .x_label_formatter(&super::year_label)
                .y_labels(6)
                .y_label_formatter(&|v| thousands(*v, 0))
                .y_desc("t per year")
                .max_light_lines(1)
                .light_line_style(RGBColor(246, 246, 246))
                .label_style(("sans-serif", 12))
                .draw()
                .map_err(chart_err)?;
            for (i, s) in run.scenarios.iter().enumerate() {
                let colour = scenario_colour(run, i);
                let pts: Vec<(f64, f64)> = shown
                    .iter()
                    .filter(|(_, r)| r.start < s.months)
                    .map(|(y, r)| (f64::from(*y), total(s, r)))
                    .collect();
                chart
                    .draw_series(LineSeries::new(pts.clone(), colour.stroke_width(2)))
                    .map_err(chart_err)?;
                chart
                    .draw_series(pts.iter().map(|p| Circle::new(*p, 3, colour.filled())))
                    .map_err(chart_err)?;
            }
        }
        // One legend for every panel, three entries a row.
        let font = ("sans-serif", 14).into_font();
        let width = COMPARE_SIZE.0 as i32 / 3;
        let at = |i: usize| (20 + width * (i as i32 % 3), 10 + 22 * (i as i32 / 3));
        let hidden = run.scenarios.len() - legend_entries;
        let named = if hidden > 0 {
            legend_entries - 1
        } else {
            legend_entries
        };
        for (i, s) in run.scenarios.iter().enumerate().take(named) {
            let colour = scenario_colour(run, i);
            let (cx, cy) = at(i);
            legend
                .draw(&PathElement::new(
                    vec![(cx, cy + 7), (cx + 24, cy + 7)],
                    colour.stroke_width(3),
                ))
                .map_err(chart_err)?;
            legend
                .draw(&Text::new(s.name.clone(), (cx + 32, cy), font.clone()))
                .map_err(chart_err)?;
        }
        if hidden > 0 {
            let (cx, cy) = at(named);
            let more = format!("… and {} more scenarios", hidden + 1);
            legend
                .draw(&Text::new(more, (cx + 32, cy), font.clone()))
                .map_err(chart_err)?;
        }
        root.present().map_err(chart_err)?;
    }
    Ok(Chart {
        file_name: "scenarios-by-year.svg".into(),
        title: format!("{headline} — {subtitle}"),
        svg,
    })
}
