//! Reading a CSV file defensively: UTF-8 checked field by field, a BOM and CRLF
//! accepted, blank lines skipped, short and long rows reported with their line.
//! Both loaders (tidy and UN Comtrade) read through this.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use super::error::{DataError, Location, ProblemList};

/// Most data rows accepted in one file; a larger extract should be filtered first.
pub const MAX_ROWS: usize = 20_000_000;

/// Longest line accepted, in bytes (1 MiB). A customs row is a few hundred
/// bytes; without a limit a 50 MB header of empty columns makes the CSV
/// parser hold 50 million field bounds (gigabytes) before anything can be said.
pub const MAX_LINE_BYTES: usize = 1 << 20;

/// Largest quantity a data file may hold (tonnes, US$, US$/t): world exports
/// are about 6·10⁴ t and 3·10⁹ US$ a year, and values up to here keep every
/// product the engine forms finite (and yearly totals within f32).
pub const MAX_QUANTITY: f64 = 1e12;

/// An open CSV file whose header has been read.
pub(crate) struct CsvInput {
    path: PathBuf,
    reader: csv::Reader<Box<dyn Read>>,
    header: Vec<String>,
    max_rows: usize,
}

/// One data row, with what is needed to report a problem at any of its fields.
pub(crate) struct Row<'a> {
    path: &'a Path,
    header: &'a [String],
    record: &'a csv::ByteRecord,
    line: u64,
}

impl CsvInput {
    /// Opens `path` and reads its header.
    pub(crate) fn open(path: &Path) -> Result<CsvInput, DataError> {
        let file = File::open(path).map_err(|e| DataError::io(path, e))?;
        if file.metadata().map(|m| m.is_dir()).unwrap_or(false) {
            return Err(DataError::io(
                path,
                std::io::Error::new(std::io::ErrorKind::IsADirectory, "is a directory"),
            ));
        }
        CsvInput::from_reader(path, BufReader::with_capacity(1 << 16, file))
    }

    /// Reads the header of CSV text from any reader; `path` names it in messages.
    pub(crate) fn from_reader(
        path: &Path,
        reader: impl Read + 'static,
    ) -> Result<CsvInput, DataError> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(Box::new(CrlfToLf::new(LineLimit::new(reader))) as Box<dyn Read>);
        let mut first = csv::ByteRecord::new();
        loop {
            let more = reader
                .read_byte_record(&mut first)
                .map_err(|e| csv_error(path, e))?;
            if !more {
                return Err(DataError::Empty {
                    path: path.to_path_buf(),
                });
            }
            if !is_blank(&first) {
                break;
            }
        }
        let line = first.position().map_or(1, |p| p.line());
        let mut header = Vec::with_capacity(first.len());
        for (i, raw) in first.iter().enumerate() {
            let raw = if i == 0 {
                raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(raw)
            } else {
                raw
            };
            let name = std::str::from_utf8(raw).map_err(|e| {
                DataError::at(
                    Location {
                        path: path.to_path_buf(),
                        line,
                        column: Some((i + 1, String::from_utf8_lossy(raw).into_owned())),
                    },
                    format!(
                        "the header is not valid UTF-8 (bad byte at offset {})",
                        e.valid_up_to()
                    ),
                )
            })?;
            header.push(name.trim().to_string());
        }
        Ok(CsvInput {
            path: path.to_path_buf(),
            reader,
            header,
            max_rows: MAX_ROWS,
        })
    }

    /// Refuses files with more than `max_rows` data rows.
    pub(crate) fn limit(mut self, max_rows: usize) -> CsvInput {
        self.max_rows = max_rows;
        self
    }

    /// The header's column names, trimmed, in file order.
    pub(crate) fn header(&self) -> &[String] {
        &self.header
    }

    /// The index of the column called `name` (ignoring case), if any.
    pub(crate) fn column(&self, name: &str) -> Option<usize> {
        self.header
            .iter()
            .position(|h| h.eq_ignore_ascii_case(name))
    }

    /// The index of a column the format requires.
    pub(crate) fn require(&self, name: &str) -> Result<usize, DataError> {
        self.column(name).ok_or_else(|| DataError::MissingColumn {
            path: self.path.clone(),
            column: name.to_string(),
            found: self
                .header
                .iter()
                .map(|h| format!("`{h}`"))
                .collect::<Vec<_>>()
                .join(", "),
        })
    }

    /// The file as named by the user.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Calls `each` for every non-blank data row whose field count matches the
    /// header; other rows are reported to `problems`. Returns the number of rows
    /// seen, or an error for an empty body, an unreadable file or too many rows.
    pub(crate) fn for_each_row(
        &mut self,
        problems: &mut ProblemList,
        mut each: impl FnMut(&Row<'_>, &mut ProblemList),
    ) -> Result<usize, DataError> {
        let mut record = csv::ByteRecord::new();
        let mut rows = 0usize;
        while self
            .reader
            .read_byte_record(&mut record)
            .map_err(|e| csv_error(&self.path, e))?
        {
            if is_blank(&record) {
                continue;
            }
            rows += 1;
            if rows > self.max_rows {
                return Err(DataError::TooLarge {
                    path: self.path.clone(),
                    limit: self.max_rows,
                });
            }
            let line = record.position().map_or(0, |p| p.line());
            if record.len() != self.header.len() {
                let what = if record.len() < self.header.len() {
                    "short row"
                } else {
                    "long row"
                };
                problems.push(
                    Location {
                        path: self.path.clone(),
                        line,
                        column: None,
                    },
                    format!(
                        "{what}: {} fields, but the header has {}",
                        record.len(),
                        self.header.len()
                    ),
                );
                continue;
            }
            let row = Row {
                path: &self.path,
                header: &self.header,
                record: &record,
                line,
            };
            // Every field, metadata included, must be text: a Latin-1 export would
            // otherwise be kept with replacement characters.
            let mut utf8 = true;
            for col in 0..record.len() {
                utf8 &= row.text(col, problems).is_some();
            }
            if utf8 {
                each(&row, problems);
            }
        }
        if rows == 0 {
            return Err(DataError::HeaderOnly {
                path: self.path.clone(),
            });
        }
        Ok(rows)
    }
}

impl Row<'_> {
    /// The 1-based line the row starts on.
    pub(crate) fn line(&self) -> u64 {
        self.line
    }

    /// Where field `col` of this row is.
    pub(crate) fn location(&self, col: usize) -> Location {
        Location {
            path: self.path.to_path_buf(),
            line: self.line,
            column: Some((col + 1, self.header[col].clone())),
        }
    }

    /// Field `col` as trimmed UTF-8 text, or a problem if it is not UTF-8.
    pub(crate) fn text(&self, col: usize, problems: &mut ProblemList) -> Option<&str> {
        let raw = self.record.get(col).unwrap_or_default();
        match std::str::from_utf8(raw) {
            Ok(s) => match s
                .chars()
                .find(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
            {
                // A NUL or escape would reach terminals and reports raw, and make
                // a known code look unknown.
                Some(c) => {
                    problems.push(
                        self.location(col),
                        format!(
                            "the field has a control character (U+{:04X}); remove it",
                            u32::from(c)
                        ),
                    );
                    None
                }
                None => Some(s.trim()),
            },
            Err(e) => {
                problems.push(
                    self.location(col),
                    format!(
                        "not valid UTF-8 (bad byte 0x{:02X} at offset {}); save the file as UTF-8",
                        raw[e.valid_up_to()],
                        e.valid_up_to()
                    ),
                );
                None
            }
        }
    }

    /// Field `col` as a finite quantity in [0, [`MAX_QUANTITY`]] (`what` names it in messages);
    /// `None` (with a problem recorded) if it is anything else. Blank gives `Ok(None)`.
    pub(crate) fn quantity(
        &self,
        col: usize,
        what: &str,
        problems: &mut ProblemList,
    ) -> Result<Option<f64>, ()> {
        let text = self.text(col, problems).ok_or(())?;
        if text.is_empty() {
            return Ok(None);
        }
        let refuse = |problems: &mut ProblemList, why: String| {
            problems.push(self.location(col), why);
            Err(())
        };
        match text.parse::<f64>() {
            Err(_) => refuse(
                problems,
                format!(
                    "`{text}` is not a number ({what} must be written like 1234.5, without thousands separators)"
                ),
            ),
            Ok(v) if v.is_nan() => refuse(problems, format!("{what} is NaN")),
            Ok(v) if v.is_infinite() => refuse(problems, format!("{what} is infinite")),
            Ok(v) if v < 0.0 => refuse(problems, format!("{what} is negative ({text})")),
            Ok(v) if v > MAX_QUANTITY => refuse(
                problems,
                format!(
                    "{what} is {text}, above {MAX_QUANTITY:e}: no figure of the magnet trade is that large, and results would not stay finite"
                ),
            ),
            Ok(v) => Ok(Some(v)),
        }
    }

    /// Every field whose index is not in `skip`, as owned text (lossy for bad UTF-8,
    /// which has been reported already).
    pub(crate) fn other_fields<'s>(
        &'s self,
        skip: &'s [usize],
    ) -> impl Iterator<Item = Box<str>> + 's {
        self.record
            .iter()
            .enumerate()
            .filter(move |(i, _)| !skip.contains(i))
            .map(|(_, raw)| String::from_utf8_lossy(raw).trim().into())
    }
}

fn is_blank(record: &csv::ByteRecord) -> bool {
    record.iter().all(|f| f.iter().all(u8::is_ascii_whitespace))
}

fn csv_error(path: &Path, e: csv::Error) -> DataError {
    let line = e.position().map_or(0, |p| p.line());
    match e.into_kind() {
        csv::ErrorKind::Io(io) => DataError::io(path, io),
        other => DataError::at(
            Location {
                path: path.to_path_buf(),
                line,
                column: None,
            },
            format!("malformed CSV: {other:?}"),
        ),
    }
}

/// Refuses a line longer than [`MAX_LINE_BYTES`] as it streams past, with its
/// line number, before the parser buffers it.
struct LineLimit<R> {
    inner: R,
    line: u64,
    in_line: usize,
}

impl<R> LineLimit<R> {
    fn new(inner: R) -> LineLimit<R> {
        LineLimit {
            inner,
            line: 1,
            in_line: 0,
        }
    }
}

impl<R: Read> Read for LineLimit<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        for &b in &buf[..n] {
            if b == b'\n' {
                self.line += 1;
                self.in_line = 0;
            } else {
                self.in_line += 1;
                if self.in_line > MAX_LINE_BYTES {
                    return Err(std::io::Error::new(
                        std::io::ErrorKind::InvalidData,
                        format!(
                            "line {} is longer than {} bytes (1 MiB): not a CSV of customs facts",
                            self.line, MAX_LINE_BYTES
                        ),
                    ));
                }
            }
        }
        Ok(n)
    }
}

/// Turns CRLF line ends into LF before the CSV parser sees them. The parser accepts
/// CRLF itself, but then counts lines one short for every row after the header,
/// and line numbers in messages must be exact.
struct CrlfToLf<R> {
    inner: R,
    /// A CR ended the previous read; whether it starts a CRLF is not yet known.
    pending_cr: bool,
}

impl<R: Read> CrlfToLf<R> {
    fn new(inner: R) -> CrlfToLf<R> {
        CrlfToLf {
            inner,
            pending_cr: false,
        }
    }
}

impl<R: Read> Read for CrlfToLf<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if buf.len() < 2 {
            // Too small to hold a held-back CR and a byte; the CSV reader never asks
            // for so little, but stay correct if something does.
            if self.pending_cr && !buf.is_empty() {
                self.pending_cr = false;
                buf[0] = b'\r';
                return Ok(1);
            }
            return self.inner.read(buf);
        }
        loop {
            if self.pending_cr {
                let n = self.inner.read(&mut buf[1..])?;
                self.pending_cr = false;
                if n == 0 {
                    buf[0] = b'\r';
                    return Ok(1);
                }
                if buf[1] == b'\n' {
                    buf.copy_within(1..=n, 0);
                    return Ok(self.compact(buf, n));
                }
                buf[0] = b'\r';
                return Ok(self.compact(buf, n + 1));
            }
            let n = self.inner.read(buf)?;
            if n == 0 {
                return Ok(0);
            }
            let out = self.compact(buf, n);
            if out > 0 {
                return Ok(out);
            }
            // Only a held-back CR arrived: read on, since 0 would mean end of file.
        }
    }
}

impl<R> CrlfToLf<R> {
    /// Drops each CR of `buf[..n]` that precedes an LF, holding back a final CR.
    fn compact(&mut self, buf: &mut [u8], n: usize) -> usize {
        let mut out = 0;
        for i in 0..n {
            let b = buf[i];
            if b == b'\r' {
                if i + 1 == n {
                    self.pending_cr = true;
                    continue;
                }
                if buf[i + 1] == b'\n' {
                    continue;
                }
            }
            buf[out] = b;
            out += 1;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filtered(input: &[u8], chunk: usize) -> Vec<u8> {
        struct Chunks<'a>(&'a [u8], usize);
        impl Read for Chunks<'_> {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                let n = self.0.len().min(self.1).min(buf.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let mut out = Vec::new();
        let mut r = CrlfToLf::new(Chunks(input, chunk));
        let mut buf = [0u8; 8];
        loop {
            let n = r.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            out.extend_from_slice(&buf[..n]);
        }
        out
    }

    #[test]
    fn crlf_becomes_lf_across_read_boundaries() {
        let input = b"a,b\r\n1,2\r\n\"x\ry\",3\r\n\r";
        for chunk in 1..=8 {
            assert_eq!(
                filtered(input, chunk),
                b"a,b\n1,2\n\"x\ry\",3\n\r",
                "chunk {chunk}"
            );
        }
    }
}
