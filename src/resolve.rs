//! Which Go version is active here, and why.
//!
//! Precedence, first match wins:
//! 1. `GOVER_VERSION`;
//! 2. the nearest `.go-version` in the current directory or a parent;
//! 3. when there is no `.go-version` anywhere up the tree, the nearest `go.work` or `go.mod`
//!    (unless `GOVER_GOMOD=0`): its `toolchain` line exactly, else its `go` line as a minimum;
//! 4. the `current` link (the global default).
//!
//! 2 and 3 are one walk up the tree: at each level `.go-version` is tried, then (until one is
//! found) `go.work` and `go.mod`. A `.go-version` in a parent beats a go.mod in a child: it
//! is an explicit pin (say, a monorepo's team toolchain), while a `go` line is only a minimum.
//!
//! It reads no index, costs one `open` attempt per file name per level, and parses at most one
//! module file. A `.go-version` that chooses the version is recorded in `seen/` (one syscall).
//! The freestanding shim (`shims/freestanding/resolve.rs`) follows the same precedence on raw
//! system calls with the same `gover-core` parsers, and hands every case it does not finish
//! to this module (through `gover __shim`); `tests/shim_freestanding.rs` checks they agree.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use crate::env;
use crate::gomod::{self, GoModError};
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
    /// A go.work or go.mod, and the line (1-based) that decided.
    GoMod {
        path: PathBuf,
        line: usize,
    },
    Default,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Env => write!(f, "set by {}", env::GOVER_VERSION),
            Source::VersionFile(path) => write!(f, "set by {}", path.display()),
            Source::GoMod { path, line } => write!(f, "set by {}:{line}", path.display()),
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
    #[error("no Go version is active: no {var}, no .go-version or go.mod here or above, and no default", var = env::GOVER_VERSION)]
    NoVersion,
    #[error("{var}=`{value}` is not a Go version", var = env::GOVER_VERSION)]
    BadEnv { value: String },
    #[error(transparent)]
    VersionFile(#[from] VersionFileError),
    #[error(transparent)]
    GoMod(#[from] GoModError),
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
            ResolveError::GoMod(e) => e.hint(),
            ResolveError::CurrentNotALink { path } => Some(format!(
                "move {} out of the way, then run `gover use <version>`",
                path.display()
            )),
            ResolveError::Cwd(_) => None,
            ResolveError::NotInstalled { request, .. } => {
                Some(format!("run `gover install {}`", install_spec(request)))
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
    if let Some(pinned) = pinned(cwd)? {
        if let Source::VersionFile(path) = &pinned.source {
            // One symlink(2) call; what `gover prune --unused` uses to keep this version.
            seen::record(home, path);
        }
        return Ok(pinned);
    }
    match default_version(home)? {
        Some(v) => Ok(Active {
            request: VersionRequest::Exact(v),
            source: Source::Default,
        }),
        None => Err(ResolveError::NoVersion),
    }
}

/// Steps 2 and 3 of the precedence: the nearest `.go-version`, else the nearest go.work or
/// go.mod that names a version. `None` when neither says anything.
pub fn pinned(cwd: &Path) -> Result<Option<Active>, ResolveError> {
    let gomod_on = env::flag(env::GOVER_GOMOD).unwrap_or(true);
    // The first module file seen, opened but not read: a `.go-version` further up still wins.
    let mut module = None;
    for dir in cwd.ancestors() {
        if let Some(file) = version_file::in_dir(dir)? {
            return Ok(Some(Active {
                request: file.request,
                source: Source::VersionFile(file.path),
            }));
        }
        if gomod_on && module.is_none() {
            module = gomod::open_in(dir)?.map(|opened| (dir, opened));
        }
    }
    let Some((dir, (path, file))) = module else {
        return Ok(None);
    };
    let parsed = match gomod::read_opened(file, path)? {
        Some(parsed) => Some(parsed),
        // It was a directory named go.work/go.mod: look again from there, reading as we go.
        None => gomod::find(dir)?,
    };
    Ok(parsed.and_then(|m| {
        let requirement = m.requirement()?;
        Some(Active {
            request: requirement.request,
            source: Source::GoMod {
                path: m.path,
                line: requirement.line,
            },
        })
    }))
}

/// The SPEC to pass to `gover install` for `request`: a go.mod minimum installs the release
/// its `go` line names.
pub fn install_spec(request: &VersionRequest) -> String {
    match request {
        VersionRequest::AtLeast(v) => v.to_string(),
        other => other.to_string(),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &Path, text: &str) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn pinned_at(dir: &Path) -> Option<Active> {
        pinned(dir).unwrap()
    }

    #[test]
    fn go_mod_decides_when_there_is_no_go_version() {
        let tmp = tempfile::tempdir().unwrap();
        let module = tmp.path().join("m");
        write(&module.join("go.mod"), "module m\n\ngo 1.22\n");
        std::fs::create_dir_all(module.join("sub/dir")).unwrap();
        let active = pinned_at(&module.join("sub/dir")).unwrap();
        assert_eq!(
            active.request,
            VersionRequest::AtLeast(GoVersion::parse("1.22.0").unwrap())
        );
        assert_eq!(
            active.source.to_string(),
            format!("set by {}:3", module.join("go.mod").display())
        );
    }

    #[test]
    fn a_go_version_anywhere_up_beats_a_nearer_go_mod() {
        let tmp = tempfile::tempdir().unwrap();
        let module = tmp.path().join("repo/svc");
        write(
            &module.join("go.mod"),
            "module svc\ngo 1.21\ntoolchain go1.22.5\n",
        );
        write(&tmp.path().join("repo/.go-version"), "1.22.1\n");
        let active = pinned_at(&module).unwrap();
        assert_eq!(
            active.source,
            Source::VersionFile(tmp.path().join("repo/.go-version"))
        );
        // Without the pin the toolchain line decides.
        std::fs::remove_file(tmp.path().join("repo/.go-version")).unwrap();
        let active = pinned_at(&module).unwrap();
        assert_eq!(
            active.request,
            VersionRequest::Exact(GoVersion::parse("1.22.5").unwrap())
        );
        assert_eq!(
            active.source,
            Source::GoMod {
                path: module.join("go.mod"),
                line: 3
            }
        );
    }

    #[test]
    fn nearest_module_file_wins_and_go_work_beats_go_mod() {
        let tmp = tempfile::tempdir().unwrap();
        write(&tmp.path().join("go.work"), "go 1.23.0\n");
        let module = tmp.path().join("m");
        write(&module.join("go.mod"), "module m\ngo 1.21.3\n");
        let line = |dir: &Path| match pinned_at(dir).unwrap().source {
            Source::GoMod { path, .. } => path,
            other => panic!("{other:?}"),
        };
        assert_eq!(line(&module), module.join("go.mod"));
        assert_eq!(line(tmp.path()), tmp.path().join("go.work"));
        write(&module.join("go.work"), "go 1.22\n");
        assert_eq!(line(&module), module.join("go.work"));
    }

    #[test]
    fn a_module_file_without_go_or_toolchain_says_nothing_and_a_bad_one_is_an_error() {
        let tmp = tempfile::tempdir().unwrap();
        write(&tmp.path().join("go.mod"), "module m\n");
        assert_eq!(pinned_at(tmp.path()), None);
        write(&tmp.path().join("go.mod"), "module m\ngo 1.x\n");
        let err = pinned(tmp.path()).unwrap_err();
        assert!(matches!(err, ResolveError::GoMod(_)));
        assert!(err.to_string().contains("go.mod:2"), "{err}");
    }
}
