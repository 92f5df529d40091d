//! A shard's part file, `shard-I-of-N.part`: the magic `MAGCPART`, the format
//! version (u32), a length-prefixed header (the shard, its tasks, the run's
//! fingerprint and the inputs to load it again), then one frame per scenario
//! piece, each `[payload bytes][payload digest][scenario][scenario digest]
//! [first block][blocks]` as
//! little-endian u64s and a postcard payload, and an end mark (`u64::MAX`, the
//! number of frames). A part is written under a temporary name and renamed
//! when whole, so a part that exists is complete; a cut or altered one is
//! refused when read.

use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Seek, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::shard::{Piece, Shard, ShardError, bytes_digest};

const MAGIC: &[u8; 8] = b"MAGCPART";
const FORMAT: u32 = 1;
/// The frame length that marks the end of the frames.
const END: u64 = u64::MAX;
/// What a part cut short is told.
const CUT: &str = "it ends early (cut short when copied, or still being written?)";
/// The largest header read (a header holds the run's inputs, a few KB).
const MAX_HEADER: u64 = 1 << 24;

/// What a part says about itself and its run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct PartHeader {
    version: String,
    shard: Shard,
    tasks: (u64, u64),
    total_tasks: u64,
    scenarios: u64,
    fingerprint: u64,
    inputs: String,
}

impl PartHeader {
    pub(super) fn new(
        shard: Shard,
        tasks: &std::ops::Range<u64>,
        total_tasks: u64,
        scenarios: u64,
        fingerprint: u64,
        inputs: &str,
    ) -> PartHeader {
        PartHeader {
            version: env!("CARGO_PKG_VERSION").to_string(),
            shard,
            tasks: (tasks.start, tasks.end),
            total_tasks,
            scenarios,
            fingerprint,
            inputs: inputs.to_string(),
        }
    }
}

/// The file name of a shard's part.
pub fn part_name(shard: Shard) -> String {
    format!("shard-{}-of-{}.part", shard.index(), shard.count())
}

/// A part being written.
pub(super) struct PartWriter {
    path: PathBuf,
    file: BufWriter<tempfile::NamedTempFile>,
    frames: u64,
}

impl PartWriter {
    /// Starts `dir/shard-I-of-N.part` (creating `dir`) under a temporary name.
    pub(super) fn create(dir: &Path, header: &PartHeader) -> Result<PartWriter, ShardError> {
        let path = dir.join(part_name(header.shard));
        let fail = |source| ShardError::Write {
            path: path.clone(),
            source,
        };
        std::fs::create_dir_all(dir).map_err(fail)?;
        let tmp = tempfile::Builder::new()
            .prefix(".shard-")
            .suffix(".tmp")
            .tempfile_in(dir)
            .map_err(fail)?;
        let bytes = postcard::to_stdvec(header).map_err(|e| fail(std::io::Error::other(e)))?;
        let mut file = BufWriter::with_capacity(1 << 20, tmp);
        file.write_all(MAGIC)
            .and_then(|()| file.write_all(&FORMAT.to_le_bytes()))
            .and_then(|()| file.write_all(&(bytes.len() as u64).to_le_bytes()))
            .and_then(|()| file.write_all(&bytes))
            .map_err(fail)?;
        Ok(PartWriter {
            path,
            file,
            frames: 0,
        })
    }

    /// Adds one frame: scenario `scenario` (whose digest is `digest`), blocks
    /// `first..first + blocks`.
    pub(super) fn write(
        &mut self,
        scenario: usize,
        digest: u64,
        (first, blocks): (usize, usize),
        piece: &Piece,
    ) -> Result<(), ShardError> {
        let fail = |source| ShardError::Write {
            path: self.path.clone(),
            source,
        };
        let payload = postcard::to_stdvec(piece).map_err(|e| fail(std::io::Error::other(e)))?;
        let head = [
            payload.len() as u64,
            bytes_digest(&payload, 0),
            scenario as u64,
            digest,
            first as u64,
            blocks as u64,
        ];
        for v in head {
            self.file.write_all(&v.to_le_bytes()).map_err(fail)?;
        }
        self.file.write_all(&payload).map_err(fail)?;
        self.frames += 1;
        Ok(())
    }

    /// Ends the frames, syncs the file and gives it its name; returns the path.
    pub(super) fn finish(mut self) -> Result<PathBuf, ShardError> {
        let path = self.path.clone();
        let fail = |source| ShardError::Write {
            path: path.clone(),
            source,
        };
        self.file.write_all(&END.to_le_bytes()).map_err(fail)?;
        self.file
            .write_all(&self.frames.to_le_bytes())
            .map_err(fail)?;
        let tmp = self.file.into_inner().map_err(|e| fail(e.into_error()))?;
        tmp.as_file().sync_all().map_err(fail)?;
        tmp.persist(&path).map_err(|e| fail(e.error))?;
        Ok(path)
    }
}

/// A part whose header has been read.
#[derive(Debug)]
struct PartFile {
    path: PathBuf,
    header: PartHeader,
    /// Where its frames start.
    frames_at: u64,
    /// Its length in bytes.
    len: u64,
}

impl PartFile {
    fn open(path: &Path) -> Result<PartFile, ShardError> {
        let bad = |problem: &str| ShardError::Format {
            path: path.to_path_buf(),
            problem: problem.to_string(),
        };
        let read = |source: std::io::Error| match source.kind() {
            std::io::ErrorKind::UnexpectedEof => bad(CUT),
            _ => ShardError::Read {
                path: path.to_path_buf(),
                source,
            },
        };
        let file = File::open(path).map_err(read)?;
        let len = file.metadata().map_err(read)?.len();
        let mut r = BufReader::new(file);
        let mut magic = [0u8; 8];
        if r.read_exact(&mut magic).is_err() || &magic != MAGIC {
            return Err(bad("it does not start as one (written by `run --shard`?)"));
        }
        let mut word = [0u8; 4];
        r.read_exact(&mut word).map_err(read)?;
        let format = u32::from_le_bytes(word);
        if format != FORMAT {
            return Err(bad(&format!(
                "it has format {format}, and this magcast reads format {FORMAT}"
            )));
        }
        let size = read_u64(&mut r).map_err(read)?;
        if size > MAX_HEADER || 20 + size > len {
            return Err(bad("its header is cut or damaged"));
        }
        let mut bytes = vec![0u8; size as usize];
        r.read_exact(&mut bytes).map_err(read)?;
        let header: PartHeader =
            postcard::from_bytes(&bytes).map_err(|_| bad("its header is damaged"))?;
        if Shard::new(header.shard.index(), header.shard.count()).is_err()
            || header.shard.tasks(header.total_tasks) != (header.tasks.0..header.tasks.1)
        {
            return Err(bad("its header is damaged"));
        }
        // A part ends with its end mark: checked now, so a part cut short is
        // named before any output is written.
        let mut r = r.into_inner();
        let mut tail = [0u8; 16];
        let ends = len >= 20 + size + 16
            && r.seek(std::io::SeekFrom::End(-16)).is_ok()
            && r.read_exact(&mut tail).is_ok()
            && tail[..8] == END.to_le_bytes();
        if !ends {
            return Err(bad(CUT));
        }
        Ok(PartFile {
            path: path.to_path_buf(),
            header,
            frames_at: 20 + size,
            len,
        })
    }
}

fn read_u64(r: &mut impl Read) -> std::io::Result<u64> {
    let mut word = [0u8; 8];
    r.read_exact(&mut word)?;
    Ok(u64::from_le_bytes(word))
}

/// Every shard's part of one run, in shard order, checked to belong together.
#[derive(Debug)]
pub struct PartSet {
    parts: Vec<PartFile>,
}

impl PartSet {
    /// Reads the headers of `paths` (files, or folders whose `*.part` files
    /// are taken) and checks that they are the parts of one run, each shard
    /// exactly once.
    ///
    /// # Errors
    /// [`ShardError::NoParts`], [`ShardError::Read`], [`ShardError::Format`],
    /// [`ShardError::Mismatch`] (parts of different runs),
    /// [`ShardError::Duplicate`] and [`ShardError::Missing`].
    pub fn open(paths: &[PathBuf]) -> Result<PartSet, ShardError> {
        let mut parts = Vec::new();
        for path in expand(paths)? {
            parts.push(PartFile::open(&path)?);
        }
        let Some(first) = parts.first() else {
            return Err(ShardError::NoParts);
        };
        for p in &parts[1..] {
            if let Some(problem) = differs(&first.header, &p.header) {
                return Err(ShardError::Mismatch {
                    path: p.path.clone(),
                    other: first.path.clone(),
                    problem,
                });
            }
        }
        let count = first.header.shard.count();
        parts.sort_by_key(|p| p.header.shard.index());
        for w in parts.windows(2) {
            if w[0].header.shard == w[1].header.shard {
                return Err(ShardError::Duplicate {
                    index: w[0].header.shard.index(),
                    count,
                    first: w[0].path.clone(),
                    second: w[1].path.clone(),
                });
            }
        }
        let missing: Vec<usize> = (0..count)
            .filter(|&i| {
                parts
                    .binary_search_by_key(&i, |p| p.header.shard.index())
                    .is_err()
            })
            .collect();
        if !missing.is_empty() {
            return Err(ShardError::Missing { missing, count });
        }
        Ok(PartSet { parts })
    }

    fn header(&self) -> &PartHeader {
        &self.parts[0].header
    }

    /// The inputs the shards recorded (how to load their run again).
    pub fn inputs(&self) -> &str {
        &self.header().inputs
    }

    /// The shards the run was cut into.
    pub fn count(&self) -> usize {
        self.header().shard.count()
    }

    pub(super) fn scenarios(&self) -> u64 {
        self.header().scenarios
    }

    pub(super) fn fingerprint(&self) -> u64 {
        self.header().fingerprint
    }

    pub(super) fn total_tasks(&self) -> u64 {
        self.header().total_tasks
    }

    /// A reader of every part's frames, in shard order.
    pub(super) fn frames(&self) -> Frames<'_> {
        Frames {
            set: self,
            part: 0,
            reader: None,
            read: 0,
        }
    }
}

/// What differs between two parts' headers that would make them parts of
/// different runs, if anything.
fn differs(a: &PartHeader, b: &PartHeader) -> Option<String> {
    if a.version != b.version {
        return Some(format!(
            "written by magcast {} and {}",
            b.version, a.version
        ));
    }
    if a.shard.count() != b.shard.count() {
        return Some(format!(
            "a run cut into {} shards and one cut into {}",
            b.shard.count(),
            a.shard.count()
        ));
    }
    let same_run = a.fingerprint == b.fingerprint
        && a.total_tasks == b.total_tasks
        && a.scenarios == b.scenarios
        && a.inputs == b.inputs;
    (!same_run).then(|| "their scenarios, data, models, seed or draws differ".to_string())
}

/// The part files named by `paths`: files as given, folders' `*.part`
/// files by name.
fn expand(paths: &[PathBuf]) -> Result<Vec<PathBuf>, ShardError> {
    let mut out = Vec::new();
    for path in paths {
        if !path.is_dir() {
            out.push(path.clone());
            continue;
        }
        let read = |source| ShardError::Read {
            path: path.clone(),
            source,
        };
        let mut found = Vec::new();
        for entry in std::fs::read_dir(path).map_err(read)? {
            let p = entry.map_err(read)?.path();
            if p.extension().is_some_and(|e| e == "part") && p.is_file() {
                found.push(p);
            }
        }
        found.sort();
        out.extend(found);
    }
    Ok(out)
}

/// One frame's head: which scenario, its digest, which blocks, and the
/// payload's length.
pub(super) struct Frame {
    /// A digest of the payload's bytes.
    check: u64,
    pub(super) scenario: usize,
    pub(super) digest: u64,
    pub(super) first: usize,
    pub(super) blocks: usize,
    len: u64,
}

/// Reads a [`PartSet`]'s frames in order, part after part.
pub(super) struct Frames<'p> {
    set: &'p PartSet,
    part: usize,
    reader: Option<BufReader<File>>,
    /// Frames read from the current part.
    read: u64,
}

impl Frames<'_> {
    /// The part being read (or the last one).
    pub(super) fn path(&self) -> &Path {
        &self.set.parts[self.part.min(self.set.parts.len() - 1)].path
    }

    fn bad(&self, problem: impl Into<String>) -> ShardError {
        ShardError::Format {
            path: self.path().to_path_buf(),
            problem: problem.into(),
        }
    }

    fn io(&self) -> impl Fn(std::io::Error) -> ShardError + use<> {
        let path = self.path().to_path_buf();
        move |e| {
            if e.kind() == std::io::ErrorKind::UnexpectedEof {
                ShardError::Format {
                    path: path.clone(),
                    problem: CUT.into(),
                }
            } else {
                ShardError::Read {
                    path: path.clone(),
                    source: e,
                }
            }
        }
    }

    /// The next frame's head, or `None` after the last part's end mark.
    pub(super) fn next_frame(&mut self) -> Result<Option<Frame>, ShardError> {
        loop {
            let Some(part) = self.set.parts.get(self.part) else {
                return Ok(None);
            };
            let io = self.io();
            if self.reader.is_none() {
                let mut file = File::open(&part.path).map_err(&io)?;
                file.seek(std::io::SeekFrom::Start(part.frames_at))
                    .map_err(&io)?;
                self.reader = Some(BufReader::with_capacity(1 << 20, file));
                self.read = 0;
            }
            let r = self.reader.as_mut().expect("opened above");
            let len = read_u64(r).map_err(&io)?;
            if len == END {
                let frames = read_u64(r).map_err(&io)?;
                let at_end = r.read(&mut [0u8; 1]).map_err(&io)? == 0;
                if frames != self.read || !at_end {
                    return Err(self.bad("its end mark does not match its frames"));
                }
                self.reader = None;
                self.part += 1;
                continue;
            }
            let [check, scenario, digest, first, blocks] = [(); 5].map(|()| read_u64(r));
            let (check, scenario, digest, first, blocks) = (
                check.map_err(&io)?,
                scenario.map_err(&io)?,
                digest.map_err(&io)?,
                first.map_err(&io)?,
                blocks.map_err(&io)?,
            );
            let pos = r.stream_position().map_err(&io)?;
            if len > part.len.saturating_sub(pos) || scenario >= self.set.scenarios() {
                return Err(self.bad("a frame is damaged"));
            }
            self.read += 1;
            return Ok(Some(Frame {
                check,
                scenario: scenario as usize,
                digest,
                first: usize::try_from(first).map_err(|_| self.bad("a frame is damaged"))?,
                blocks: usize::try_from(blocks).map_err(|_| self.bad("a frame is damaged"))?,
                len,
            }));
        }
    }

    /// Passes over a frame's payload.
    pub(super) fn skip(&mut self, frame: &Frame) -> Result<(), ShardError> {
        let io = self.io();
        let r = self.reader.as_mut().expect("a frame was read");
        r.seek_relative(frame.len as i64).map_err(io)
    }

    /// Reads a frame's payload.
    pub(super) fn read_piece(&mut self, frame: &Frame) -> Result<Piece, ShardError> {
        let io = self.io();
        let r = self.reader.as_mut().expect("a frame was read");
        let mut bytes = vec![0u8; frame.len as usize];
        r.read_exact(&mut bytes).map_err(io)?;
        if bytes_digest(&bytes, 0) != frame.check {
            return Err(self.bad("a frame's payload is damaged"));
        }
        postcard::from_bytes(&bytes).map_err(|_| self.bad("a frame's payload is damaged"))
    }

    /// The error of parts that end before scenario `i`'s tasks are all read.
    pub(super) fn ended_before(&self, i: usize) -> ShardError {
        self.bad(format!(
            "the parts end before every task of scenario {} of the run (of {} tasks) is read",
            i + 1,
            self.set.total_tasks()
        ))
    }
}
