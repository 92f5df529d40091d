//! `manifest.json`, the last file of an output set: which files make up the
//! set and their sizes, so a reader can check that a set is whole, and so a
//! writer knows a folder is a set it may replace.

use std::path::Path;

use serde::{Deserialize, Serialize};

/// The name of the manifest inside a set.
pub const MANIFEST: &str = "manifest.json";
/// What a manifest's `format` says.
const FORMAT: &str = "magcast output set";
/// Files and folders a magcast run wrote before sets had a manifest.
const LEGACY_FILES: [&str; 5] = [
    "projections.csv",
    "scenarios.json",
    "summary.csv",
    "iamc.csv",
    "report.html",
];

/// `manifest.json`: which files make up the set, so a reader can check it is whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always `magcast output set`.
    pub format: String,
    /// The release that wrote the set.
    pub magcast_version: String,
    /// Every file but the manifest, in the order written.
    pub files: Vec<ManifestEntry>,
}

/// One file of a [`Manifest`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestEntry {
    /// Relative path inside the set.
    pub path: String,
    /// Size in bytes.
    pub bytes: u64,
}

impl Manifest {
    /// The manifest of `files`, in the order written.
    pub fn new(files: Vec<ManifestEntry>) -> Manifest {
        Manifest {
            format: FORMAT.into(),
            magcast_version: env!("CARGO_PKG_VERSION").into(),
            files,
        }
    }

    /// The manifest of the set in `dir`, if it has one magcast wrote.
    pub fn read(dir: &Path) -> Option<Manifest> {
        let text = std::fs::read(dir.join(MANIFEST)).ok()?;
        let m: Manifest = serde_json::from_slice(&text).ok()?;
        (m.format == FORMAT).then_some(m)
    }

    /// Whether every listed file in `dir` exists with its listed size.
    pub fn matches(&self, dir: &Path) -> bool {
        self.files.iter().all(|f| {
            std::fs::metadata(dir.join(&f.path)).is_ok_and(|m| m.is_file() && m.len() == f.bytes)
        })
    }
}

/// A name a run wrote before sets had manifests: the five files, `charts/`
/// and the SVG files in it.
pub(super) fn is_legacy_output(rel: &str, is_dir: bool) -> bool {
    match rel.strip_prefix("charts/") {
        Some(svg) => !is_dir && !svg.contains('/') && svg.ends_with(".svg"),
        None => (is_dir && rel == "charts") || (!is_dir && LEGACY_FILES.contains(&rel)),
    }
}
