//! Which Go version is active here, and why.
//!
//! Precedence, first match wins:
//! 1. `GOVER_VERSION`;
//! 2. the nearest `.go-version` or `.tool-versions` that names a version, in the current
//!    directory or a parent;
//! 3. when there is none anywhere up the tree, the module file Go itself would use (unless
//!    `GOVER_GOMOD=0`): the one `GOWORK` names, else the nearest `go.work`, else the nearest
//!    `go.mod`; its `toolchain` line exactly, else its `go` line as a minimum (a custom build,
//!    `toolchain go1.21.1-bigcorp`, exactly with the proxy source, else its version as a
//!    minimum);
//! 4. the `current` link (the global default).
//!
//! 2 and 3 are one walk up the tree, defined once in [`gover_core::walk`]. A version file in a
//! parent beats a go.mod in a child: it is an explicit pin (say, a monorepo's team toolchain),
//! while a `go` line is only a minimum.
//!
//! It reads no index, moves up with one directory handle per level (`openat(dir, "..")`, so a
//! lookup costs the same at any depth), opens every name without blocking and reads regular
//! files only ([`crate::resolve::repo_file`]), and parses at most one module file. A version file that
//! chooses the version is recorded in `seen/` (one syscall), and so is a go.work or go.mod
//! whose `toolchain` or `go` line does.
//! The freestanding shim (`src/bin/gover-shim/freestanding/resolve.rs`) follows the same precedence on raw
//! system calls with the same `gover-core` parsers, and hands every case it does not finish
//! to this module (through `gover __shim`); `tests/shim_freestanding.rs` checks they agree.

pub mod gomod;
pub mod repo_file;
pub mod seen;
pub mod version_file;

use std::fmt;
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use gover_core::walk::{GoWork, Name, Walk};

use crate::env;
use crate::home::Home;
use crate::home::inventory;
use crate::version::{GoVersion, VersionRequest};
use gomod::GoModError;
use repo_file::Opened;
use version_file::VersionFileError;

/// Where the active version request came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    Env,
    VersionFile(PathBuf),
    /// A go.work or go.mod, and the line (1-based) that decided.
    GoMod {
        path: PathBuf,
        line: usize,
    },
    Default,
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Env => write!(f, "set by {}", env::GOVER_VERSION),
            Reason::VersionFile(path) => write!(f, "set by {}", path.display()),
            Reason::GoMod { path, line } => write!(f, "set by {}:{line}", path.display()),
            Reason::Default => f.write_str("global default"),
        }
    }
}

/// The version asked for here and where the ask came from; not yet matched to an install.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Active {
    pub request: VersionRequest,
    pub source: Reason,
    /// Things `gover current` should mention: version files passed over because they name
    /// nothing, a suffixed toolchain taken as a minimum.
    pub notes: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ResolveError {
    #[error("no Go version is active: no {var}, no .go-version, .tool-versions, go.work or go.mod here or above, and no default", var = env::GOVER_VERSION)]
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
        /// Boxed: a request (a custom build's name inline) would make every error large.
        request: Box<VersionRequest>,
        origin: Reason,
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

/// The active request for a process running in `cwd`, with the source `GOVER_SOURCE` names.
pub fn active(home: &Home, cwd: &Path) -> Result<Active, ResolveError> {
    active_with(home, cwd, custom_builds_from_env)
}

/// Whether `GOVER_SOURCE` picks the proxy source, the one that can install a custom build.
pub fn custom_builds_from_env() -> bool {
    gover_core::env::is_proxy_source(env::var(env::GOVER_SOURCE).as_deref())
}

/// [`active`] with the source given (`custom_builds`: the proxy source, for `--source proxy`;
/// asked only when a go.mod names a custom build).
pub fn active_with(
    home: &Home,
    cwd: &Path,
    custom_builds: impl Fn() -> bool,
) -> Result<Active, ResolveError> {
    if let Some(value) = env::var(env::GOVER_VERSION) {
        let request = VersionRequest::parse(&value).map_err(|_| ResolveError::BadEnv { value })?;
        return Ok(Active {
            request,
            source: Reason::Env,
            notes: Vec::new(),
        });
    }
    if let Some(pinned) = pinned_with(cwd, custom_builds)? {
        // One symlink(2) call; what `gover prune --unused` uses to keep this version.
        match &pinned.source {
            Reason::VersionFile(path) | Reason::GoMod { path, .. } => seen::record(home, path),
            Reason::Env | Reason::Default => {}
        }
        return Ok(pinned);
    }
    match default_version(home)? {
        Some(v) => Ok(Active {
            request: VersionRequest::Exact(v),
            source: Reason::Default,
            notes: Vec::new(),
        }),
        None => Err(ResolveError::NoVersion),
    }
}

/// Steps 2 and 3 of the precedence: the nearest version file that names a version, else the
/// module file Go would use. `None` when neither says anything.
pub fn pinned(cwd: &Path) -> Result<Option<Active>, ResolveError> {
    pinned_with(cwd, custom_builds_from_env)
}

fn pinned_with(
    cwd: &Path,
    custom_builds: impl Fn() -> bool,
) -> Result<Option<Active>, ResolveError> {
    let modules = env::flag(env::GOVER_GOMOD).unwrap_or(true);
    let gowork_var = std::env::var_os(env::GOWORK);
    let gowork = GoWork::from_env(gowork_var.as_deref().map(|v| v.as_bytes()));
    let mut walk = Walk::new(modules, gowork);
    let mut notes = Vec::new();
    // The nearest go.work and go.mod, opened but not read: a version file further up wins.
    let mut work: Option<(PathBuf, std::fs::File)> = None;
    let mut module: Option<(PathBuf, std::fs::File)> = None;
    let mut dir = cwd.to_path_buf();
    let mut handle = repo_file::Dir::open(&dir).map_err(ResolveError::Cwd)?;
    // Parents are lexical: below a symlinked directory (a logical `$PWD`), `..` is not the
    // parent the path names, so each parent is opened by its path instead.
    let lexical = std::fs::canonicalize(cwd).is_ok_and(|real| real != cwd);
    loop {
        for name in Name::ORDER {
            if !walk.wants(name) {
                continue;
            }
            let path = dir.join(name.file_name());
            let file = match handle.open_file(name.file_name()) {
                Ok(Opened::File(file)) => file,
                Ok(Opened::Missing | Opened::Directory) => continue,
                Ok(Opened::NotRegular) => return Err(not_a_file(name, path)),
                Err(source) => return Err(read_error(name, path, source)),
            };
            match name {
                Name::VersionFile(kind) => {
                    match version_file::read_opened(kind, file, path.clone())? {
                        Some(found) => {
                            return Ok(Some(Active {
                                request: found.request,
                                source: Reason::VersionFile(found.path),
                                notes,
                            }));
                        }
                        None => notes.push(format!(
                            "{} names no version; it was passed over",
                            path.display()
                        )),
                    }
                }
                Name::GoWork => work = Some((path, file)),
                Name::GoMod => module = Some((path, file)),
            }
            walk.found(name);
        }
        if !dir.pop() {
            break;
        }
        handle = if lexical {
            repo_file::Dir::open(&dir)
        } else {
            handle.parent()
        }
        .map_err(ResolveError::Cwd)?;
    }
    if !modules {
        return Ok(None);
    }
    let chosen = match gowork {
        GoWork::File(path) => {
            let path = PathBuf::from(std::ffi::OsStr::from_bytes(path));
            if !path.is_absolute() {
                return Err(GoModError::GoWorkNotAbsolute { path }.into());
            }
            let missing = || GoModError::Read {
                path: path.clone(),
                source: io::ErrorKind::NotFound.into(),
            };
            Some(gomod::open(path.clone())?.ok_or_else(missing)?)
        }
        GoWork::Auto | GoWork::Off => work.or(module),
    };
    let Some((path, file)) = chosen else {
        return Ok(None);
    };
    let Some(parsed) = gomod::read_opened(file, path)? else {
        return Ok(None);
    };
    Ok(parsed.requirement(&custom_builds).map(|requirement| {
        if requirement.suffixed {
            let why = if custom_builds() {
                "by that name (its suffix must be `-` then lowercase letters, digits, `.` and `-`)"
            } else {
                "from the dist source (only the proxy source serves one: GOVER_SOURCE=proxy)"
            };
            notes.push(format!(
                "{}:{} names a custom toolchain build gover cannot install {why}; its version is \
                 used as a minimum",
                parsed.path.display(),
                requirement.line
            ));
        }
        Active {
            request: requirement.request,
            source: Reason::GoMod {
                path: parsed.path,
                line: requirement.line,
            },
            notes,
        }
    }))
}

fn not_a_file(name: Name, path: PathBuf) -> ResolveError {
    match name {
        Name::VersionFile(_) => VersionFileError::NotAFile { path }.into(),
        Name::GoWork | Name::GoMod => GoModError::NotAFile { path }.into(),
    }
}

fn read_error(name: Name, path: PathBuf, source: io::Error) -> ResolveError {
    match name {
        Name::VersionFile(_) => VersionFileError::Read { path, source }.into(),
        Name::GoWork | Name::GoMod => GoModError::Read { path, source }.into(),
    }
}

/// The SPEC to pass to `gover install` for `request`: a go.mod minimum installs the release
/// its `go` line names.
pub fn install_spec(request: &VersionRequest) -> String {
    match request {
        VersionRequest::AtLeast(v) => v.to_string(),
        other => other.to_string(),
    }
}

/// [`active`] for the process's own current directory ([`current_dir`]).
pub fn active_here(home: &Home) -> Result<Active, ResolveError> {
    let cwd = current_dir().map_err(ResolveError::Cwd)?;
    active(home, &cwd)
}

/// The current directory as Go's `os.Getwd` gives it, where the walk starts: `$PWD` when it is
/// a clean absolute path naming the same directory (a shell's logical path through a
/// symlink), else the physical one.
pub fn current_dir() -> io::Result<PathBuf> {
    use std::os::unix::fs::MetadataExt;
    let physical = std::env::current_dir()?;
    if let Some(pwd) = std::env::var_os("PWD")
        && gover_core::walk::usable_pwd(pwd.as_bytes())
        && Path::new(&pwd) != physical
        && let (Ok(logical), Ok(here)) = (std::fs::metadata(&pwd), std::fs::metadata("."))
        && (logical.dev(), logical.ino()) == (here.dev(), here.ino())
    {
        return Ok(PathBuf::from(pwd));
    }
    Ok(physical)
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
            request: Box::new(self.request.clone()),
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
            Reason::VersionFile(tmp.path().join("repo/.go-version"))
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
            Reason::GoMod {
                path: module.join("go.mod"),
                line: 3
            }
        );
    }

    #[test]
    fn a_go_work_anywhere_up_beats_the_nearest_go_mod_as_in_go() {
        // See: issue 12 item 1.
        let tmp = tempfile::tempdir().unwrap();
        write(&tmp.path().join("go.work"), "go 1.23.0\n");
        let module = tmp.path().join("m");
        write(&module.join("go.mod"), "module m\ngo 1.21.3\n");
        let line = |dir: &Path| match pinned_at(dir).unwrap().source {
            Reason::GoMod { path, .. } => path,
            other => panic!("{other:?}"),
        };
        assert_eq!(line(&module), tmp.path().join("go.work"));
        assert_eq!(line(tmp.path()), tmp.path().join("go.work"));
        write(&module.join("go.work"), "go 1.22\n");
        assert_eq!(line(&module), module.join("go.work"));
    }

    #[test]
    fn an_empty_go_version_is_passed_over_with_a_note() {
        // See: issue 12 item 7.
        let tmp = tempfile::tempdir().unwrap();
        write(&tmp.path().join(".tool-versions"), "golang 1.22.5\n");
        let sub = tmp.path().join("sub");
        write(&sub.join(".go-version"), "# nothing yet\n");
        let active = pinned_at(&sub).unwrap();
        assert_eq!(
            active.source,
            Reason::VersionFile(tmp.path().join(".tool-versions"))
        );
        assert_eq!(active.notes.len(), 1, "{:?}", active.notes);
        assert!(active.notes[0].contains("sub/.go-version names no version"));
        // Same directory: .go-version first.
        write(&tmp.path().join(".go-version"), "1.21.0\n");
        assert_eq!(
            pinned_at(tmp.path()).unwrap().source,
            Reason::VersionFile(tmp.path().join(".go-version"))
        );
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
