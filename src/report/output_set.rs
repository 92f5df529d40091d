//! Writing a set of output files as a whole: every file goes into a temporary
//! sibling folder of the target (`.NAME.magcast-tmp-RANDOM`, same parent, so
//! one file system), is synced, a `manifest.json` listing the files and their
//! sizes is written last, and the folder is then swapped into place. On Linux
//! the swap is one `renameat2(RENAME_EXCHANGE)`, so at every instant the target
//! is the complete old set or the complete new one; elsewhere the old set is
//! renamed aside and the new one renamed in, so a reader may briefly find no
//! folder but never a mixed one.
//!
//! A lock file beside the target (`.NAME.magcast-lock`, removed when the
//! writer is done; a killed writer's is reused) keeps a second writer out: it
//! fails at once ([`OutputSetError::Locked`]) rather than waiting. Under the lock, temporaries of earlier runs that were killed
//! are removed. A folder that holds anything but a magcast output set is never
//! replaced.
//!
//! The new set is written through a [`StagedSet`] (`staged.rs`), whole files
//! or streamed ones. Test only: `MAGCAST_TEST_PAUSE_WRITE_MS` makes the writer
//! sleep that many milliseconds before each file and before the swap, so tests
//! can interrupt it.

use std::ffi::OsString;
use std::fs::File;
use std::path::{Path, PathBuf};

use super::manifest::{MANIFEST, Manifest, is_legacy_output};
use super::staged::StagedSet;

/// An output set could not be written; the target is as it was.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OutputSetError {
    /// A file system operation failed.
    #[error("cannot write `{}` ({what})", path.display())]
    Io {
        /// The target folder.
        path: PathBuf,
        /// What was being done.
        what: String,
        /// Why it failed.
        #[source]
        source: std::io::Error,
    },
    /// The target holds something that is not a magcast output set.
    #[error(
        "refusing to replace `{}`: it holds `{found}`, which is not part of a magcast output \
         set; give a new or empty folder, or one a run wrote",
        path.display()
    )]
    NotAnOutputSet {
        /// The target folder.
        path: PathBuf,
        /// The first entry that is not an output.
        found: String,
    },
    /// The target is the root, the working directory or one of its parents.
    #[error(
        "refusing to replace `{}`: it is the root, the working directory or contains it",
        path.display()
    )]
    WorkingDirectory {
        /// The target folder.
        path: PathBuf,
    },
    /// Another process is writing the same target.
    #[error(
        "`{}` is being written by another magcast run (it holds the lock `{}`); try again when it has finished",
        path.display(),
        lock.display()
    )]
    Locked {
        /// The target folder.
        path: PathBuf,
        /// The lock file.
        lock: PathBuf,
    },
}

impl OutputSetError {
    /// A folder that cannot be used, is full, or is busy is the user's to fix.
    pub fn is_bad_input(&self) -> bool {
        match self {
            OutputSetError::Io { source, .. } => super::atomic::is_users_to_fix(source.kind()),
            _ => true,
        }
    }
}

/// One file of a set: its path inside the set (`charts/fan-WORLD.svg`) and bytes.
#[derive(Debug, Clone)]
pub struct OutputFile {
    /// Relative path, `/`-separated, without `..`.
    pub path: String,
    /// Contents.
    pub bytes: Vec<u8>,
}

/// A target folder locked for writing by this process (until dropped).
#[derive(Debug)]
pub struct OutputTarget {
    /// The target, absolute.
    path: PathBuf,
    /// Its parent folder, where the temporaries and the lock live.
    parent: PathBuf,
    /// Its name.
    name: OsString,
    /// The lock file, removed when this value is dropped.
    lock_path: PathBuf,
    /// Held open, with the lock, while this value lives.
    _lock: File,
}

impl Drop for OutputTarget {
    /// Removes the lock file while the lock is still held (the file is
    /// closed after this), so a run that opened it meanwhile sees that it is
    /// gone and takes a fresh one ([`take_lock`]).
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.lock_path);
    }
}

/// Why a lock could not be taken.
enum LockFailure {
    /// Another process holds it.
    Busy,
    /// The file could not be made or locked.
    Io(std::io::Error),
}

/// Creates (or opens) the lock file and locks it without waiting. A lock
/// taken on a file that its holder removed on finishing is stale: the path
/// then names another file or none, and the lock is taken again.
fn take_lock(path: &Path) -> Result<File, LockFailure> {
    for _ in 0..100 {
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(path)
            .map_err(LockFailure::Io)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => return Err(LockFailure::Busy),
            Err(std::fs::TryLockError::Error(e)) => return Err(LockFailure::Io(e)),
        }
        if same_file(&file, path) {
            return Ok(file);
        }
    }
    Err(LockFailure::Io(std::io::Error::other(
        "the lock file kept being replaced",
    )))
}

/// Whether `path` still names the open `file`.
#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

/// Whether `path` still names the open `file` (an open file cannot be
/// removed here, so it always does).
#[cfg(not(unix))]
fn same_file(_file: &File, _path: &Path) -> bool {
    true
}

impl OutputTarget {
    /// Locks `out` for writing: creates its parent if missing, refuses a
    /// folder that is not an output set or is busy, and removes temporaries
    /// that killed runs left beside it.
    ///
    /// # Errors
    /// [`OutputSetError`] naming the folder; nothing is changed but the
    /// parent's creation.
    pub fn lock(out: &Path) -> Result<OutputTarget, OutputSetError> {
        let io = |what: &str| io_error(out, what);
        let path = resolve(out).map_err(io("finding the folder"))?;
        let (Some(parent), Some(name)) = (path.parent(), path.file_name()) else {
            return Err(OutputSetError::WorkingDirectory { path });
        };
        let (parent, name) = (parent.to_path_buf(), name.to_os_string());
        if let Ok(cwd) = std::env::current_dir().and_then(|d| d.canonicalize())
            && cwd.starts_with(&path)
        {
            return Err(OutputSetError::WorkingDirectory { path });
        }
        // Checked before the lock file is made, so a refused folder's parent
        // is left untouched; checked again under the lock.
        check_replaceable(&path)?;
        let lock_path = parent.join(hidden(&name, "magcast-lock"));
        let lock = take_lock(&lock_path).map_err(|e| match e {
            LockFailure::Busy => OutputSetError::Locked {
                path: path.clone(),
                lock: lock_path.clone(),
            },
            LockFailure::Io(e) => io("locking it")(e),
        })?;
        let target = OutputTarget {
            path,
            parent,
            name,
            lock_path,
            _lock: lock,
        };
        check_replaceable(&target.path)?;
        target.remove_stale()?;
        Ok(target)
    }

    /// The target folder, absolute.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes `files` and their manifest as the new set, whole or not at all.
    ///
    /// # Errors
    /// [`OutputSetError`] naming the folder; the old set, if any, is left as
    /// it was and the temporary folder is removed.
    pub fn write(self, files: &[OutputFile]) -> Result<(), OutputSetError> {
        let mut staged = self.stage()?;
        for f in files {
            staged.add(f)?;
        }
        staged.commit()
    }

    /// Starts the new set in a temporary sibling folder, for files written
    /// one at a time ([`StagedSet`]); nothing is replaced until
    /// [`StagedSet::commit`].
    ///
    /// # Errors
    /// [`OutputSetError`] naming the folder if it cannot be replaced or the
    /// temporary folder cannot be made.
    pub fn stage(self) -> Result<StagedSet, OutputSetError> {
        check_replaceable(&self.path)?;
        let tmp = tempfile::Builder::new()
            .prefix(&hidden(&self.name, "magcast-tmp-"))
            .tempdir_in(&self.parent)
            .map_err(self.io("creating the temporary folder"))?;
        set_folder_mode(tmp.path()).map_err(self.io("creating the temporary folder"))?;
        Ok(StagedSet::new(self, tmp))
    }

    /// Checks again, just before the swap, that the target may be replaced.
    pub(super) fn recheck(&self) -> Result<(), OutputSetError> {
        check_replaceable(&self.path)
    }

    /// The target's parent folder.
    pub(super) fn parent(&self) -> &Path {
        &self.parent
    }

    pub(super) fn io(&self, what: &str) -> impl FnOnce(std::io::Error) -> OutputSetError + use<> {
        io_error(&self.path, what)
    }

    /// Removes `.NAME.magcast-tmp-*` beside the target: with the lock held,
    /// no live run is writing one.
    fn remove_stale(&self) -> Result<(), OutputSetError> {
        let prefix = hidden(&self.name, "magcast-tmp-");
        let list = std::fs::read_dir(&self.parent).map_err(self.io("reading its parent folder"))?;
        for entry in list.flatten() {
            let name = entry.file_name();
            if name.to_str().is_some_and(|n| n.starts_with(&prefix))
                && entry.file_type().is_ok_and(|t| t.is_dir())
            {
                std::fs::remove_dir_all(entry.path())
                    .map_err(self.io("removing a temporary folder an earlier run left"))?;
            }
        }
        Ok(())
    }
}

/// Refuses a target that exists and is not a folder, or holds anything
/// that is not part of an output set (by its manifest, or, for sets
/// written before manifests, by the names a run writes).
fn check_replaceable(path: &Path) -> Result<(), OutputSetError> {
    let io = |what: &str| io_error(path, what);
    let meta = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(io("reading it")(e)),
    };
    if !meta.is_dir() {
        let e = std::io::Error::from(std::io::ErrorKind::NotADirectory);
        return Err(io("it is not a folder")(e));
    }
    let listed: Option<Vec<String>> =
        Manifest::read(path).map(|m| m.files.into_iter().map(|f| f.path).collect());
    let allowed = |rel: &str, is_dir: bool| match &listed {
        Some(files) => {
            rel == MANIFEST
                || files.iter().any(|f| f == rel)
                || (is_dir && files.iter().any(|f| f.starts_with(&format!("{rel}/"))))
        }
        None => is_legacy_output(rel, is_dir),
    };
    let foreign = first_foreign(path, "", &allowed).map_err(io("reading it"))?;
    match foreign {
        Some(found) => Err(OutputSetError::NotAnOutputSet {
            path: path.to_path_buf(),
            found,
        }),
        None => Ok(()),
    }
}

/// An [`OutputSetError::Io`] about `path` while doing `what`.
fn io_error(path: &Path, what: &str) -> impl FnOnce(std::io::Error) -> OutputSetError + use<> {
    let path = path.to_path_buf();
    let what = what.to_string();
    move |source| OutputSetError::Io { path, what, source }
}

/// `out` made absolute, with the links and `.`/`..` of what exists resolved;
/// a missing parent is created.
fn resolve(out: &Path) -> std::io::Result<PathBuf> {
    if out.exists() {
        return out.canonicalize();
    }
    let name = out
        .file_name()
        .ok_or_else(|| std::io::Error::from(std::io::ErrorKind::NotFound))?;
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(parent)?;
    Ok(parent.canonicalize()?.join(name))
}

/// `.NAME.SUFFIX`, the name of a hidden sibling of the target.
fn hidden(name: &std::ffi::OsStr, suffix: &str) -> String {
    format!(".{}.{suffix}", name.to_string_lossy())
}

/// The first entry under `dir` (relative, `/`-separated, in name order) that
/// `allowed` refuses; only allowed folders are looked into, so a large folder
/// that is not an output set is refused at its first entry.
fn first_foreign(
    dir: &Path,
    prefix: &str,
    allowed: &dyn Fn(&str, bool) -> bool,
) -> std::io::Result<Option<String>> {
    let mut list: Vec<(String, bool, PathBuf)> = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let rel = format!("{prefix}{}", entry.file_name().to_string_lossy());
        list.push((rel, entry.file_type()?.is_dir(), entry.path()));
    }
    list.sort();
    for (rel, is_dir, abs) in list {
        if !allowed(&rel, is_dir) {
            return Ok(Some(rel));
        }
        if is_dir && let Some(found) = first_foreign(&abs, &format!("{rel}/"), allowed)? {
            return Ok(Some(found));
        }
    }
    Ok(None)
}

/// The temporary folder is private (0700); an output folder is an ordinary one.
fn set_folder_mode(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755))?;
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}
