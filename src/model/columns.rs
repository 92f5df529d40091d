//! Numeric columns from any CSV file with a header row, for `magcast regress`.
//! Every problem names the file, the line, the column number and its header.

use std::path::Path;

use super::error::{ModelError, Result};

/// The requested columns of a CSV file, as numbers, in the order asked.
#[derive(Debug, Clone, PartialEq)]
pub struct NumericColumns {
    /// Column names, as requested.
    pub names: Vec<String>,
    /// One vector per requested column, all of the same length.
    pub values: Vec<Vec<f64>>,
}

/// Reads the columns `names` of the CSV file at `path` (header row required;
/// surrounding spaces ignored). Every cell of those columns must be a finite
/// number.
///
/// # Errors
/// [`ModelError::Io`] if the file cannot be read; [`ModelError::Input`] for an
/// unknown column, a malformed row, or an empty, non-numeric or non-finite cell.
pub fn read_numeric_columns(path: &Path, names: &[&str]) -> Result<NumericColumns> {
    let file = std::fs::File::open(path).map_err(|e| io_error(path, &e))?;
    let shown = path.display();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .trim(csv::Trim::All)
        .from_reader(std::io::BufReader::new(file));
    let headers = reader.headers().map_err(|e| csv_error(path, &e))?.clone();
    let mut index = Vec::with_capacity(names.len());
    for name in names {
        match headers.iter().position(|h| h == *name) {
            Some(i) => index.push(i),
            None => {
                let known: Vec<&str> = headers.iter().collect();
                return Err(ModelError::Input(format!(
                    "{shown}:1: no column `{name}` (the header has: {})",
                    known.join(", ")
                )));
            }
        }
    }
    let mut values = vec![Vec::new(); names.len()];
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(path, &e))?;
        let line = record.position().map_or(0, |p| p.line());
        for (k, &i) in index.iter().enumerate() {
            let cell = record.get(i).unwrap_or("");
            let col = format!("{shown}:{line}:{}: column `{}`", i + 1, names[k]);
            if cell.is_empty() {
                return Err(ModelError::Input(format!(
                    "{col}: empty cell, a number is needed"
                )));
            }
            let v: f64 = cell
                .parse()
                .map_err(|_| ModelError::Input(format!("{col}: `{cell}` is not a number")))?;
            if !v.is_finite() {
                return Err(ModelError::Input(format!(
                    "{col}: `{cell}` is not a finite number"
                )));
            }
            values[k].push(v);
        }
    }
    Ok(NumericColumns {
        names: names.iter().map(|s| s.to_string()).collect(),
        values,
    })
}

fn io_error(path: &Path, e: &std::io::Error) -> ModelError {
    ModelError::Io {
        path: path.to_path_buf(),
        kind: e.kind(),
        message: e.to_string(),
    }
}

fn csv_error(path: &Path, e: &csv::Error) -> ModelError {
    if let csv::ErrorKind::Io(io) = e.kind() {
        return io_error(path, io);
    }
    let line = e.position().map_or(0, |p| p.line());
    ModelError::Input(format!("{}:{line}: malformed CSV: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn file(text: &str) -> tempfile::NamedTempFile {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(text.as_bytes()).unwrap();
        f
    }

    #[test]
    fn reads_and_locates_problems() {
        let f = file("t, y ,note\n1, 2.5,a\n2,3,b\n");
        let c = read_numeric_columns(f.path(), &["y", "t"]).unwrap();
        assert_eq!(c.values, vec![vec![2.5, 3.0], vec![1.0, 2.0]]);
        let err = read_numeric_columns(f.path(), &["z"])
            .unwrap_err()
            .to_string();
        assert!(err.contains("no column `z`"), "{err}");
        let f = file("t,y\n1,2\n2,abc\n");
        let err = read_numeric_columns(f.path(), &["t", "y"])
            .unwrap_err()
            .to_string();
        assert!(
            err.ends_with(":3:2: column `y`: `abc` is not a number"),
            "{err}"
        );
        let f = file("t,y\n1,NaN\n");
        let err = read_numeric_columns(f.path(), &["t", "y"]).unwrap_err();
        assert!(err.to_string().contains("not a finite number") && err.is_bad_input());
        let missing = read_numeric_columns(Path::new("/nonexistent/x.csv"), &["t"]).unwrap_err();
        assert!(missing.is_bad_input());
    }
}
