//! Numbers for people: thousands separators, fixed decimals, and a visible mark
//! where a figure is not available.

/// What a table shows where the data do not determine a figure.
pub const UNAVAILABLE: &str = "n/a";

/// `value` with `decimals` decimals and commas between thousands.
///
/// ```
/// assert_eq!(magcast::report::thousands(57392.0, 0), "57,392");
/// assert_eq!(magcast::report::thousands(-1234567.891, 2), "-1,234,567.89");
/// ```
pub fn thousands(value: f64, decimals: usize) -> String {
    if !value.is_finite() {
        return UNAVAILABLE.to_string();
    }
    let text = format!("{:.*}", decimals, value.abs());
    let (int, frac) = text
        .split_once('.')
        .map_or((text.as_str(), ""), |(i, f)| (i, f));
    let mut out = String::with_capacity(text.len() + text.len() / 3 + 1);
    let rounds_to_zero = text.bytes().all(|b| b == b'0' || b == b'.');
    if value < 0.0 && !rounds_to_zero {
        out.push('-');
    }
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if !frac.is_empty() {
        out.push('.');
        out.push_str(frac);
    }
    out
}

/// Tonnes rounded to whole tonnes, or `n/a`.
pub fn fmt_tonnes(value: Option<f64>) -> String {
    value.map_or_else(|| UNAVAILABLE.to_string(), |v| thousands(v, 0))
}

/// A percentage with one decimal and an explicit sign, or `n/a`.
pub fn fmt_pct(value: Option<f64>) -> String {
    match value {
        Some(v) if v.is_finite() => {
            let t = thousands(v, 1);
            if t.starts_with('-') || t == "0.0" {
                format!("{t}%")
            } else {
                format!("+{t}%")
            }
        }
        _ => UNAVAILABLE.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separators_and_rounding() {
        assert_eq!(thousands(0.0, 0), "0");
        assert_eq!(thousands(999.4, 0), "999");
        assert_eq!(thousands(999.5, 0), "1,000");
        assert_eq!(thousands(6149.96, 1), "6,150.0");
        assert_eq!(thousands(-0.01, 1), "0.0");
        assert_eq!(thousands(f64::NAN, 0), "n/a");
        assert_eq!(fmt_pct(Some(-1.3069)), "-1.3%");
        assert_eq!(fmt_pct(Some(10.0)), "+10.0%");
        assert_eq!(fmt_pct(None), "n/a");
        assert_eq!(fmt_tonnes(Some(58152.0)), "58,152");
    }
}
