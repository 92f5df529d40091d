//! Numbers in messages: short for people, whatever their size.

/// `v` as a message shows it: plain (`0.25`, `1200`) when it is of ordinary
/// size, in exponent form (`1e300`, `3e-7`) when it is very large or very small.
pub(crate) fn compact(v: f64) -> String {
    if v != 0.0 && v.is_finite() && (v.abs() >= 1e6 || v.abs() < 1e-4) {
        format!("{v:e}")
    } else {
        format!("{v}")
    }
}

#[cfg(test)]
mod tests {
    use super::compact;

    #[test]
    fn ordinary_numbers_stay_plain_and_extreme_ones_use_exponents() {
        assert_eq!(compact(0.25), "0.25");
        assert_eq!(compact(-0.99), "-0.99");
        assert_eq!(compact(1200.0), "1200");
        assert_eq!(compact(0.0), "0");
        assert_eq!(compact(1e300), "1e300");
        assert_eq!(compact(1e10), "1e10");
        assert_eq!(compact(3e-7), "3e-7");
    }
}
