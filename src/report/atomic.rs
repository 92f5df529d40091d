//! Writing output files so that a reader never sees half of one: the bytes go to
//! a temporary file in the same folder, which is then renamed over the target.

use std::io::Write;
use std::path::{Path, PathBuf};

/// A file that could not be written.
#[derive(Debug, thiserror::Error)]
#[error("cannot write `{}`", path.display())]
pub struct WriteError {
    /// The target file.
    pub path: PathBuf,
    /// Why.
    #[source]
    pub source: std::io::Error,
}

impl WriteError {
    /// A folder that does not exist, is a file, or may not be written is the
    /// user's to fix.
    pub fn is_bad_input(&self) -> bool {
        is_users_to_fix(self.source.kind())
    }
}

/// I/O failures the user fixes (a missing, unwritable or full place), as
/// opposed to faults of the program: exit code 2 rather than 1.
pub(crate) fn is_users_to_fix(kind: std::io::ErrorKind) -> bool {
    use std::io::ErrorKind as K;
    matches!(
        kind,
        K::NotFound
            | K::PermissionDenied
            | K::NotADirectory
            | K::IsADirectory
            | K::ReadOnlyFilesystem
            | K::AlreadyExists
            | K::StorageFull
            | K::QuotaExceeded
            | K::FileTooLarge
    )
}

/// Writes `bytes` to `path` atomically (temporary file, then rename).
///
/// # Errors
/// [`WriteError`] naming the file; the target is left as it was.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    let fail = |source| WriteError {
        path: path.to_path_buf(),
        source,
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(fail)?;
    // Temporary files are private (0600); an output file is an ordinary one.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))
            .map_err(fail)?;
    }
    tmp.write_all(bytes).map_err(fail)?;
    tmp.as_file().sync_all().map_err(fail)?;
    tmp.persist(path).map_err(|e| fail(e.error))?;
    Ok(())
}
