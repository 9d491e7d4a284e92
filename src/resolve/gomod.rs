//! `go.work` and `go.mod` files: finding them and what Go version a module asks for (the
//! directives themselves are parsed by [`gover_core::gomod`], which the shim shares).
//!
//! A module file is read only when no `.go-version` was found, and only the nearest one.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use crate::resolve::repo_file::{self, Opened};
use crate::resolve::version_file;
use crate::version::{GoVersion, VersionRequest};

pub use gover_core::gomod::{
    Directive, GO_MOD, GO_WORK, Invalid, MAX_LEN, Parsed, Requirement, parse, release_name,
};

#[derive(Debug, thiserror::Error)]
pub enum GoModError {
    #[error("cannot read {}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("{}:{line}: {reason}", path.display())]
    Invalid {
        path: PathBuf,
        line: usize,
        reason: String,
    },
    #[error("{} is not a regular file (a FIFO, socket or device): gover does not read it", path.display())]
    NotAFile { path: PathBuf },
    #[error("GOWORK=`{}` is not an absolute path (as go requires)", path.display())]
    GoWorkNotAbsolute { path: PathBuf },
}

impl GoModError {
    pub fn hint(&self) -> Option<String> {
        Some(match self {
            GoModError::NotAFile { path } => format!(
                "remove {} or replace it with a regular file, or set GOVER_GOMOD=0 to ignore \
                 go.mod/go.work",
                path.display()
            ),
            GoModError::GoWorkNotAbsolute { .. } => {
                "set GOWORK to an absolute path to a go.work file, or to `off`".into()
            }
            GoModError::Read { .. } => {
                "fix the file's permissions, or set GOVER_GOMOD=0 to ignore go.mod/go.work".into()
            }
            GoModError::Invalid { .. } => "fix the line (e.g. `go 1.22.3`, `toolchain go1.22.5`), \
                 pin a version with `gover local`, or set GOVER_GOMOD=0 to ignore go.mod/go.work"
                .into(),
        })
    }
}

/// A parsed go.work or go.mod: where it is and its `go` and `toolchain` lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModFile {
    pub path: PathBuf,
    /// The `go` line, already turned into a release name (`go 1.22` → `1.22.0`).
    pub go: Option<Directive>,
    /// The `toolchain` line, unless it says `default`.
    pub toolchain: Option<Directive>,
}

impl ModFile {
    /// The version this file asks for: the `toolchain` release if it is at least the `go`
    /// line, else the `go` line as a minimum. `None` when the file has neither. A custom
    /// build (`toolchain go1.21.1-bigcorp`) is asked for exactly only if `custom_builds()`
    /// (the proxy source); see [`gover_core::gomod::requirement`].
    pub fn requirement(&self, custom_builds: impl Fn() -> bool) -> Option<Requirement> {
        gover_core::gomod::requirement(self.go.as_ref(), self.toolchain.as_ref(), custom_builds)
    }
}

/// The module file Go would use from `dir` (ignoring `GOWORK`): the nearest go.work in `dir`
/// or a parent, else the nearest go.mod, parsed.
pub fn find(dir: &Path) -> Result<Option<ModFile>, GoModError> {
    for name in [GO_WORK, GO_MOD] {
        for candidate in dir.ancestors() {
            if let Some((path, file)) = open(candidate.join(name))?
                && let Some(parsed) = read_opened(file, path)?
            {
                return Ok(Some(parsed));
            }
        }
    }
    Ok(None)
}

/// `path` opened without blocking if it is a regular file; `None` when missing or a directory.
pub fn open(path: PathBuf) -> Result<Option<(PathBuf, File)>, GoModError> {
    match repo_file::open(&path) {
        Ok(Opened::File(file)) => Ok(Some((path, file))),
        Ok(Opened::Missing | Opened::Directory) => Ok(None),
        Ok(Opened::NotRegular) => Err(GoModError::NotAFile { path }),
        Err(source) => Err(GoModError::Read { path, source }),
    }
}

/// Parse a file [`open_in`] opened. `Ok(None)` when it turned out to be a directory (which
/// opens fine on Unix; only reading it fails), so the caller can keep looking.
pub fn read_opened(file: File, path: PathBuf) -> Result<Option<ModFile>, GoModError> {
    let mut bytes = Vec::new();
    match file.take(MAX_LEN as u64 + 1).read_to_end(&mut bytes) {
        Ok(_) => {}
        Err(e) if e.kind() == io::ErrorKind::IsADirectory => return Ok(None),
        Err(source) => return Err(GoModError::Read { path, source }),
    }
    if bytes.len() > MAX_LEN {
        return Err(GoModError::Invalid {
            path,
            line: 1,
            reason: format!("larger than {MAX_LEN} bytes"),
        });
    }
    match parse(&bytes) {
        Ok((go, toolchain)) => Ok(Some(ModFile {
            path,
            go,
            toolchain,
        })),
        Err((line, reason)) => Err(GoModError::Invalid {
            path,
            line,
            reason: reason.to_string(),
        }),
    }
}

/// Read and parse the module file at `path`.
pub fn read(path: &Path) -> Result<ModFile, GoModError> {
    let missing = || GoModError::Read {
        path: path.to_path_buf(),
        source: io::ErrorKind::NotFound.into(),
    };
    let (path, file) = open(path.to_path_buf())?.ok_or_else(missing)?;
    read_opened(file, path.clone())?.ok_or_else(|| GoModError::Read {
        path: path.to_path_buf(),
        source: io::Error::from(io::ErrorKind::IsADirectory),
    })
}

/// Evidence that a `.go-version` pins a release older than the module's `go` line: a build
/// there would fail with `GOTOOLCHAIN=local` (which the shims set).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StalePin {
    /// The `.go-version` that wins here.
    pub pin_path: PathBuf,
    /// Its line that names the version (1-based).
    pub pin_line: usize,
    /// What it pins (an exact release or a minor line).
    pub pinned: VersionRequest,
    /// The nearest go.work/go.mod.
    pub module_path: PathBuf,
    /// Its `go` line (1-based) and the minimum release that line names.
    pub go_line: usize,
    pub go_min: GoVersion,
}

impl std::fmt::Display for StalePin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{} pins Go {}, older than the `go {}` line at {}:{}",
            self.pin_path.display(),
            self.pin_line,
            self.pinned,
            self.go_min,
            self.module_path.display(),
            self.go_line
        )
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StalePinError {
    #[error(transparent)]
    VersionFile(#[from] version_file::VersionFileError),
    #[error(transparent)]
    GoMod(#[from] GoModError),
}

/// For `gover doctor`: whether the `.go-version` in force at `dir` pins a version older than
/// the `go` line of the nearest go.work/go.mod. An exact pin is older when it is below the
/// minimum; a minor pin (`1.21`) when its whole line is below the minimum's line. `Ok(None)`
/// when there is no pin, no module file, no `go` line, or the pin is new enough.
pub fn stale_pin(dir: &Path) -> Result<Option<StalePin>, StalePinError> {
    let Some(pin) = version_file::find(dir)? else {
        return Ok(None);
    };
    let Some(module) = find(dir)? else {
        return Ok(None);
    };
    let Some(go) = module.go else {
        return Ok(None);
    };
    let older = match &pin.request {
        VersionRequest::Exact(v) => *v < go.version,
        VersionRequest::Minor(major, minor) => (*major, *minor) < go.version.minor_line(),
        VersionRequest::Latest | VersionRequest::AtLeast(_) => false,
    };
    if !older {
        return Ok(None);
    }
    let pin_line = version_file::request_line(&pin.path).unwrap_or(1);
    Ok(Some(StalePin {
        pin_path: pin.path,
        pin_line,
        pinned: pin.request,
        module_path: module.path,
        go_line: go.line,
        go_min: go.version,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> GoVersion {
        GoVersion::parse(s).unwrap()
    }

    #[test]
    fn find_prefers_a_go_work_anywhere_up_and_skips_a_directory_named_go_mod() {
        let tmp = tempfile::tempdir().unwrap();
        let deep = tmp.path().join("ws/mod/pkg");
        std::fs::create_dir_all(&deep).unwrap();
        std::fs::create_dir_all(tmp.path().join("ws/mod/pkg/go.mod")).unwrap();
        std::fs::write(tmp.path().join("ws/mod/go.mod"), "module m\ngo 1.21\n").unwrap();
        let found = find(&deep).unwrap().unwrap();
        assert_eq!(found.path, tmp.path().join("ws/mod/go.mod"));
        std::fs::write(tmp.path().join("ws/go.work"), "go 1.22.1\n").unwrap();
        assert_eq!(
            find(&deep).unwrap().unwrap().path,
            tmp.path().join("ws/go.work")
        );
    }

    #[test]
    fn stale_pin_reports_both_files_lines_and_versions() {
        let tmp = tempfile::tempdir().unwrap();
        let module = tmp.path().join("m");
        std::fs::create_dir_all(&module).unwrap();
        std::fs::write(tmp.path().join(".go-version"), "# team pin\n1.21.5\n").unwrap();
        std::fs::write(module.join("go.mod"), "module m\n\ngo 1.22\n").unwrap();
        let stale = stale_pin(&module).unwrap().unwrap();
        assert_eq!(
            stale,
            StalePin {
                pin_path: tmp.path().join(".go-version"),
                pin_line: 2,
                pinned: VersionRequest::Exact(v("1.21.5")),
                module_path: module.join("go.mod"),
                go_line: 3,
                go_min: v("1.22.0"),
            }
        );
        assert!(stale.to_string().contains(".go-version:2 pins Go 1.21.5"));
        assert!(stale.to_string().contains("`go 1.22.0` line at"));
        // A minor pin of an older line is stale; one of the same line is not.
        std::fs::write(tmp.path().join(".go-version"), "1.21\n").unwrap();
        assert!(stale_pin(&module).unwrap().is_some());
        std::fs::write(tmp.path().join(".go-version"), "1.22\n").unwrap();
        assert_eq!(stale_pin(&module).unwrap(), None);
        // A pin at or above the minimum is fine.
        std::fs::write(tmp.path().join(".go-version"), "1.22.0\n").unwrap();
        assert_eq!(stale_pin(&module).unwrap(), None);
        // No go line, or no pin: nothing to say.
        std::fs::write(tmp.path().join(".go-version"), "1.10\n").unwrap();
        std::fs::write(module.join("go.mod"), "module m\n").unwrap();
        assert_eq!(stale_pin(&module).unwrap(), None);
        std::fs::remove_file(tmp.path().join(".go-version")).unwrap();
        std::fs::write(module.join("go.mod"), "module m\ngo 1.22\n").unwrap();
        assert_eq!(stale_pin(&module).unwrap(), None);
    }

    #[test]
    fn stale_pin_surfaces_a_broken_go_mod() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join(".go-version"), "1.21.5\n").unwrap();
        std::fs::write(tmp.path().join("go.mod"), "module m\ngo one\n").unwrap();
        let err = stale_pin(tmp.path()).unwrap_err();
        assert!(
            err.to_string()
                .ends_with("go.mod:2: `go one` is not a Go version")
        );
    }
}
