//! Version files (`.go-version`, `.tool-versions`): reading one that was found, and finding the
//! nearest one for checks that only want the pin (`gover doctor`). The walk that decides the
//! active version is [`crate::resolve`]'s; the contents are parsed by
//! [`gover_core::version_file`], which the freestanding shim shares.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use crate::resolve::repo_file::{self, Opened};
use crate::version::VersionRequest;

pub use gover_core::version_file::{FILE_NAME, Invalid, Kind, MAX_LEN, TOOL_VERSIONS, parse};

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
    #[error("{} is not a regular file (a FIFO, socket or device): gover does not read it", path.display())]
    NotAFile { path: PathBuf },
}

impl VersionFileError {
    pub fn hint(&self) -> Option<String> {
        let path = match self {
            VersionFileError::NotAFile { path } => {
                return Some(format!(
                    "remove {} or make it a file holding one version such as `1.22.5`",
                    path.display()
                ));
            }
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

/// The nearest version file in `dir` or any of its parents that names a version.
pub fn find(dir: &Path) -> Result<Option<VersionFile>, VersionFileError> {
    for candidate in dir.ancestors() {
        if let Some(found) = in_dir(candidate)? {
            return Ok(Some(found));
        }
    }
    Ok(None)
}

/// The version file directly in `dir` that names a version (`.go-version` first).
pub fn in_dir(dir: &Path) -> Result<Option<VersionFile>, VersionFileError> {
    for kind in Kind::ALL {
        let path = dir.join(kind.file_name());
        let file = match repo_file::open(&path) {
            Ok(Opened::File(file)) => file,
            Ok(Opened::Missing | Opened::Directory) => continue,
            Ok(Opened::NotRegular) => return Err(VersionFileError::NotAFile { path }),
            Err(source) => return Err(VersionFileError::Read { path, source }),
        };
        if let Some(found) = read_opened(kind, file, path)? {
            return Ok(Some(found));
        }
    }
    Ok(None)
}

/// The 1-based line of the version file at `path` that names the version (for messages that
/// point at it); `None` if it cannot be read or names none.
pub fn request_line(path: &Path) -> Option<usize> {
    let Ok(Opened::File(mut file)) = repo_file::open(path) else {
        return None;
    };
    let mut text = String::new();
    file.read_to_string(&mut text).ok()?;
    match kind_of(path) {
        Kind::GoVersion => gover_core::version_file::request_line(&text),
        Kind::ToolVersions => gover_core::version_file::parse_tool_versions(text.as_bytes())
            .ok()
            .flatten()
            .map(|(_, line)| line),
    }
}

/// Which kind of version file `path` is, by its name.
pub fn kind_of(path: &Path) -> Kind {
    if path.file_name() == Some(TOOL_VERSIONS.as_ref()) {
        Kind::ToolVersions
    } else {
        Kind::GoVersion
    }
}

/// Read and parse the version file at `path` (one recorded earlier, e.g. in `seen/`).
pub fn read(path: &Path) -> Result<VersionFile, VersionFileError> {
    let path = path.to_path_buf();
    let file = match repo_file::open(&path) {
        Ok(Opened::File(file)) => file,
        Ok(Opened::Missing) => {
            return Err(VersionFileError::Read {
                path,
                source: io::ErrorKind::NotFound.into(),
            });
        }
        Ok(Opened::Directory) => {
            return Err(VersionFileError::Read {
                path,
                source: io::ErrorKind::IsADirectory.into(),
            });
        }
        Ok(Opened::NotRegular) => return Err(VersionFileError::NotAFile { path }),
        Err(source) => return Err(VersionFileError::Read { path, source }),
    };
    read_opened(kind_of(&path), file, path.clone())?.ok_or(VersionFileError::Invalid {
        path,
        reason: Invalid::Empty.to_string(),
    })
}

/// Parse a version file opened as a regular file; `Ok(None)` when it names no version (an
/// empty `.go-version`, a `.tool-versions` without a Go line): the walk goes on.
pub fn read_opened(
    kind: Kind,
    file: File,
    path: PathBuf,
) -> Result<Option<VersionFile>, VersionFileError> {
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
    match kind.parse(&bytes) {
        Ok(request) => Ok(request.map(|request| VersionFile { path, request })),
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
