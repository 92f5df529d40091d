//! The last check of a run: every number it would write is finite. Inputs
//! that are each allowed (a rate of 1e300, a credit of 1e308 US$/kg, a
//! log-normal with sdlog 1000, data near the top of f32) can still multiply
//! to infinities; those results are refused, naming the scenario, the
//! quantity, the series and the month or year, so nothing with NaN or inf is
//! written with exit code 0.

use super::run::ScenarioResult;
use crate::data::{Importer, Month};

/// The first value of one scenario's result that is not finite.
pub(super) fn scenario(s: &ScenarioResult, outputs: &[Importer], first: Month) -> Option<String> {
    let (monthly, yearly) = (monthly(s), yearly(s));
    let say = |what: &str, v: f64, series: Option<&Importer>, when: String| {
        let series = series.map_or_else(|| "all series".to_string(), ToString::to_string);
        format!(
            "scenario `{}`: the {what} of {series} in {when} is {v}: the scenario's numbers are \
             too large for finite results (look for a rate, growth, credit, price or \
             distribution width far beyond any real value); nothing was written",
            s.name
        )
    };
    for (what, values) in monthly {
        if let Some(i) = values.iter().position(|v| !v.is_finite()) {
            let (o, m) = (i / s.months.max(1), i % s.months.max(1));
            return Some(say(
                what,
                values[i],
                outputs.get(o),
                first.plus(m as i32).to_string(),
            ));
        }
    }
    if let Some(i) = s.credit_cost_usd.iter().position(|v| !v.is_finite()) {
        let when = first.plus(i as i32).to_string();
        return Some(say(
            "production-credit cost",
            s.credit_cost_usd[i],
            None,
            when,
        ));
    }
    let years = s.years.len().max(1);
    for (what, values) in yearly {
        if let Some(i) = values.iter().position(|v| !v.is_finite()) {
            let year = s
                .years
                .get(i % years)
                .map_or_else(String::new, ToString::to_string);
            return Some(say(what, values[i], outputs.get(i / years), year));
        }
    }
    None
}

/// The monthly arrays, each `[output * months + t]`, with their names.
fn monthly(s: &ScenarioResult) -> [(&'static str, &[f64]); 9] {
    [
        ("mean imports", &s.mean),
        ("p05", &s.p05),
        ("p50", &s.p50),
        ("p95", &s.p95),
        ("baseline", &s.baseline),
        ("customs value", &s.value_usd),
        ("tariff revenue", &s.tariff_revenue_usd),
        ("downstream cost", &s.downstream_cost_usd),
        ("production-credit cost", &s.credit_cost_by_output),
    ]
}

/// The yearly arrays, each `[output * years + y]`, with their names.
fn yearly(s: &ScenarioResult) -> [(&'static str, &[f64]); 17] {
    let y = &s.yearly;
    let t = &y.trade;
    [
        ("yearly mean", &y.mean),
        ("yearly p05", &y.p05),
        ("yearly p95", &y.p95),
        ("yearly baseline", &y.baseline),
        ("yearly customs value", &y.value_usd),
        ("yearly tariff revenue", &y.tariff_revenue_usd),
        ("yearly downstream cost", &y.downstream_cost_usd),
        ("yearly production-credit cost", &y.credit_cost_usd),
        ("trade creation", &t.creation_t),
        ("trade diversion", &t.diversion_t),
        ("non-China supply used", &t.non_china_used_t),
        ("non-China supply installed", &t.non_china_installed_t),
        ("price effect", &t.price_effect_usd),
        ("consumer-surplus change", &t.consumer_surplus_change_usd),
        ("tariff-revenue change", &t.tariff_revenue_change_usd),
        ("delivered-price change", &t.delivered_price_change_usd),
        ("tariff price change", &t.tariff_price_change_usd),
    ]
}

/// Whether every array of `s` has the length of `outputs` series over
/// `months` months and `years` years (a merge's check of results read back).
pub(super) fn shape_is(s: &ScenarioResult, outputs: usize, months: usize, years: usize) -> bool {
    s.months == months
        && s.years.len() == years
        && s.yearly.months.len() == years
        && s.credit_cost_usd.len() == months
        && monthly(s).iter().all(|(_, v)| v.len() == outputs * months)
        && yearly(s).iter().all(|(_, v)| v.len() == outputs * years)
}
