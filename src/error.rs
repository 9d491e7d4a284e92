//! The error every command returns, its exit code, and how it is shown:
//! `error: ...`, one `  caused by: ...` line per source, then `hint: ...`.

use std::io::{self, Write};
use std::path::PathBuf;

use crate::download::DownloadError;
use crate::gover_self::error::SelfError;
use crate::home::HomeError;
use crate::http::HttpError;
use crate::import::error::ImportError;
use crate::install::unpack::error::UnpackError;
use crate::output::HINT;
use crate::resolve::ResolveError;
use crate::source::dist::index::IndexError;
use crate::source::goproxy::error::GoproxyError;
use crate::version::ParseRequestError;

pub use crate::exit;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Request(#[from] ParseRequestError),
    #[error(transparent)]
    Resolve(#[from] ResolveError),
    #[error(transparent)]
    Home(#[from] HomeError),
    #[error("cannot fetch the release index")]
    FetchIndex {
        #[source]
        source: HttpError,
        /// For `gover install`, whose hint may name `--allow-unverified` (no other command
        /// has that escape hatch).
        install: bool,
    },
    #[error(transparent)]
    Index(#[from] IndexError),
    #[error(transparent)]
    Download(#[from] DownloadError),
    #[error(transparent)]
    Import(#[from] ImportError),
    #[error(transparent)]
    SelfCmd(#[from] SelfError),
    /// `from`: the URL or path the archive came from.
    #[error("cannot unpack {from}")]
    Unpack {
        from: String,
        #[source]
        source: UnpackError,
    },
    #[error(transparent)]
    Goproxy(Box<GoproxyError>),
    #[error("Go {version} is not installed")]
    NotInstalled { version: String, hint: String },
    #[error("Go {version} is installed but damaged: {} cannot run: {reason}", path.display())]
    DamagedInstall {
        version: String,
        path: PathBuf,
        reason: &'static str,
    },
    #[error("Go {version} is the default version")]
    UninstallDefault { version: String },
    #[error(
        "Go {version} is in use by a running program (a `go` started through the shims or `gover exec`)"
    )]
    VersionInUse { version: String },
    #[error(
        "Go {version} is in use by a running program (a `go` started through the shims or `gover exec`); it cannot be replaced now"
    )]
    ReplaceInUse { version: String },
    #[error("Go {version} is pinned by {}", file.display())]
    VersionPinned { version: String, file: PathBuf },
    #[error("`{name}` is not a tool of Go {version}")]
    NoSuchTool {
        name: String,
        version: String,
        path: PathBuf,
    },
    #[error("cannot run `{}`", crate::output::text::printable(command))]
    Exec {
        command: String,
        /// What to do about it, when gover knows (a broken tool of an installed version).
        hint: Option<String>,
        #[source]
        source: io::Error,
    },
    #[error("prune could not finish {failed} of its {total} changes")]
    PruneIncomplete { failed: usize, total: usize },
    #[error("the gover-shim executable is missing next to {}", gover.display())]
    ShimMissing { gover: PathBuf, shim: PathBuf },
    #[error("offline: {what}")]
    Offline { what: String, hint: String },
    #[error("{name}=`{value}` is not valid")]
    BadEnv {
        name: &'static str,
        value: String,
        expected: &'static str,
    },
    #[error("`{given}` is not a minor line")]
    BadMinor { given: String },
    #[error("`{platform}` is not a Go platform")]
    BadPlatform { platform: String },
    #[error("cannot install `{request}` without a release index")]
    NeedsIndex { request: String },
    #[error("gover doctor found {errors} error(s) and {warnings} warning(s)")]
    DoctorFound {
        errors: usize,
        warnings: usize,
        strict: bool,
        /// Findings `--fix` would repair (0 right after a `--fix`).
        fixable: usize,
    },
    /// One item of a command given several (`gover install 1.21 1.22`), shown as it fails.
    #[error("cannot {action} {subject}")]
    One {
        action: &'static str,
        subject: String,
        #[source]
        source: Box<Error>,
    },
    /// The end of a command given several items, when some failed (each was shown already).
    #[error("{} of {total} failed to {action}: {}", failed.len(), failed.join(", "))]
    Several {
        action: &'static str,
        failed: Vec<String>,
        total: usize,
        code: u8,
    },
    /// A file or directory in a mirror that gover will not use as it is (a link, a bad head).
    #[error("{what}: {}", path.display())]
    MirrorFile {
        what: &'static str,
        path: PathBuf,
        hint: &'static str,
    },
    #[error("{action} {}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

impl From<GoproxyError> for Error {
    fn from(e: GoproxyError) -> Error {
        Error::Goproxy(Box::new(e))
    }
}

impl Error {
    /// An I/O failure on a path, e.g. `Error::io("cannot remove", path)(e)`.
    pub fn io(action: &'static str, path: impl Into<PathBuf>) -> impl FnOnce(io::Error) -> Error {
        let path = path.into();
        move |source| Error::Io {
            action,
            path,
            source,
        }
    }

    pub fn exit_code(&self) -> u8 {
        use exit::*;
        match self {
            Error::Request(_) => USAGE,
            Error::Resolve(ResolveError::NotInstalled { .. }) => NOT_FOUND,
            Error::Resolve(ResolveError::NoVersion) => NO_MATCH,
            Error::Resolve(ResolveError::CurrentNotALink { .. } | ResolveError::Cwd(_)) => {
                FILESYSTEM
            }
            Error::Resolve(_) => FAILURE,
            Error::Index(
                IndexError::Malformed { .. }
                | IndexError::BadChecksum { .. }
                | IndexError::UnsafeName { .. },
            ) => VERIFY,
            Error::Index(IndexError::NoChecksum { .. }) => FAILURE,
            Error::Index(_) | Error::NotInstalled { .. } => NO_MATCH,
            Error::FetchIndex {
                source: HttpError::TooLarge { .. },
                ..
            } => VERIFY,
            Error::FetchIndex { .. } => NETWORK,
            Error::Download(DownloadError::Http { .. } | DownloadError::Interrupted { .. }) => {
                NETWORK
            }
            Error::Download(
                DownloadError::Checksum { .. }
                | DownloadError::Size { .. }
                | DownloadError::TooLong { .. }
                | DownloadError::OverCap { .. },
            ) => VERIFY,
            Error::Unpack { source, .. } if source.is_write() => FILESYSTEM,
            Error::Unpack { .. } => VERIFY,
            Error::Goproxy(e) => e.exit_code(),
            Error::Home(_)
            | Error::Download(DownloadError::Cache { .. })
            | Error::Io { .. }
            | Error::MirrorFile { .. } => FILESYSTEM,
            Error::UninstallDefault { .. } => FAILURE,
            Error::DamagedInstall { .. } => CANNOT_EXECUTE,
            Error::VersionInUse { .. }
            | Error::ReplaceInUse { .. }
            | Error::VersionPinned { .. } => FAILURE,
            Error::NoSuchTool { .. } => NOT_FOUND,
            Error::Exec { source, .. } if source.kind() == io::ErrorKind::NotFound => NOT_FOUND,
            Error::Exec { .. } => CANNOT_EXECUTE,
            Error::ShimMissing { .. } => FAILURE,
            Error::PruneIncomplete { .. } => FILESYSTEM,
            Error::Offline { .. } => NETWORK,
            Error::BadEnv { .. } | Error::BadPlatform { .. } | Error::BadMinor { .. } => USAGE,
            Error::NeedsIndex { .. } => NO_MATCH,
            Error::DoctorFound { .. } => FAILURE,
            Error::One { source, .. } => source.exit_code(),
            Error::Import(ImportError::Taken { .. }) => FAILURE,
            Error::Import(_) => USAGE,
            Error::Several { code, .. } => *code,
            Error::SelfCmd(e) => e.exit_code(),
        }
    }

    pub fn hint(&self) -> Option<String> {
        match self {
            Error::SelfCmd(e) => e.hint(),
            Error::Request(_) => Some(
                "name a release such as 1.22.5, a minor line such as 1.22, or `latest`".into(),
            ),
            Error::Resolve(e) => e.hint(),
            Error::Home(e) => e.hint(),
            Error::FetchIndex { source, install } => Some(format!(
                "{}; there is no cached index to fall back on{}",
                source.hint().unwrap_or_else(|| format!(
                    "check {} (default {})",
                    crate::env::GOVER_INDEX_URL,
                    crate::env::DEFAULT_INDEX_URL
                )),
                if *install {
                    " (`gover install --allow-unverified` installs without checksums, not \
                     recommended)"
                } else {
                    ""
                }
            )),
            Error::Index(e) => e.hint(),
            Error::Download(e) => e.hint(),
            Error::Unpack {
                source: UnpackError::Write { source, .. },
                ..
            } => io_hint(source)
                .or_else(|| Some("check free space and permissions under GOVER_HOME".into())),
            Error::Unpack { .. } => Some(
                "the archive is damaged or not an official Go release; nothing was installed"
                    .into(),
            ),
            Error::Goproxy(e) => e.hint(),
            Error::NotInstalled { hint, .. } => Some(hint.clone()),
            Error::DamagedInstall { version, .. } => Some(format!(
                "reinstall it with `gover install --force {version}`"
            )),
            Error::UninstallDefault { .. } => Some(
                "switch first with `gover use <other version>`, or pass --force to remove it and the default link"
                    .into(),
            ),
            Error::ReplaceInUse { version } => Some(format!(
                "wait for it to finish, then run `gover install --force {version}` again"
            )),
            Error::VersionInUse { .. } => Some(
                "wait for the command to finish, or pass --force to remove it anyway (the running \
                 command may fail)"
                    .into(),
            ),
            Error::VersionPinned { .. } => Some(
                "that project would have to install it again; pass --force to remove it anyway"
                    .into(),
            ),
            Error::NoSuchTool { path, .. } => Some(format!("{} does not exist", path.display())),
            Error::Exec { source, .. } if source.kind() == io::ErrorKind::NotFound => {
                Some("check the command name and PATH".into())
            }
            Error::Exec { hint, .. } => hint.clone(),
            Error::ShimMissing { shim, .. } => Some(format!(
                "expected {}; reinstall gover with scripts/install.sh (or `cargo install --path .`), which installs both binaries",
                shim.display()
            )),
            Error::Offline { hint, .. } => Some(format!(
                "{hint}, or go online (drop --offline, unset {})",
                crate::env::GOVER_OFFLINE
            )),
            Error::BadEnv { name, expected, .. } => Some(format!("set {name} to {expected}")),
            Error::BadMinor { .. } => Some("name a minor line such as 1.22".into()),
            Error::BadPlatform { .. } => Some(
                "name platforms as GOOS-GOARCH, e.g. linux-amd64,darwin-arm64,windows-amd64".into(),
            ),
            Error::NeedsIndex { .. } => Some(
                "without an index only an exact release (e.g. 1.22.5) can be installed".into(),
            ),
            Error::DoctorFound {
                strict,
                errors,
                fixable,
                ..
            } => {
                let strict = if *strict && *errors == 0 {
                    "--strict fails on warnings; "
                } else {
                    ""
                };
                Some(if *fixable > 0 {
                    format!(
                        "{strict}`gover doctor --fix` repairs {fixable} of them; the others say how to fix them"
                    )
                } else {
                    format!("{strict}each finding above says how to fix it")
                })
            }
            Error::Io { source, .. } => io_hint(source),
            Error::MirrorFile { hint, .. } => Some(hint.to_string()),
            Error::PruneIncomplete { .. } => Some(
                "each failure is shown above; fix its cause (often permissions) and run `gover prune` again"
                    .into(),
            ),
            Error::One { source, .. } => source.hint(),
            Error::Import(e) => e.hint(),
            Error::Several { .. } => None,
        }
    }

    /// Whether the server does not have the file (404 or 410; a missing `file://` path).
    pub fn is_not_found(&self) -> bool {
        match self {
            Error::Download(DownloadError::Http { source, .. }) => source.is_not_found(),
            Error::Goproxy(e) => e.is_not_found(),
            _ => false,
        }
    }

    /// Whether another mirror might succeed where this one failed: an HTTP error, a dropped
    /// connection, or bytes that are not the release the index describes.
    pub fn is_mirror_fault(&self) -> bool {
        match self {
            Error::Download(e) => !matches!(e, DownloadError::Cache { .. }),
            Error::Unpack { source, .. } => !source.is_write(),
            Error::Goproxy(e) => {
                matches!(**e, GoproxyError::Hash { .. } | GoproxyError::Http { .. })
            }
            _ => false,
        }
    }
}

fn io_hint(e: &io::Error) -> Option<String> {
    match e.kind() {
        io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded => {
            Some("free some disk space under GOVER_HOME and try again".into())
        }
        io::ErrorKind::ReadOnlyFilesystem | io::ErrorKind::PermissionDenied => Some(
            "gover needs write access to GOVER_HOME; check its permissions or point GOVER_HOME elsewhere".into(),
        ),
        _ => None,
    }
}

impl From<crate::env::BadSetting> for Error {
    fn from(e: crate::env::BadSetting) -> Error {
        Error::BadEnv {
            name: e.name,
            value: e.value,
            expected: e.expected,
        }
    }
}

/// Whether a broken pipe is anywhere in the chain (`gover list | head` must exit quietly).
pub fn is_broken_pipe(err: &(dyn std::error::Error + 'static)) -> bool {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = cur {
        if let Some(io) = e.downcast_ref::<io::Error>()
            && io.kind() == io::ErrorKind::BrokenPipe
        {
            return true;
        }
        cur = e.source();
    }
    false
}

/// The style of the `error:` label, as clap styles its own (`hint:` shares
/// [`crate::output::HINT`]).
const ERROR: anstyle::Style = anstyle::AnsiColor::Red.on_default().bold();

/// Stderr, coloured only when it should be: a terminal, `NO_COLOR` unset or empty, or
/// `CLICOLOR_FORCE` set (anstream's rules, the same as clap's).
fn stderr() -> anstream::AutoStream<io::StderrLock<'static>> {
    anstream::AutoStream::auto(io::stderr().lock())
}

/// Print `error:`, the `caused by:` chain and the hint to stderr.
pub fn render(err: &Error) {
    let mut out = stderr();
    let _ = writeln!(out, "{ERROR}error:{ERROR:#} {err}");
    let mut source = std::error::Error::source(err);
    // `transparent` variants repeat their inner message as the first source; skip duplicates.
    let mut last = err.to_string();
    while let Some(cause) = source {
        let text = cause.to_string();
        if text != last {
            let _ = writeln!(out, "  caused by: {text}");
        }
        last = text;
        source = cause.source();
    }
    if let Some(hint) = err.hint() {
        let _ = writeln!(out, "{HINT}hint:{HINT:#} {hint}");
    }
}
