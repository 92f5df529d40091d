//! The Lunar New Year table and the moving-holiday regressor built from it.
//!
//! The Spring Festival closes factories for about a week from New Year's day,
//! which falls between 21 January and 20 February. The regressor splits those
//! days between January and February by the date, so a fixed seasonal profile
//! cannot get both months right in every year.

use std::sync::LazyLock;

use crate::data::Month;

/// The table, one `year,YYYY-MM-DD` row per year (see the file's header for its source).
const TABLE: &str = include_str!("lunar_new_year.csv");

/// Days of the holiday counted from New Year's day (inclusive).
pub const HOLIDAY_DAYS: u32 = 7;

/// First and last year of the table.
pub const TABLE_YEARS: (i32, i32) = (2000, 2040);

/// (year, month, day) of every New Year's day in the table, parsed once.
static DATES: LazyLock<Vec<(i32, u32, u32)>> = LazyLock::new(|| {
    TABLE
        .lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("year"))
        .filter_map(parse_row)
        .collect()
});

/// Mean January share over the table's years: the regressor is centred on it.
static MEAN_JANUARY_SHARE: LazyLock<f64> = LazyLock::new(|| {
    let shares: Vec<f64> = DATES
        .iter()
        .map(|&(_, m, d)| january_share_of(m, d))
        .collect();
    shares.iter().sum::<f64>() / shares.len() as f64
});

fn parse_row(line: &str) -> Option<(i32, u32, u32)> {
    let (year, date) = line.trim().split_once(',')?;
    let mut parts = date.split('-');
    let y: i32 = parts.next()?.parse().ok()?;
    let m: u32 = parts.next()?.parse().ok()?;
    let d: u32 = parts.next()?.parse().ok()?;
    (year.parse::<i32>().ok()? == y).then_some((y, m, d))
}

/// Share of the [`HOLIDAY_DAYS`] days from New Year's day that fall in January.
fn january_share_of(month: u32, day: u32) -> f64 {
    if month != 1 {
        return 0.0;
    }
    let in_january = (31 - day + 1).min(HOLIDAY_DAYS);
    f64::from(in_january) / f64::from(HOLIDAY_DAYS)
}

/// Lunar New Year's day of `year` as (month, day), if the year is in the table.
pub fn lunar_new_year(year: i32) -> Option<(u32, u32)> {
    DATES
        .iter()
        .find(|&&(y, _, _)| y == year)
        .map(|&(_, m, d)| (m, d))
}

/// The holiday regressor of a calendar month: in January, the share of the
/// holiday days falling in January minus its 2000-2040 mean; in February the
/// negative of that (the days not in January fall in February); 0 in other
/// months and in years outside the table, where the seasonal profile's average
/// split is the best guess. Centring keeps the seasonal factors' meaning (the
/// average year) independent of the holiday coefficient.
pub fn lunar_new_year_regressor(month: Month) -> f64 {
    let Some((m, d)) = lunar_new_year(month.year()) else {
        return 0.0;
    };
    let deviation = january_share_of(m, d) - *MEAN_JANUARY_SHARE;
    match month.month() {
        1 => deviation,
        2 => -deviation,
        _ => 0.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_has_every_year_once() {
        let years: Vec<i32> = DATES.iter().map(|d| d.0).collect();
        let expected: Vec<i32> = (TABLE_YEARS.0..=TABLE_YEARS.1).collect();
        assert_eq!(years, expected);
        assert!(
            DATES
                .iter()
                .all(|&(_, m, d)| (m == 1 && d >= 21) || (m == 2 && d <= 20))
        );
    }

    #[test]
    fn shares_split_the_week_by_date() {
        // 2025-01-29: 29, 30, 31 January (3 days), 4 in February.
        assert!((january_share_of(1, 29) - 3.0 / 7.0).abs() < 1e-15);
        assert!((january_share_of(1, 22) - 1.0).abs() < 1e-15);
        assert!(january_share_of(2, 10).abs() < 1e-15);
        let jan = lunar_new_year_regressor(Month::new(2025, 1).unwrap());
        let feb = lunar_new_year_regressor(Month::new(2025, 2).unwrap());
        assert!((jan + feb).abs() < 1e-15);
        assert!((jan - (3.0 / 7.0 - *MEAN_JANUARY_SHARE)).abs() < 1e-15);
        assert!(lunar_new_year_regressor(Month::new(2025, 3).unwrap()).abs() < 1e-15);
        assert!(lunar_new_year_regressor(Month::new(2041, 1).unwrap()).abs() < 1e-15);
    }
}
