//! A new output set being written in its temporary folder: files are added
//! whole ([`StagedSet::add`]) or streamed ([`StagedSet::create`], then
//! [`StagedSet::close`]), each synced; [`StagedSet::commit`] writes the
//! manifest last, syncs the folders and swaps the set into place. Dropped
//! before the commit, it removes the temporary folder and leaves the target as
//! it was.

use std::collections::BTreeSet;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use super::manifest::{MANIFEST, Manifest, ManifestEntry};
use super::output_set::{OutputFile, OutputSetError, OutputTarget};

/// A set under construction; see the module documentation.
#[derive(Debug)]
pub struct StagedSet {
    target: OutputTarget,
    tmp: tempfile::TempDir,
    /// The files closed so far, in order, with their sizes.
    files: Vec<ManifestEntry>,
}

/// One file of a [`StagedSet`] being written: buffered, its bytes counted for
/// the manifest. Hand it back to [`StagedSet::close`] when done; a file never
/// closed is not part of the set.
#[derive(Debug)]
pub struct StagedFile {
    path: String,
    writer: BufWriter<File>,
    bytes: u64,
}

impl Write for StagedFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.writer.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.writer.flush()
    }
}

impl StagedFile {
    /// Its path inside the set.
    pub fn path(&self) -> &str {
        &self.path
    }
}

impl StagedSet {
    pub(super) fn new(target: OutputTarget, tmp: tempfile::TempDir) -> StagedSet {
        StagedSet {
            target,
            tmp,
            files: Vec::new(),
        }
    }

    /// The error of `what` failing on `file`, naming the target and the
    /// temporary folder.
    pub fn file_error(
        &self,
        file: &str,
        what: &str,
    ) -> impl FnOnce(std::io::Error) -> OutputSetError + use<> {
        self.target.io(&format!(
            "{what} `{file}` into `{}`",
            self.tmp.path().display()
        ))
    }

    /// Opens `rel` (a `/`-separated path without `..`) for writing.
    ///
    /// # Errors
    /// [`OutputSetError::Io`] if it cannot be created.
    pub fn create(&self, rel: &str) -> Result<StagedFile, OutputSetError> {
        test_pause();
        let path = self.tmp.path().join(rel);
        let open = || -> std::io::Result<File> {
            if let Some(p) = path.parent() {
                std::fs::create_dir_all(p)?;
            }
            File::create(&path)
        };
        let file = open().map_err(self.file_error(rel, "creating"))?;
        Ok(StagedFile {
            path: rel.to_string(),
            writer: BufWriter::with_capacity(1 << 16, file),
            bytes: 0,
        })
    }

    /// Flushes and syncs `file` and lists it in the set.
    ///
    /// # Errors
    /// [`OutputSetError::Io`] if it cannot be written out.
    pub fn close(&mut self, file: StagedFile) -> Result<(), OutputSetError> {
        let StagedFile {
            path,
            writer,
            bytes,
        } = file;
        let error = self.file_error(&path, "writing");
        let synced = writer
            .into_inner()
            .map_err(std::io::IntoInnerError::into_error)
            .and_then(|f| f.sync_all());
        synced.map_err(error)?;
        self.files.push(ManifestEntry { path, bytes });
        Ok(())
    }

    /// Writes a whole file into the set.
    ///
    /// # Errors
    /// [`OutputSetError::Io`] if it cannot be written.
    pub fn add(&mut self, f: &OutputFile) -> Result<(), OutputSetError> {
        let mut file = self.create(&f.path)?;
        file.write_all(&f.bytes)
            .map_err(self.file_error(&f.path, "writing"))?;
        self.close(file)
    }

    /// Writes the manifest and puts the set in place of the target's old one.
    ///
    /// # Errors
    /// [`OutputSetError`] naming the folder; the old set, if any, is left as
    /// it was and the temporary folder is removed.
    pub fn commit(mut self) -> Result<(), OutputSetError> {
        let manifest = Manifest::new(std::mem::take(&mut self.files));
        let bytes = serde_json::to_vec_pretty(&manifest).map_err(|e| {
            self.target.io("writing the manifest")(std::io::Error::other(e.to_string()))
        })?;
        self.add(&OutputFile {
            path: MANIFEST.into(),
            bytes,
        })?;
        sync_folders(self.tmp.path(), &manifest.files)
            .map_err(self.target.io("syncing the temporary folder"))?;
        self.target.recheck()?;
        test_pause();
        swap(self.tmp.path(), self.target.path())
            .map_err(self.target.io("moving the new set into place"))?;
        sync_folder(self.target.parent()).map_err(self.target.io("syncing its parent folder"))?;
        // `tmp` now holds the old set (or nothing) and is removed on drop.
        Ok(())
    }
}

/// Syncs every folder the files were written in, then `dir` itself.
fn sync_folders(dir: &Path, files: &[ManifestEntry]) -> std::io::Result<()> {
    let subs: BTreeSet<&str> = files
        .iter()
        .filter_map(|f| f.path.rsplit_once('/').map(|(d, _)| d))
        .collect();
    for sub in subs {
        sync_folder(&dir.join(sub))?;
    }
    sync_folder(dir)
}

fn sync_folder(dir: &Path) -> std::io::Result<()> {
    File::open(dir)?.sync_all()
}

/// Puts the folder `new` at `target`, leaving the old set (if any) at `new`.
#[cfg(target_os = "linux")]
fn swap(new: &Path, target: &Path) -> std::io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    match renameat_with(CWD, new, CWD, target, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(()),
        Err(rustix::io::Errno::NOENT) if !target.exists() => {
            renameat_with(CWD, new, CWD, target, RenameFlags::NOREPLACE).map_err(Into::into)
        }
        Err(e) => Err(e.into()),
    }
}

/// Puts the folder `new` at `target`, leaving the old set (if any) at `new`:
/// two renames, between which `target` is missing for an instant.
#[cfg(not(target_os = "linux"))]
fn swap(new: &Path, target: &Path) -> std::io::Result<()> {
    swap_by_renames(new, target)
}

/// The swap where there is no atomic exchange: the old set is renamed aside,
/// the new one into place, and the old one to `new` (to be removed with the
/// temporary folder); if the second rename fails the old set is put back.
/// Compiled on every platform so that Linux tests check it too.
#[cfg_attr(target_os = "linux", allow(dead_code))]
fn swap_by_renames(new: &Path, target: &Path) -> std::io::Result<()> {
    if !target.exists() {
        return std::fs::rename(new, target);
    }
    let mut aside = new.as_os_str().to_owned();
    aside.push("-old");
    let aside = std::path::PathBuf::from(aside);
    std::fs::rename(target, &aside)?;
    if let Err(e) = std::fs::rename(new, target) {
        std::fs::rename(&aside, target)?;
        return Err(e);
    }
    std::fs::rename(&aside, new)
}

/// Sleeps for `MAGCAST_TEST_PAUSE_WRITE_MS` (tests only; unset: no pause).
fn test_pause() {
    if let Some(ms) = std::env::var("MAGCAST_TEST_PAUSE_WRITE_MS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        std::thread::sleep(std::time::Duration::from_millis(ms));
    }
}

#[cfg(test)]
mod tests {
    use super::{swap, swap_by_renames};
    use std::path::Path;

    fn set(dir: &Path, text: &str) {
        std::fs::create_dir_all(dir).unwrap();
        std::fs::write(dir.join("summary.csv"), text).unwrap();
    }

    fn read(dir: &Path) -> String {
        std::fs::read_to_string(dir.join("summary.csv")).unwrap()
    }

    /// Both swaps leave the new set at the target and the old one at the
    /// temporary folder's path, with an old set or without one.
    #[test]
    fn both_swaps_exchange_the_sets() {
        type Swap = fn(&Path, &Path) -> std::io::Result<()>;
        for (name, f) in [("exchange", swap as Swap), ("renames", swap_by_renames)] {
            let dir = tempfile::tempdir().unwrap();
            let (new, target) = (dir.path().join(".out.tmp"), dir.path().join("out"));
            set(&new, "first");
            f(&new, &target).unwrap();
            assert_eq!(read(&target), "first", "{name}");
            assert!(
                !new.exists(),
                "{name}: nothing is left where there was no old set"
            );
            set(&new, "second");
            f(&new, &target).unwrap();
            assert_eq!(read(&target), "second", "{name}");
            assert_eq!(read(&new), "first", "{name}: the old set is left to remove");
            let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
            assert_eq!(left.len(), 2, "{name}: no third folder is left");
        }
    }

    /// When the new set cannot be moved in, the renames put the old one back.
    #[test]
    fn a_failed_rename_puts_the_old_set_back() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out");
        set(&target, "old");
        let missing = dir.path().join(".out.tmp-gone");
        assert!(swap_by_renames(&missing, &target).is_err());
        assert_eq!(read(&target), "old");
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(
            left.len(),
            1,
            "the old set is back and nothing else is left"
        );
    }
}
