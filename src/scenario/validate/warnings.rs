//! Warnings: values a scenario may hold but that are probably mistakes. They
//! are printed, never silent, and fatal only when the caller asks for strict
//! checking.

use super::Checker;
use crate::data::Month;
use crate::number::compact;
use crate::scenario::keys::{ParamKey, Suspicious};
use crate::scenario::param::Param;
use crate::yaml::KeyPath;

/// Why `p` is suspicious for `key`, if it is.
pub(super) fn suspicious(p: &Param, key: &ParamKey) -> Option<String> {
    let v = p.upper();
    match key.suspicious? {
        Suspicious::RateAbove(limit) if v > limit => Some(format!(
            "a rate of {} is {} %, above {} %; rates are fractions (0.25 = 25 %)",
            compact(v),
            percent(v),
            percent(limit)
        )),
        Suspicious::GrowthAbove(limit) if v > limit => Some(format!(
            "growth of {} a year is {} %/yr, above {} %/yr; growth rates are fractions a year (0.05 = 5 %/yr)",
            compact(v),
            percent(v),
            percent(limit)
        )),
        _ => None,
    }
}

/// A value as written in a file: 1e300 as `1e300`, not 301 digits.
fn percent(v: f64) -> String {
    if v.abs() >= 1e6 {
        return format!("{:e}", v * 100.0);
    }
    let p = (v * 1000.0).round() / 10.0;
    if p.abs() >= 1000.0 {
        // Thousands separated, as the reports print them.
        let whole = p.round() as i64;
        let s = whole.abs().to_string();
        let mut out = String::new();
        for (i, ch) in s.chars().enumerate() {
            if i > 0 && (s.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(ch);
        }
        if whole < 0 { format!("-{out}") } else { out }
    } else {
        format!("{p}")
    }
}

impl Checker<'_> {
    /// Warns when an entry that acts from `from` to `to` (open-ended: `None`),
    /// and `tail` months after it, lies wholly outside the projection.
    pub(super) fn window(
        &mut self,
        at: &KeyPath,
        from: Option<Month>,
        to: Option<Month>,
        tail: i32,
    ) {
        self.after_horizon(&at.key("from"), from);
        let (Some(first), Some(to)) = (self.ctx.first_month, to) else {
            return;
        };
        let last = to.plus(tail);
        if last < first {
            self.warn(
                &at.key("to"),
                format!(
                    "this ends in {last}, before the projection starts ({first}): it changes nothing"
                ),
            );
        }
    }

    /// Warns when something starts after the horizon.
    pub(super) fn after_horizon(&mut self, at: &KeyPath, from: Option<Month>) {
        if let (Some(from), Some(h)) = (from, self.horizon)
            && from > h
        {
            self.warn(
                at,
                format!(
                    "{from} is after the horizon ({h}): this changes nothing in the projection"
                ),
            );
        }
    }

    /// Warns about a plant starting after the horizon, or before the data end
    /// without a `reason` (its output until then is already in the data).
    pub(super) fn plant_start(&mut self, at: &KeyPath, start: Month, reason: Option<&str>) {
        self.after_horizon(&at.key("start"), Some(start));
        let Some(first) = self.ctx.first_month else {
            return;
        };
        let has_reason = reason.is_some_and(|r| !r.trim().is_empty());
        if start < first && !has_reason {
            self.warn(
                &at.key("start"),
                format!(
                    "the plant starts in {start}, before the data end ({}): what it made until then \
                     is in the data already, and the projection ramps it as new from {start}; \
                     start it in {first} or later, or say why in `reason:`",
                    first.plus(-1)
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_read_as_in_reports() {
        assert_eq!(percent(25.0), "2,500");
        assert_eq!(percent(3.0), "300");
        assert_eq!(percent(0.5), "50");
        assert_eq!(percent(0.305), "30.5");
        assert_eq!(percent(125.0), "12,500");
    }
}
