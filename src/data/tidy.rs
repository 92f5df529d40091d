//! The tidy observations CSV, version 2 (docs/model.md §1; `period,importer,tonnes,tonnes_low,
//! tonnes_high,usd,usd_per_t,growth,growth_basis,share,share_of,rank,status,…`):
//! one published fact per row. Version 1 files (`period,importer,tonnes[,usd]`
//! and metadata) are the special case of a file of levels and load unchanged.
//! Any column the loader does not turn into a value is kept as metadata.

use std::collections::HashMap;

use super::csv_input::CsvInput;
use super::error::{DataError, Location, ProblemList};
use super::importer::Importer;
use super::kinds::RankPlace;
use super::observation::{Observations, ObservationsBuilder};
use super::period::Span;
use super::tidy_row::{Codes, Columns, read_row};

/// Reads the tidy format from an open CSV, collecting every row problem.
pub(crate) fn read_tidy(mut input: CsvInput) -> Result<Observations, DataError> {
    let cols = Columns::find(&input)?;
    let consumed = cols.consumed();
    let header = input.header().to_vec();
    let metadata_columns: Vec<String> = header
        .iter()
        .enumerate()
        .filter(|(i, _)| !consumed.contains(i))
        .map(|(_, name)| name.clone())
        .collect();

    let mut builder = ObservationsBuilder::new(input.path(), metadata_columns);
    let mut problems = ProblemList::default();
    let mut codes = Codes::default();

    input.for_each_row(&mut problems, |row, problems| {
        if let Some(fact) = read_row(row, &cols, &mut codes, problems) {
            let location_col = cols.value_column(&fact);
            builder.push(
                fact,
                row.line(),
                row.other_fields(&consumed),
                || row.location(location_col),
                problems,
            );
        }
    })?;
    let tonnes_at = |line: u64| Location {
        path: input.path().to_path_buf(),
        line,
        column: Some((cols.tonnes + 1, header[cols.tonnes].clone())),
    };
    check_within_world(builder.observations(), tonnes_at, &mut problems);
    if let Some(col) = cols.rank {
        let at = |line: u64| Location {
            path: input.path().to_path_buf(),
            line,
            column: Some((col + 1, header[col].clone())),
        };
        check_rank_lists(builder.observations(), at, &mut problems);
    }
    problems.into_result()?;
    Ok(builder.finish())
}

/// An importer is part of WORLD: its level over a span may not exceed WORLD's
/// level over the same span in the same file (by more than rounding, 0.5 %).
fn check_within_world(
    obs: &Observations,
    at: impl Fn(u64) -> Location,
    problems: &mut ProblemList,
) {
    let levels = obs.levels();
    let mut world: HashMap<Span, (f64, u64)> = HashMap::new();
    for (i, o) in levels.items().iter().enumerate() {
        if o.importer == Importer::World {
            world.insert(o.span, (o.tonnes, levels.line(i)));
        }
    }
    for (i, o) in levels.items().iter().enumerate() {
        let Some(&(total, line)) = world.get(&o.span) else {
            continue;
        };
        if o.importer != Importer::World && o.tonnes > total * 1.005 {
            problems.push(
                at(levels.line(i)),
                format!(
                    "{} {} t in {} is more than WORLD's {} t (line {line}); an importer is part of WORLD",
                    o.importer, o.tonnes, o.span, total
                ),
            );
        }
    }
}

/// A ranking of one span must be possible: no two countries in one exact
/// place, and no more countries placed within `a-b` than the places it has.
fn check_rank_lists(obs: &Observations, at: impl Fn(u64) -> Location, problems: &mut ProblemList) {
    let ranks = obs.ranks();
    let mut exact: HashMap<(Span, u16), (Importer, u64)> = HashMap::new();
    let mut groups: HashMap<(Span, u16, u16), Vec<u64>> = HashMap::new();
    for (i, r) in ranks.items().iter().enumerate() {
        let line = ranks.line(i);
        match r.rank {
            RankPlace::Exact(k) => match exact.get(&(r.span, k)) {
                Some(&(first, first_line)) => problems.push(
                    at(line),
                    format!(
                        "rank {k} in {} is given to two countries: {} here and {first} on line {first_line}",
                        r.span, r.importer
                    ),
                ),
                None => {
                    exact.insert((r.span, k), (r.importer, line));
                }
            },
            RankPlace::Within(a, b) => groups.entry((r.span, a, b)).or_default().push(line),
        }
    }
    let mut groups: Vec<_> = groups.into_iter().collect();
    groups.sort();
    for ((span, a, b), lines) in groups {
        let places = usize::from(b - a + 1);
        let exact_inside = exact
            .keys()
            .filter(|&&(s, k)| s == span && (a..=b).contains(&k))
            .count();
        if lines.len() + exact_inside > places {
            problems.push(
                at(*lines.last().unwrap_or(&0)),
                format!(
                    "{} countries are placed within ranks {a}-{b} in {span}, which has only {places} places",
                    lines.len() + exact_inside
                ),
            );
        }
    }
}
