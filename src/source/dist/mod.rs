//! Go's official distribution: the release index, its files, and where they come from.

pub mod cache;
pub mod fetch;
pub mod index;
pub mod platform;

pub use index::{ArchiveFile, Index, IndexError, Release};
pub use platform::Platform;

use crate::download::Size;
use crate::env;
use crate::error::Error;
use crate::install::unpack::bounds::UNVERIFIED_ARCHIVE;
use crate::source::candidate::{Candidate, FallBack};

/// The index URL in force: `GOVER_INDEX_URL`, else go.dev's full index.
pub fn index_url() -> String {
    env::var(env::GOVER_INDEX_URL).unwrap_or_else(|| env::DEFAULT_INDEX_URL.to_string())
}

/// How a command may reach Go's distribution.
#[derive(Debug, Clone)]
pub struct Access {
    /// Only the cached index and the download cache (`--offline`, `GOVER_OFFLINE=1`).
    pub offline: bool,
    /// With no index at all (none fetched, none cached), install without checksums.
    pub allow_unverified: bool,
    /// Accept a plain-`http` index from a non-loopback host (`--allow-insecure`).
    pub allow_insecure: bool,
    /// Archive base URLs, tried in order.
    pub mirrors: Vec<String>,
    /// `--source`, if given; else `GOVER_SOURCE` decides (see [`Access::source`]).
    pub source_flag: Option<SourceKind>,
    /// Keep the verified archive in the download cache after the install (`--keep-archive`,
    /// `GOVER_KEEP_ARCHIVES=1`); by default it is deleted once the version is in place.
    pub keep_archive: bool,
}

/// Where releases come from (`--source`, `GOVER_SOURCE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    /// go.dev's index and tar.gz archives, or a mirror of them (the default).
    Dist,
    /// The `golang.org/toolchain` module from `GOPROXY`, verified by `GOSUMDB`.
    Proxy,
}

impl Access {
    /// `offline_flag` or `GOVER_OFFLINE`; the mirrors of [`dist_urls`] with no `--mirror`.
    pub fn from_env(offline_flag: bool, allow_insecure: bool) -> Access {
        Access {
            offline: offline_flag || env::flag(env::GOVER_OFFLINE).unwrap_or(false),
            allow_unverified: false,
            allow_insecure,
            mirrors: dist_urls(&[]),
            source_flag: None,
            keep_archive: env::flag(env::GOVER_KEEP_ARCHIVES).unwrap_or(false),
        }
    }

    /// The source in force: `--source`, else `GOVER_SOURCE` (`dist` or `proxy`), else `dist`.
    pub fn source(&self) -> Result<SourceKind, Error> {
        if let Some(kind) = self.source_flag {
            return Ok(kind);
        }
        match env::var(env::GOVER_SOURCE).as_deref().map(str::trim) {
            None | Some("dist") => Ok(SourceKind::Dist),
            Some("proxy") => Ok(SourceKind::Proxy),
            Some(other) => Err(Error::BadEnv {
                name: env::GOVER_SOURCE,
                value: other.to_string(),
                expected: "`dist` (go.dev's archives) or `proxy` (GOPROXY's golang.org/toolchain)",
            }),
        }
    }

    /// The same access with `--source`, if it was given.
    pub fn with_source(mut self, flag: Option<SourceKind>) -> Access {
        if flag.is_some() {
            self.source_flag = flag;
        }
        self
    }

    /// The same access with `--mirror` URLs, if any were given.
    pub fn with_mirrors(mut self, flags: &[String]) -> Access {
        self.mirrors = dist_urls(flags);
        self
    }
}

/// The archive base URLs in force, in the order they are tried: the `--mirror` URLs, else the
/// comma-separated `GOVER_DIST_URL`, else go.dev. Blank entries are dropped.
pub fn dist_urls(flags: &[String]) -> Vec<String> {
    let split = |text: &str| -> Vec<String> {
        text.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    };
    let from_flags: Vec<String> = flags.iter().flat_map(|f| split(f)).collect();
    if !from_flags.is_empty() {
        return from_flags;
    }
    match env::var(env::GOVER_DIST_URL).map(|v| split(&v)) {
        Some(urls) if !urls.is_empty() => urls,
        _ => vec![env::DEFAULT_DIST_URL.to_string()],
    }
}

/// Where `filename` may be fetched: `<base>/<filename>` on each mirror in turn, the next one
/// tried after any fault of the one before (see [`crate::source::try_each`]).
pub fn candidates(mirrors: &[String], filename: &str) -> Vec<Candidate> {
    mirrors
        .iter()
        .map(|base| Candidate {
            url: archive_url(base, filename),
            fall_back: FallBack::OnAnyFault,
        })
        .collect()
}

/// How long the archive `file` may be: the index's size, or (for an entry that lists none)
/// the bound on an archive nothing vouches for.
pub fn size_of(file: &ArchiveFile) -> Size {
    match file.size {
        0 => Size::AtMost(UNVERIFIED_ARCHIVE),
        n => Size::Declared(n),
    }
}

/// `<base>/<filename>`, with exactly one slash between them.
pub fn archive_url(base: &str, filename: &str) -> String {
    format!("{}/{filename}", base.trim_end_matches('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mirror_flags_split_on_commas_and_win() {
        let flags = [
            "http://a/, http://b/".to_string(),
            "".to_string(),
            "http://c".into(),
        ];
        assert_eq!(dist_urls(&flags), ["http://a/", "http://b/", "http://c"]);
    }

    #[test]
    fn archive_url_joins_with_one_slash() {
        let f = "go1.22.5.linux-amd64.tar.gz";
        assert_eq!(
            archive_url("https://go.dev/dl/", f),
            "https://go.dev/dl/go1.22.5.linux-amd64.tar.gz"
        );
        assert_eq!(
            archive_url("http://127.0.0.1:9/dl", f),
            "http://127.0.0.1:9/dl/go1.22.5.linux-amd64.tar.gz"
        );
        assert_eq!(
            archive_url("file:///srv/mirror/", f),
            "file:///srv/mirror/go1.22.5.linux-amd64.tar.gz"
        );
    }
}
