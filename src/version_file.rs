//! `.go-version` files: finding the nearest one (walking up from a directory) and parsing it.
//!
//! Discovery costs one `open` per directory level and nothing else; the contents are parsed by
//! [`gover_core::version_file`], which the freestanding shim shares.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use crate::fsutil;
use crate::version::VersionRequest;

pub use gover_core::version_file::{FILE_NAME, Invalid, MAX_LEN, parse};

#[derive(Debug, thiserror::Error)]
pub enum VersionFileError {
    #[error("cannot read {}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("{} does not name a Go version: {reason}", path.display())]
    Invalid { path: PathBuf, reason: String },
}

impl VersionFileError {
    pub fn hint(&self) -> Option<String> {
        let path = match self {
            VersionFileError::Read { path, .. } | VersionFileError::Invalid { path, .. } => path,
        };
        Some(format!(
            "write one version such as `1.22.5` or `1.22` into {} (e.g. with `gover local 1.22.5`)",
            path.display()
        ))
    }
}

/// A version file that was found, and what it asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionFile {
    pub path: PathBuf,
    pub request: VersionRequest,
}

/// The nearest `.go-version` in `dir` or any of its parents, parsed.
pub fn find(dir: &Path) -> Result<Option<VersionFile>, VersionFileError> {
    for candidate in dir.ancestors() {
        if let Some(found) = in_dir(candidate)? {
            return Ok(Some(found));
        }
    }
    Ok(None)
}

/// The `.go-version` directly in `dir`, parsed: one `open` attempt, nothing else.
pub fn in_dir(dir: &Path) -> Result<Option<VersionFile>, VersionFileError> {
    let path = dir.join(FILE_NAME);
    let file = match fsutil::open_if_present(&path) {
        Ok(Some(file)) => file,
        Ok(None) => return Ok(None),
        Err(source) => return Err(VersionFileError::Read { path, source }),
    };
    match read_from(file, path) {
        // Opening a directory succeeds on Unix; reading it is what fails: not a version file.
        Err(VersionFileError::Read { source, .. })
            if source.kind() == io::ErrorKind::IsADirectory =>
        {
            Ok(None)
        }
        other => other.map(Some),
    }
}

/// The 1-based line of the version file at `path` that names the version (for messages that
/// point at it); `None` if it cannot be read or names none.
pub fn request_line(path: &Path) -> Option<usize> {
    gover_core::version_file::request_line(&std::fs::read_to_string(path).ok()?)
}

/// Read and parse the version file at `path`.
pub fn read(path: &Path) -> Result<VersionFile, VersionFileError> {
    let file = File::open(path).map_err(|source| VersionFileError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    read_from(file, path.to_path_buf())
}

fn read_from(file: File, path: PathBuf) -> Result<VersionFile, VersionFileError> {
    let mut bytes = Vec::new();
    if let Err(source) = file.take(MAX_LEN as u64 + 1).read_to_end(&mut bytes) {
        return Err(VersionFileError::Read { path, source });
    }
    if bytes.len() > MAX_LEN {
        return Err(VersionFileError::Invalid {
            path,
            reason: format!("larger than {MAX_LEN} bytes"),
        });
    }
    match parse(&bytes) {
        Ok(request) => Ok(VersionFile { path, request }),
        Err(reason) => Err(VersionFileError::Invalid {
            path,
            reason: reason.to_string(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::version::GoVersion;

    fn exact(s: &str) -> VersionRequest {
        VersionRequest::Exact(GoVersion::parse(s).unwrap())
    }

    #[test]
    fn finds_the_nearest_file_walking_up() {
        let tmp = tempfile::tempdir().unwrap();
        let deep = tmp.path().join("a/b/c");
        std::fs::create_dir_all(&deep).unwrap();
        assert_eq!(
            find(&deep).unwrap().map(|f| f.path).as_deref(),
            None::<&Path>
        );
        std::fs::write(tmp.path().join("a/.go-version"), "1.21.0\n").unwrap();
        let found = find(&deep).unwrap().unwrap();
        assert_eq!(found.path, tmp.path().join("a/.go-version"));
        assert_eq!(found.request, exact("1.21.0"));
        std::fs::write(tmp.path().join("a/b/.go-version"), "1.22\n").unwrap();
        assert_eq!(
            find(&deep).unwrap().unwrap().request,
            VersionRequest::Minor(1, 22)
        );
    }

    #[test]
    fn a_directory_named_go_version_is_skipped() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(tmp.path().join("p/.go-version")).unwrap();
        std::fs::write(tmp.path().join(".go-version"), "1.20\n").unwrap();
        let found = find(&tmp.path().join("p")).unwrap().unwrap();
        assert_eq!(found.path, tmp.path().join(".go-version"));
    }

    #[test]
    fn oversized_file_is_invalid() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join(".go-version");
        std::fs::write(&path, "1.22.5\n".repeat(1000)).unwrap();
        assert!(matches!(read(&path), Err(VersionFileError::Invalid { .. })));
    }
}
