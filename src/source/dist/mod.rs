//! Go's official distribution: the release index, its files, and where they come from.

pub mod cache;
pub mod fetch;
pub mod index;
pub mod platform;

pub use index::{ArchiveFile, Index, IndexError, Release};
pub use platform::Platform;

use crate::download::Size;
use crate::install::unpack::bounds::UNVERIFIED_ARCHIVE;
use crate::source::candidate::{Candidate, FallBack};

/// How a command may reach Go's releases: the run's [`crate::settings::Settings`] with the
/// command's flags (built by [`crate::settings::Settings::access`]).
#[derive(Debug, Clone)]
pub struct Access {
    /// Only the cached index and the download cache (`--offline`, `GOVER_OFFLINE=1`).
    pub offline: bool,
    /// With no index at all (none fetched, none cached), install without checksums.
    pub allow_unverified: bool,
    /// Accept a plain-`http` index from a non-loopback host (`--allow-insecure`).
    pub allow_insecure: bool,
    /// The release index (`GOVER_INDEX_URL`, else go.dev's).
    pub index_url: String,
    /// How long a cached index is used before it is fetched again (`GOVER_INDEX_TTL`).
    pub index_ttl: std::time::Duration,
    /// Archive base URLs, tried in order (`--mirror`, else `GOVER_DIST_URL`, else go.dev).
    pub mirrors: Vec<String>,
    /// `--source`, if given.
    pub source_flag: Option<SourceKind>,
    /// `GOVER_SOURCE` (`dist` when unset).
    pub source_setting: SourceKind,
    /// Keep the verified archive in the download cache after the install (`--keep-archive`,
    /// `GOVER_KEEP_ARCHIVES=1`); by default it is deleted once the version is in place.
    pub keep_archive: bool,
    /// Writer threads for unpacking and for the store (`GOVER_UNPACK_THREADS`).
    pub unpack_threads: usize,
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
    /// The source in force: `--source`, else `GOVER_SOURCE`, else `dist`.
    pub fn source(&self) -> SourceKind {
        self.source_flag.unwrap_or(self.source_setting)
    }

    /// The same access with `--source`, if it was given.
    pub fn with_source(mut self, flag: Option<SourceKind>) -> Access {
        if flag.is_some() {
            self.source_flag = flag;
        }
        self
    }

    /// The same access with `--mirror` URLs, if any were given (comma-separated lists too).
    pub fn with_mirrors(mut self, flags: &[String]) -> Access {
        let urls = dist_urls(flags);
        if !urls.is_empty() {
            self.mirrors = urls;
        }
        self
    }
}

/// The archive base URLs in `lists` (each comma-separated; blank entries dropped), in order.
pub fn dist_urls(lists: &[String]) -> Vec<String> {
    lists
        .iter()
        .flat_map(|list| list.split(','))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
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
        assert!(dist_urls(&[" , ".into()]).is_empty());
        assert!(dist_urls(&[]).is_empty());
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
