//! Every `GOVER_*` setting with a format, read from the environment once when a command starts,
//! checked in one place, and passed down as one [`Settings`] value: a bad value fails the
//! command at once (exit 2) with its name and what is expected, before any work, whatever the
//! command and whichever source it would use (not as a silently ignored limit on one path and
//! an error on another). Nothing below reads these variables again.
//!
//! Each setting's parser lives with what it configures (the HTTP limits in [`crate::http`], the
//! index TTL in the index cache, the writer threads in unpack); this module only calls them
//! all, so it sits above them (no module below calls back up here). The HTTP part is handed to
//! the transport once ([`crate::http::configure`]), which builds its one client from it.

use std::time::Duration;

use crate::env;
use crate::error::Error;
use crate::source::dist::{Access, SourceKind, cache};

/// The settings of one run (see the module docs).
#[derive(Debug, Clone)]
pub struct Settings {
    /// `GOVER_INDEX_URL`, else go.dev's full index.
    pub index_url: String,
    /// `GOVER_DIST_URL` (comma-separated, blanks dropped), else go.dev.
    pub dist_urls: Vec<String>,
    /// `GOVER_SOURCE`, else `dist`.
    pub source: SourceKind,
    /// `GOVER_OFFLINE`.
    pub offline: bool,
    /// `GOVER_KEEP_ARCHIVES`.
    pub keep_archives: bool,
    /// `GOVER_INDEX_TTL`, else one hour.
    pub index_ttl: Duration,
    /// `GOVER_UNPACK_THREADS`, else [`crate::install::unpack::DEFAULT_WRITERS`].
    pub unpack_threads: usize,
    /// `GOVER_HTTP_TIMEOUT`, `GOVER_HTTP_LOW_SPEED`, `GOVER_RETRY_BASE_MS`.
    pub http: crate::http::Config,
}

impl Settings {
    /// Read and check every setting.
    pub fn from_env() -> Result<Settings, Error> {
        Ok(Settings {
            index_url: env::var(env::GOVER_INDEX_URL)
                .unwrap_or_else(|| env::DEFAULT_INDEX_URL.to_string()),
            dist_urls: dist_urls(env::var(env::GOVER_DIST_URL)),
            source: source(env::var(env::GOVER_SOURCE).as_deref())?,
            offline: env::flag(env::GOVER_OFFLINE).unwrap_or(false),
            keep_archives: env::flag(env::GOVER_KEEP_ARCHIVES).unwrap_or(false),
            index_ttl: cache::ttl(env::var(env::GOVER_INDEX_TTL))?,
            unpack_threads: crate::install::unpack::writer_threads()?,
            http: crate::http::Config::from_env()?,
        })
    }

    /// How a networked command may reach Go's releases: these settings with its
    /// `--offline` and `--allow-insecure` flags.
    pub fn access(&self, offline_flag: bool, allow_insecure: bool) -> Access {
        Access {
            offline: offline_flag || self.offline,
            allow_unverified: false,
            allow_insecure,
            index_url: self.index_url.clone(),
            index_ttl: self.index_ttl,
            mirrors: self.dist_urls.clone(),
            source_flag: None,
            source_setting: self.source,
            keep_archive: self.keep_archives,
            unpack_threads: self.unpack_threads,
        }
    }
}

/// `GOVER_DIST_URL`'s base URLs (comma-separated, blanks dropped), else go.dev's.
fn dist_urls(value: Option<String>) -> Vec<String> {
    let urls = crate::source::dist::dist_urls(value.as_slice());
    match urls.is_empty() {
        true => vec![env::DEFAULT_DIST_URL.to_string()],
        false => urls,
    }
}

/// `GOVER_SOURCE`: `dist` or `proxy` (surrounding blanks ignored); unset means `dist`.
fn source(value: Option<&str>) -> Result<SourceKind, Error> {
    match value.map(str::trim) {
        None | Some("dist") => Ok(SourceKind::Dist),
        Some("proxy") => Ok(SourceKind::Proxy),
        Some(other) => Err(Error::BadEnv {
            name: env::GOVER_SOURCE,
            value: other.to_string(),
            expected: "`dist` (go.dev's archives) or `proxy` (GOPROXY's golang.org/toolchain)",
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_is_dist_or_proxy() {
        assert_eq!(source(None).unwrap(), SourceKind::Dist);
        assert_eq!(source(Some(" proxy ")).unwrap(), SourceKind::Proxy);
        assert!(matches!(
            source(Some("goproxy")),
            Err(Error::BadEnv { name, .. }) if name == env::GOVER_SOURCE
        ));
    }

    #[test]
    fn dist_urls_are_go_dev_unless_the_setting_names_one() {
        assert_eq!(dist_urls(None), [env::DEFAULT_DIST_URL]);
        assert_eq!(dist_urls(Some(" , ".into())), [env::DEFAULT_DIST_URL]);
        assert_eq!(
            dist_urls(Some("http://a/, http://b/".into())),
            ["http://a/", "http://b/"]
        );
    }

    fn settings() -> Settings {
        Settings {
            index_url: "https://mirror.example/index.json".into(),
            dist_urls: vec!["https://a.example/".into(), "https://b.example/".into()],
            source: SourceKind::Proxy,
            offline: false,
            keep_archives: true,
            index_ttl: Duration::from_secs(60),
            unpack_threads: 3,
            http: crate::http::Config::default(),
        }
    }

    #[test]
    fn access_carries_the_settings_and_the_flags() {
        let access = settings().access(false, true);
        assert!(!access.offline && access.allow_insecure && !access.allow_unverified);
        assert_eq!(access.index_url, "https://mirror.example/index.json");
        assert_eq!(access.mirrors, ["https://a.example/", "https://b.example/"]);
        assert_eq!(access.index_ttl, Duration::from_secs(60));
        assert_eq!((access.unpack_threads, access.keep_archive), (3, true));
        assert_eq!(access.source(), SourceKind::Proxy);
        // `--offline` or GOVER_OFFLINE; `--source` over GOVER_SOURCE; `--mirror` over GOVER_DIST_URL.
        assert!(settings().access(true, false).offline);
        let flagged = access
            .with_source(Some(SourceKind::Dist))
            .with_mirrors(&["https://c.example/, https://d.example/".into()]);
        assert_eq!(flagged.source(), SourceKind::Dist);
        assert_eq!(
            flagged.mirrors,
            ["https://c.example/", "https://d.example/"]
        );
        let unflagged = settings()
            .access(false, false)
            .with_source(None)
            .with_mirrors(&[]);
        assert_eq!(unflagged.source(), SourceKind::Proxy);
        assert_eq!(
            unflagged.mirrors,
            ["https://a.example/", "https://b.example/"]
        );
    }
}
