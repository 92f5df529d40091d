//! The tidy observations CSV (docs/model.md §1): `period,importer,tonnes[,usd]`, any
//! further column kept as metadata.

use std::collections::HashMap;

use super::csv_input::CsvInput;
use super::error::{DataError, ProblemList};
use super::importer::Importer;
use super::observation::{Observation, Observations, ObservationsBuilder};
use super::period::Span;

/// Reads the tidy format from an open CSV, collecting every row problem.
pub(crate) fn read_tidy(mut input: CsvInput) -> Result<Observations, DataError> {
    let period_col = input.require("period")?;
    let importer_col = input.require("importer")?;
    let tonnes_col = input.require("tonnes")?;
    let usd_col = input.column("usd");
    let mut known: Vec<usize> = vec![period_col, importer_col, tonnes_col];
    known.extend(usd_col);
    let metadata_columns: Vec<String> = input
        .header()
        .iter()
        .enumerate()
        .filter(|(i, _)| !known.contains(i))
        .map(|(_, name)| name.clone())
        .collect();

    let mut builder = ObservationsBuilder::new(input.path(), metadata_columns);
    let mut problems = ProblemList::default();
    // Codes repeat on every row: parse each distinct one once.
    let mut importers: HashMap<String, Option<Importer>> = HashMap::new();

    input.for_each_row(&mut problems, |row, problems| {
        let span = row.text(period_col, problems).and_then(|text| {
            text.parse::<Span>()
                .map_err(|e| problems.push(row.location(period_col), e.to_string()))
                .ok()
        });
        let importer = row.text(importer_col, problems).and_then(|text| {
            let parsed = match importers.get(text) {
                Some(&known) => known,
                None => {
                    let parsed = text.parse::<Importer>().ok();
                    importers.insert(text.to_string(), parsed);
                    parsed
                }
            };
            match parsed {
                Some(Importer::RestOfWorld) => {
                    problems.push(
                        row.location(importer_col),
                        "ROW cannot be observed: magcast derives it as WORLD minus the named importers",
                    );
                    None
                }
                Some(importer) => Some(importer),
                None => {
                    problems.push(
                        row.location(importer_col),
                        format!(
                            "unknown importer `{text}`: expected an ISO 3166-1 alpha-3 or alpha-2 code, WORLD or EU27"
                        ),
                    );
                    None
                }
            }
        });
        let tonnes = match row.quantity(tonnes_col, "tonnes", problems) {
            Ok(Some(t)) => Some(t),
            Ok(None) => {
                problems.push(row.location(tonnes_col), "tonnes is missing");
                None
            }
            Err(()) => None,
        };
        let usd = match usd_col {
            Some(col) => row.quantity(col, "usd", problems),
            None => Ok(None),
        };
        if let (Some(span), Some(importer), Some(tonnes), Ok(usd)) = (span, importer, tonnes, usd) {
            builder.push(
                Observation {
                    importer,
                    span,
                    tonnes,
                    usd,
                },
                row.line(),
                row.other_fields(&known),
                || row.location(tonnes_col),
                problems,
            );
        }
    })?;
    problems.into_result()?;
    Ok(builder.finish())
}
