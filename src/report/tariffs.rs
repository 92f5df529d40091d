//! A scenario's tariff schedule as a small HTML table for the report's scenario
//! list: one column per duty layer, the plain changes, and the total.

use std::fmt::Write as _;

use super::html::escape_html;
use crate::scenario::TariffSchedule;

/// `0.471` → `47.1 %`.
fn pct(rate: f64) -> String {
    let v = (rate * 1000.0).round() / 10.0;
    format!("{v} %")
}

/// The tables of `schedules`, empty when there are none.
pub(crate) fn schedules_html(schedules: &[TariffSchedule]) -> String {
    let mut h = String::new();
    for s in schedules {
        let _ = write!(
            h,
            "<table class=\"tariffs\"><caption>{} duty</caption>\n<thead><tr><th>from</th>",
            escape_html(s.importer.code())
        );
        let plain = s.authorities.is_empty() || s.rows.iter().any(|r| r.changes != 0.0);
        for a in &s.authorities {
            let _ = write!(h, "<th class=\"n\">{}</th>", escape_html(a));
        }
        if plain && !s.authorities.is_empty() {
            h.push_str("<th class=\"n\">changes</th>");
        }
        h.push_str("<th class=\"n\">total</th></tr></thead>\n<tbody>\n");
        for (n, r) in s.rows.iter().enumerate() {
            let from = if n == 0 {
                format!("{} (data end)", r.from)
            } else {
                r.from.to_string()
            };
            let _ = write!(h, "<tr><td>{from}</td>");
            for v in &r.layers {
                let _ = write!(h, "<td class=\"n\">{}</td>", pct(*v));
            }
            if plain && !s.authorities.is_empty() {
                let _ = write!(h, "<td class=\"n\">{}</td>", pct(r.changes));
            }
            let _ = writeln!(h, "<td class=\"n\">{}</td></tr>", pct(r.total));
        }
        h.push_str("</tbody></table>\n");
    }
    h
}
