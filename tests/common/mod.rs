//! Test support: a parser for NIST StRD `.dat` files (certified values in the
//! header, data from the line range the header names), the LRE score, and a
//! snapshot of a folder's files (for byte-for-byte comparisons of outputs).
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// Certified values and data of one StRD set.
#[derive(Debug, Clone, Default)]
pub(crate) struct StrdSet {
    /// Certified estimates.
    pub(crate) estimates: Vec<f64>,
    /// Certified standard deviations of the estimates.
    pub(crate) std_errors: Vec<f64>,
    /// Certified residual standard deviation.
    pub(crate) residual_sd: f64,
    /// Certified R² (linear sets).
    pub(crate) r_squared: Option<f64>,
    /// Certified RSS (nonlinear sets).
    pub(crate) rss: Option<f64>,
    /// NIST starting points (nonlinear sets): start 1 and start 2.
    pub(crate) starts: [Vec<f64>; 2],
    /// Response.
    pub(crate) y: Vec<f64>,
    /// Predictor columns.
    pub(crate) x: Vec<Vec<f64>>,
}

/// Where a named set lives: this repository's fixtures (every set the tests
/// use is vendored there, so the tests need nothing outside the repository).
pub(crate) fn locate(kind: &str, name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fixtures/nist/{kind}/{name}.dat"))
}

fn num(s: &str) -> f64 {
    s.trim()
        .parse::<f64>()
        .unwrap_or_else(|_| panic!("not a number: {s:?}"))
}

/// Parses a `.dat` file.
pub(crate) fn load(kind: &str, name: &str) -> StrdSet {
    let path = locate(kind, name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let lines: Vec<&str> = text.lines().map(|l| l.trim_end()).collect();
    let mut set = StrdSet::default();
    let mut data_range = None;
    for line in &lines[..60.min(lines.len())] {
        let t = line.trim();
        let tokens: Vec<&str> = t.split_whitespace().collect();
        if t.starts_with("Data") && t.contains("(lines") {
            let inner = t.split("(lines").nth(1).unwrap().trim_end_matches(')');
            let parts: Vec<&str> = inner.split("to").collect();
            data_range = Some((num(parts[0]) as usize, num(parts[1]) as usize));
        } else if tokens.len() == 3
            && tokens[0].starts_with('B')
            && tokens[0][1..].parse::<u32>().is_ok()
        {
            set.estimates.push(num(tokens[1]));
            set.std_errors.push(num(tokens[2]));
        } else if tokens.len() == 6 && tokens[0].starts_with('b') && tokens[1] == "=" {
            set.starts[0].push(num(tokens[2]));
            set.starts[1].push(num(tokens[3]));
            set.estimates.push(num(tokens[4]));
            set.std_errors.push(num(tokens[5]));
        } else if (t.starts_with("Standard Deviation")
            || t.starts_with("Residual Standard Deviation:"))
            && tokens[tokens.len() - 1].parse::<f64>().is_ok()
        {
            set.residual_sd = num(tokens[tokens.len() - 1]);
        } else if t.starts_with("R-Squared") {
            set.r_squared = Some(num(tokens[tokens.len() - 1]));
        } else if t.starts_with("Residual Sum of Squares:") {
            set.rss = Some(num(tokens[tokens.len() - 1]));
        }
    }
    let (from, to) = data_range.expect("data line range in header");
    for line in &lines[from - 1..to] {
        let v: Vec<f64> = line.split_whitespace().map(num).collect();
        set.y.push(v[0]);
        if set.x.is_empty() {
            set.x = vec![Vec::new(); v.len() - 1];
        }
        for (j, xv) in v[1..].iter().enumerate() {
            set.x[j].push(*xv);
        }
    }
    assert!(!set.estimates.is_empty(), "{name}: no certified values");
    set
}

/// Log relative error: the number of correct significant digits of `value`
/// against `certified`, capped at `cap`. For a certified value of exactly zero,
/// the absolute error is used instead (−log10 |value|), as NIST recommends.
pub(crate) fn lre(value: f64, certified: f64, cap: f64) -> f64 {
    if !value.is_finite() {
        return 0.0;
    }
    let err = if certified == 0.0 {
        value.abs()
    } else {
        ((value - certified) / certified).abs()
    };
    if err == 0.0 {
        cap
    } else {
        (-err.log10()).clamp(0.0, cap)
    }
}

/// Every file under `dir` by relative path (hidden ones included), with its bytes.
pub(crate) fn snapshot(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    fn walk(dir: &Path, prefix: &str, out: &mut std::collections::BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let e = e.unwrap();
            let rel = format!("{prefix}{}", e.file_name().to_string_lossy());
            if e.file_type().unwrap().is_dir() {
                walk(&e.path(), &format!("{rel}/"), out);
            } else {
                out.insert(rel, std::fs::read(e.path()).unwrap());
            }
        }
    }
    let mut out = std::collections::BTreeMap::new();
    walk(dir, "", &mut out);
    out
}
