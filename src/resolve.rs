//! Which Go version is active here, and why.
//!
//! Precedence, first match wins:
//! 1. `GOVER_VERSION`;
//! 2. the nearest `.go-version` in the current directory or a parent;
//! 3. the `current` link (the global default).
//!
//! The shim calls this on every `go` invocation, so it reads no index and parses no config.
//! A `.go-version` that chooses the version is recorded in `seen/` (one syscall).

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use crate::env;
use crate::home::Home;
use crate::inventory;
use crate::seen;
use crate::version::{GoVersion, VersionRequest};
use crate::version_file::{self, VersionFileError};

/// Where the active version request came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Env,
    VersionFile(PathBuf),
    Default,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Env => write!(f, "set by {}", env::GOVER_VERSION),
            Source::VersionFile(path) => write!(f, "set by {}", path.display()),
            Source::Default => f.write_str("global default"),
        }
    }
}

/// The version asked for here and where the ask came from; not yet matched to an install.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Active {
    pub request: VersionRequest,
    pub source: Source,
}

#[derive(Debug, thiserror::Error)]
pub enum ResolveError {
    #[error("no Go version is active: no {var}, no .go-version here or above, and no default", var = env::GOVER_VERSION)]
    NoVersion,
    #[error("{var}=`{value}` is not a Go version", var = env::GOVER_VERSION)]
    BadEnv { value: String },
    #[error(transparent)]
    VersionFile(#[from] VersionFileError),
    #[error("{} is not a symlink to a version", path.display())]
    CurrentNotALink { path: PathBuf },
    #[error("cannot read the current directory")]
    Cwd(#[source] io::Error),
    #[error("Go {request} is not installed ({origin})")]
    NotInstalled {
        request: VersionRequest,
        origin: Source,
    },
}

impl ResolveError {
    pub fn hint(&self) -> Option<String> {
        match self {
            ResolveError::NoVersion => Some(
                "install one with `gover install latest`, or pin one with `gover local 1.22.5`"
                    .into(),
            ),
            ResolveError::BadEnv { .. } => Some(format!(
                "set {} to a version like 1.22.5 or 1.22, or unset it",
                env::GOVER_VERSION
            )),
            ResolveError::VersionFile(e) => e.hint(),
            ResolveError::CurrentNotALink { path } => Some(format!(
                "move {} out of the way, then run `gover use <version>`",
                path.display()
            )),
            ResolveError::Cwd(_) => None,
            ResolveError::NotInstalled { request, .. } => {
                Some(format!("run `gover install {request}`"))
            }
        }
    }
}

/// The active request for a process running in `cwd`.
pub fn active(home: &Home, cwd: &Path) -> Result<Active, ResolveError> {
    if let Some(value) = env::var(env::GOVER_VERSION) {
        let request = VersionRequest::parse(&value).map_err(|_| ResolveError::BadEnv { value })?;
        return Ok(Active {
            request,
            source: Source::Env,
        });
    }
    if let Some(file) = version_file::find(cwd)? {
        // One symlink(2) call; what `gover prune --unused` uses to keep this version.
        seen::record(home, &file.path);
        return Ok(Active {
            request: file.request,
            source: Source::VersionFile(file.path),
        });
    }
    match default_version(home)? {
        Some(v) => Ok(Active {
            request: VersionRequest::Exact(v),
            source: Source::Default,
        }),
        None => Err(ResolveError::NoVersion),
    }
}

/// [`active`] for the process's own current directory.
pub fn active_here(home: &Home) -> Result<Active, ResolveError> {
    let cwd = std::env::current_dir().map_err(ResolveError::Cwd)?;
    active(home, &cwd)
}

/// The version `current` points at, whether or not it is still installed.
pub fn default_version(home: &Home) -> Result<Option<GoVersion>, ResolveError> {
    let link = home.current_link();
    match std::fs::read_link(&link) {
        Ok(target) => Ok(target
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| GoVersion::parse(n).ok())),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        // EINVAL: it exists but is not a symlink (a directory or file put there by hand).
        Err(_) => Err(ResolveError::CurrentNotALink { path: link }),
    }
}

impl Active {
    /// The installed version that satisfies this request: for a partial request, the newest
    /// installed match.
    pub fn installed(&self, home: &Home) -> Result<GoVersion, ResolveError> {
        let found = match &self.request {
            VersionRequest::Exact(v) => inventory::is_installed(home, v).then(|| v.clone()),
            request => request.best_match(&inventory::installed(home)).cloned(),
        };
        found.ok_or_else(|| ResolveError::NotInstalled {
            request: self.request.clone(),
            origin: self.source.clone(),
        })
    }
}
