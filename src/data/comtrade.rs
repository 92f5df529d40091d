//! The UN Comtrade bulk-download CSV (API v1 column names), for HS 850511
//! "permanent magnets of metal … rare-earth".
//!
//! Two views of the same trade are accepted: China's reported exports by partner
//! (`reporterISO = CHN`, `flowCode = X`) or the partners' reported imports from
//! China (`partnerISO = CHN`, `flowCode = M`, "mirror" data, useful where China's
//! own partner detail is missing). Rows that break a total down (by second
//! partner, mode of transport, customs procedure) are skipped so nothing is
//! counted twice; so are other commodities and Comtrade's unspecified areas.
//!
//! Against data format v2: every usable row is a level (tonnes from `netWgt`, or
//! `qty` in kg, and US$ from `primaryValue`). Comtrade marks weights it estimated
//! itself (`isNetWgtEstimated`, `isQtyEstimated`); such a row gets the status
//! `approximate`, every other row `confirmed`, kept in a `status` metadata column
//! as in the tidy format (unless the file has a `status` column of its own). The
//! other kinds do not apply: Comtrade publishes reported values, not ranges,
//! growth rates, shares or ranks, and `derived` has no Comtrade counterpart.
//! `legacyEstimationFlag` does not say which field was estimated, so it stays
//! plain metadata.

use super::csv_input::{CsvInput, Row};
use super::error::{DataError, ProblemList};
use super::importer::Importer;
use super::observation::{Observation, Observations, ObservationsBuilder};
use super::period::{Month, Span};

/// The HS 2012+ subheading of rare-earth permanent magnets.
pub const HS_RARE_EARTH_MAGNETS: &str = "850511";

/// Which side of the trade a Comtrade file reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ComtradeView {
    /// China's exports where the file has any, otherwise partners' imports.
    #[default]
    Auto,
    /// China as reporter, flow X: the importer is the partner.
    ChinaExports,
    /// China as partner, flow M: the importer is the reporter.
    PartnerImports,
}

/// Whether a header looks like a Comtrade download rather than the tidy format.
pub(crate) fn is_comtrade_header(header: &[String]) -> bool {
    let has = |name: &str| header.iter().any(|h| h.eq_ignore_ascii_case(name));
    has("cmdCode") && has("flowCode") && (has("reporterISO") || has("partnerISO"))
}

struct Columns {
    reporter: usize,
    partner: usize,
    flow: usize,
    cmd: usize,
    period: Option<usize>,
    ref_year: Option<usize>,
    ref_month: Option<usize>,
    freq: Option<usize>,
    net_wgt: Option<usize>,
    qty: Option<usize>,
    qty_unit: Option<usize>,
    /// Comtrade's "this weight is our estimate" flags for `netWgt` and `qty`.
    net_wgt_estimated: Option<usize>,
    qty_estimated: Option<usize>,
    value: Option<usize>,
    /// Breakdown columns and the value that marks a total row.
    totals: Vec<(usize, &'static [&'static str])>,
}

impl Columns {
    fn find(input: &CsvInput) -> Result<Columns, DataError> {
        let totals = [
            ("partner2ISO", &["W00", "", "0"][..]),
            ("partner2Code", &["0", ""][..]),
            ("motCode", &["0", ""][..]),
            ("customsCode", &["C00", ""][..]),
            ("mosCode", &["0", ""][..]),
        ]
        .into_iter()
        .filter_map(|(name, ok)| input.column(name).map(|c| (c, ok)))
        .collect();
        let columns = Columns {
            reporter: input.require("reporterISO")?,
            partner: input.require("partnerISO")?,
            flow: input.require("flowCode")?,
            cmd: input.require("cmdCode")?,
            period: input.column("period"),
            ref_year: input.column("refYear"),
            ref_month: input.column("refMonth"),
            freq: input.column("freqCode"),
            net_wgt: input.column("netWgt"),
            qty: input.column("qty"),
            qty_unit: input.column("qtyUnitAbbr"),
            net_wgt_estimated: input.column("isNetWgtEstimated"),
            qty_estimated: input.column("isQtyEstimated"),
            value: input.column("primaryValue"),
            totals,
        };
        if columns.period.is_none() && columns.ref_year.is_none() {
            input.require("period")?;
        }
        if columns.net_wgt.is_none() && columns.qty.is_none() {
            input.require("netWgt")?;
        }
        Ok(columns)
    }

    fn used(&self) -> Vec<usize> {
        [self.reporter, self.partner, self.flow, self.cmd]
            .into_iter()
            .chain(self.period)
            .chain(self.net_wgt)
            .chain(self.value)
            .collect()
    }
}

/// Reads a Comtrade download: every usable row becomes an observation, and every
/// bad row is reported with its line and column.
pub(crate) fn read_comtrade(
    mut input: CsvInput,
    view: ComtradeView,
) -> Result<Observations, DataError> {
    let cols = Columns::find(&input)?;
    let used = cols.used();
    let mut metadata_columns: Vec<String> = input
        .header()
        .iter()
        .enumerate()
        .filter(|(i, _)| !used.contains(i))
        .map(|(_, h)| h.clone())
        .collect();
    let add_status = input.column("status").is_none();
    if add_status {
        metadata_columns.push("status".to_string());
    }
    let mut builder = ObservationsBuilder::new(input.path(), metadata_columns);
    let mut problems = ProblemList::default();
    // Rows of the other view are kept aside until the file has been read, so that
    // `Auto` can choose without reading the file twice.
    let mut exports: Vec<Pending> = Vec::new();
    let mut imports: Vec<Pending> = Vec::new();
    let mut magnet_rows = 0usize;

    input.for_each_row(&mut problems, |row, problems| {
        let Some(cmd) = row.text(cols.cmd, problems) else {
            return;
        };
        if cmd != HS_RARE_EARTH_MAGNETS {
            return;
        }
        magnet_rows += 1;
        for &(col, total_marks) in &cols.totals {
            match row.text(col, problems) {
                Some(v) if total_marks.contains(&v) => {}
                _ => return,
            }
        }
        let (Some(reporter), Some(partner), Some(flow)) = (
            row.text(cols.reporter, problems),
            row.text(cols.partner, problems),
            row.text(cols.flow, problems),
        ) else {
            return;
        };
        let (target, importer_col) = match (flow, reporter, partner) {
            ("X", "CHN", _) => (&mut exports, cols.partner),
            ("M", _, "CHN") => (&mut imports, cols.reporter),
            _ => return,
        };
        if let Some(mut p) = pending(row, &cols, &used, importer_col, problems) {
            if add_status {
                p.metadata.push(p.status.into());
            }
            target.push(p);
        }
    })?;
    problems.into_result()?;
    if magnet_rows == 0 {
        return Err(DataError::Unanswerable(format!(
            "{}: no rows for HS {HS_RARE_EARTH_MAGNETS} (column `cmdCode`); download the rare-earth magnet subheading",
            input.path().display()
        )));
    }
    let chosen = match view {
        ComtradeView::ChinaExports => exports,
        ComtradeView::PartnerImports => imports,
        ComtradeView::Auto if !exports.is_empty() => exports,
        ComtradeView::Auto => imports,
    };
    if chosen.is_empty() {
        return Err(DataError::Unanswerable(format!(
            "{}: no rows of China's exports (reporterISO CHN, flowCode X) or of imports from China (partnerISO CHN, flowCode M)",
            input.path().display()
        )));
    }
    let mut problems = ProblemList::default();
    for p in chosen {
        let metadata = p.metadata;
        builder.push(p.obs, p.line, metadata, || p.location, &mut problems);
    }
    problems.into_result()?;
    Ok(builder.finish())
}

struct Pending {
    obs: Observation,
    line: u64,
    metadata: Vec<Box<str>>,
    location: super::error::Location,
    /// `approximate` where Comtrade estimated the weight used, else `confirmed`.
    status: &'static str,
}

fn pending(
    row: &Row<'_>,
    cols: &Columns,
    used: &[usize],
    importer_col: usize,
    problems: &mut ProblemList,
) -> Option<Pending> {
    let code = row.text(importer_col, problems)?;
    let importer = match code {
        "W00" | "WLD" => Importer::World,
        _ => match code.parse::<Importer>() {
            Ok(Importer::Country(c)) => Importer::Country(c),
            // Comtrade's "areas n.e.s.", free zones, bunkers and the like carry a
            // digit or underscore (`_X`, `S19`, `E19`…): part of WORLD, not a series.
            _ if code.is_empty() || code.bytes().any(|b| b.is_ascii_digit() || b == b'_') => {
                return None;
            }
            _ => {
                problems.push(
                    row.location(importer_col),
                    format!(
                        "unknown importer `{code}`: expected an ISO 3166-1 alpha-3 code or W00"
                    ),
                );
                return None;
            }
        },
    };
    let span = comtrade_span(row, cols, problems)?;
    let kg = match cols.net_wgt.map(|c| row.quantity(c, "netWgt", problems)) {
        Some(Err(())) => return None,
        Some(Ok(Some(kg))) => Some(kg),
        _ => None,
    };
    let (kg, flag) = match kg {
        Some(kg) => (kg, cols.net_wgt_estimated),
        None => {
            let unit = cols
                .qty_unit
                .and_then(|c| row.text(c, problems))
                .unwrap_or("");
            match cols.qty.map(|c| row.quantity(c, "qty", problems)) {
                Some(Ok(Some(q))) if unit.eq_ignore_ascii_case("kg") => (q, cols.qty_estimated),
                Some(Err(())) => return None,
                _ => {
                    let col = cols.net_wgt.or(cols.qty).unwrap_or(cols.cmd);
                    problems.push(
                        row.location(col),
                        "no net weight: netWgt is blank and qty is not in kg",
                    );
                    return None;
                }
            }
        }
    };
    let usd = match cols
        .value
        .map(|c| row.quantity(c, "primaryValue", problems))
    {
        Some(Err(())) => return None,
        Some(Ok(v)) => v,
        None => None,
    };
    Some(Pending {
        obs: Observation {
            importer,
            span,
            tonnes: kg / 1000.0,
            usd,
        },
        line: row.line(),
        metadata: row.other_fields(used).collect(),
        location: row.location(cols.net_wgt.unwrap_or(cols.cmd)),
        status: if estimated(row, flag, problems) {
            "approximate"
        } else {
            "confirmed"
        },
    })
}

/// Whether Comtrade's flag column says the value was estimated (`True` or `1`).
fn estimated(row: &Row<'_>, flag: Option<usize>, problems: &mut ProblemList) -> bool {
    flag.and_then(|c| row.text(c, problems))
        .is_some_and(|t| t.eq_ignore_ascii_case("true") || t == "1")
}

/// The span of a Comtrade row: `period` is `2024` (annual) or `202405` (monthly);
/// older extracts give `refYear` and `refMonth` (52 meaning the whole year).
fn comtrade_span(row: &Row<'_>, cols: &Columns, problems: &mut ProblemList) -> Option<Span> {
    if let Some(col) = cols.period {
        let text = row.text(col, problems)?;
        let parsed = match text.len() {
            4 => text.parse().ok().and_then(Span::year),
            6 => match (text[..4].parse().ok(), text[4..].parse().ok()) {
                (Some(y), Some(m)) => Month::new(y, m).map(Span::month),
                _ => None,
            },
            _ => None,
        };
        if parsed.is_none() {
            problems.push(
                row.location(col),
                format!("`{text}` is not a Comtrade period (YYYY or YYYYMM)"),
            );
        }
        return parsed;
    }
    let year_col = cols.ref_year?;
    let year_text = row.text(year_col, problems)?;
    let annual = cols
        .freq
        .and_then(|c| row.text(c, problems))
        .is_some_and(|f| f == "A");
    let month_text = cols
        .ref_month
        .and_then(|c| row.text(c, problems))
        .unwrap_or("52");
    let year: Option<i32> = year_text.parse().ok();
    let month: Option<u32> = month_text.parse().ok();
    let parsed = match (year, month) {
        (Some(y), _) if annual => Span::year(y),
        (Some(y), Some(52)) => Span::year(y),
        (Some(y), Some(m)) => Month::new(y, m).map(Span::month),
        _ => None,
    };
    if parsed.is_none() {
        problems.push(
            row.location(year_col),
            format!("`{year_text}`/`{month_text}` is not a valid refYear/refMonth"),
        );
    }
    parsed
}
