//! The cached release index: when to use it instead of fetching, and the fallbacks when the
//! index cannot be fetched.
//!
//! Checksums only ever come from an index: the one fetched from `GOVER_INDEX_URL` now, or a
//! copy of one fetched earlier (`cache/index.json`). Never from the mirror serving the bytes.
//!
//! Loading, in order:
//! 1. offline (`--offline`, `GOVER_OFFLINE=1`): the cached copy of the same URL, whatever its
//!    age, and say so;
//! 2. a cached copy of the same URL younger than the TTL (`GOVER_INDEX_TTL`, default 1h);
//! 3. a fresh fetch, which refreshes the cache;
//! 4. if the fetch fails, the cached copy of the same URL (any age), with a warning;
//! 5. with no copy of that URL: an error, unless `--allow-unverified` (then no index, and a
//!    warning).
//!
//! `list --remote` reads a compact form of the cached index instead (see [`load_listing`]).
//!
//! "The same URL" is the `GOVER_INDEX_URL` in force now: a copy fetched from another index (the
//! URL was changed since) never stands in for it, its checksums vouch for other archives. The
//! metadata records the URL and the sha256 of the cached bytes, so a cache torn between its two
//! files (a crash between the writes) has no URL and matches nothing.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::index::Release;
use super::{Access, Index};
use crate::env;
use crate::error::Error;
use crate::home::Home;
use crate::http;

pub const DEFAULT_TTL: Duration = Duration::from_secs(3600);

/// Where and when the cached index was fetched.
#[derive(Debug, Serialize, Deserialize)]
struct Meta {
    url: String,
    /// Seconds since the Unix epoch.
    fetched_at: u64,
    /// sha256 of `index.json` as written with this metadata (absent in caches written before it
    /// was recorded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sha256: Option<String>,
}

/// An index and how it was obtained.
#[derive(Debug)]
pub struct Loaded {
    pub index: Index,
    pub origin: Provenance,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Provenance {
    /// Fetched just now.
    Fetched,
    /// The cached copy, fetched `age` ago from `url`.
    Cached {
        age: Duration,
        url: String,
        why: CacheUse,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheUse {
    /// Younger than the TTL.
    Fresh,
    /// Offline mode.
    Offline,
    /// The index could not be fetched.
    Fallback,
}

impl Provenance {
    /// `release index from <url>, cached 5 minutes ago (offline)`, for messages.
    pub fn describe(&self) -> Option<String> {
        match self {
            Provenance::Fetched => None,
            Provenance::Cached { age, url, why } => {
                let why = match why {
                    CacheUse::Fresh => "",
                    CacheUse::Offline => "",
                    CacheUse::Fallback => " (the index could not be fetched)",
                };
                Some(format!(
                    "using the release index from {url}, cached {}{why}",
                    human_age(*age)
                ))
            }
        }
    }
}

/// The index to use for `access`. `Ok(None)` only with `--allow-unverified` when there is no
/// index at all. With `refresh`, a fresh cache is not enough (a release newer than the cached
/// copy was asked for).
pub fn load(home: &Home, access: &Access, refresh: bool) -> Result<Option<Loaded>, Error> {
    let url = access.index_url.clone();
    if access.offline {
        return match read(home) {
            Some((index, meta_url, age)) if meta_url == url => {
                let origin = Provenance::Cached {
                    age,
                    url: meta_url,
                    why: CacheUse::Offline,
                };
                crate::note!("Offline: {}", origin.describe().unwrap_or_default());
                Ok(Some(Loaded { index, origin }))
            }
            other => {
                if let Some((_, other_url, _)) = other {
                    crate::output::note(other_url_note(&other_url, &url));
                }
                if access.allow_unverified {
                    // Safety: what follows is installed without checksums; `--quiet` keeps it.
                    crate::output::warn_always(
                        "offline with no cached release index: nothing can be verified",
                    );
                    return Ok(None);
                }
                Err(Error::Offline {
                    what: format!("there is no cached release index from {url}"),
                    hint: "run any command that reads the index (e.g. `gover list --remote`) \
                           once while online"
                        .into(),
                })
            }
        };
    }
    let ttl = access.index_ttl;
    if !refresh
        && let Some((index, meta_url, age)) = read(home)
        && meta_url == url
        && age < ttl
    {
        crate::verbose!(
            "using the cached release index {} (fetched {}, within the TTL of {}s)",
            home.index_cache().display(),
            human_age(age),
            ttl.as_secs()
        );
        let origin = Provenance::Cached {
            age,
            url: meta_url,
            why: CacheUse::Fresh,
        };
        return Ok(Some(Loaded { index, origin }));
    }
    crate::verbose!(
        "fetching the release index {url} ({})",
        if refresh {
            "a newer release than the cached copy was asked for"
        } else {
            "no cached copy from this URL within the TTL"
        }
    );
    let failure = match http::get_index(&url, access.allow_insecure) {
        Ok(bytes) => match Index::parse(&bytes, &url) {
            Ok(index) => {
                // The cached copy is a convenience; failing to write it must not fail the command.
                let _ = write(home, &url, &bytes);
                let _ = write_listing(home, &index, &bytes);
                crate::verbose!(
                    "cached the release index in {}",
                    home.index_cache().display()
                );
                return Ok(Some(Loaded {
                    index,
                    origin: Provenance::Fetched,
                }));
            }
            Err(e) => Error::Index(e),
        },
        Err(source) => Error::FetchIndex {
            source,
            install: false,
        },
    };
    let reason = match root_cause(&failure) {
        Some(cause) => format!("{failure}: {cause}"),
        None => failure.to_string(),
    };
    let cached = read(home);
    if let Some((_, other_url, _)) = &cached
        && *other_url != url
    {
        crate::output::note(other_url_note(other_url, &url));
    }
    match cached.filter(|(_, meta_url, _)| *meta_url == url) {
        Some((index, meta_url, age)) => {
            crate::output::warn(&reason);
            let origin = Provenance::Cached {
                age,
                url: meta_url,
                why: CacheUse::Fallback,
            };
            crate::output::warn(origin.describe().unwrap_or_default());
            Ok(Some(Loaded { index, origin }))
        }
        None if access.allow_unverified => {
            // Safety: the install goes on without checksums; `--quiet` keeps it.
            crate::output::warn_always(format_args!("{reason}; there is no cached copy"));
            Ok(None)
        }
        None => Err(failure),
    }
}

/// The compact form of a cached index: what `list --remote` asks of it. Each release keeps
/// its version and `stable`, and of its files only the archives without a checksum (which
/// `list` marks); everything else of go.dev's ~3 MB is left out.
#[derive(Debug, Serialize, Deserialize)]
struct Listing {
    /// sha256 of the `index.json` it was made from: it stands for that index only while the
    /// metadata names the same digest.
    sha256: String,
    releases: Vec<Release>,
}

/// [`load`] for `list --remote`: when the cached index is fresh (not offline, same URL,
/// younger than the TTL), its compact form is read instead of the whole index, if it was made
/// from the bytes the metadata describes. It is parsed by [`Index::parse`], so every name
/// check applies to what is used. Otherwise, [`load`] as usual.
pub fn load_listing(home: &Home, access: &Access) -> Result<Option<Loaded>, Error> {
    if !access.offline
        && let Some(loaded) = fresh_listing(home, access)
    {
        return Ok(Some(loaded));
    }
    load(home, access, false)
}

fn fresh_listing(home: &Home, access: &Access) -> Option<Loaded> {
    let (url, ttl) = (&access.index_url, access.index_ttl);
    let meta: Meta = serde_json::from_slice(&std::fs::read(home.index_meta()).ok()?).ok()?;
    let age = SystemTime::now()
        .duration_since(UNIX_EPOCH + Duration::from_secs(meta.fetched_at))
        .unwrap_or_default();
    if meta.url != *url || age >= ttl {
        return None;
    }
    let bytes = std::fs::read(home.index_listing()).ok()?;
    let listing: Listing = serde_json::from_slice(&bytes).ok()?;
    if meta.sha256.as_deref() != Some(listing.sha256.as_str()) {
        return None;
    }
    let releases = serde_json::to_vec(&listing.releases).ok()?;
    let index = Index::parse(&releases, url).ok()?;
    crate::verbose!(
        "using the cached release listing {} (fetched {})",
        home.index_listing().display(),
        human_age(age)
    );
    Some(Loaded {
        index,
        origin: Provenance::Cached {
            age,
            url: url.clone(),
            why: CacheUse::Fresh,
        },
    })
}

/// Write the compact form of `index` (parsed from `bytes`), after the index and its metadata.
fn write_listing(home: &Home, index: &Index, bytes: &[u8]) -> std::io::Result<()> {
    let listing = Listing {
        sha256: crate::digest::hex(&Sha256::digest(bytes)),
        releases: index
            .releases
            .iter()
            .map(|r| Release {
                version: r.version.clone(),
                stable: r.stable,
                files: r
                    .files
                    .iter()
                    .filter(|f| f.kind == "archive" && f.sha256.is_empty())
                    .cloned()
                    .collect(),
            })
            .collect(),
    };
    let json = serde_json::to_vec(&listing).map_err(std::io::Error::other)?;
    crate::fsutil::write_atomic(&home.index_listing(), &json)
}

/// Why a cached index is not used: it came from another URL.
fn other_url_note(cached_url: &str, url: &str) -> String {
    format!(
        "note: the cached release index is from {cached_url}, not {url} ({}); it is not used",
        env::GOVER_INDEX_URL
    )
}

/// The innermost cause of an error, for one-line warnings.
fn root_cause(err: &Error) -> Option<String> {
    let mut cause = std::error::Error::source(err)?;
    while let Some(next) = cause.source() {
        cause = next;
    }
    Some(cause.to_string())
}

/// The cached index, its source URL and its age. A missing or unreadable cache is `None`: it
/// is only ever a convenience.
fn read(home: &Home) -> Option<(Index, String, Duration)> {
    let bytes = std::fs::read(home.index_cache()).ok()?;
    let meta: Option<Meta> = std::fs::read(home.index_meta())
        .ok()
        .and_then(|m| serde_json::from_slice(&m).ok());
    let now = SystemTime::now();
    let (url, fetched) = match meta {
        // Metadata that does not describe these bytes (torn by a crash between the two
        // writes) names no URL.
        Some(meta)
            if meta
                .sha256
                .as_ref()
                .is_some_and(|sum| *sum != crate::digest::hex(&Sha256::digest(&bytes))) =>
        {
            (
                "an unknown URL".to_string(),
                UNIX_EPOCH + Duration::from_secs(meta.fetched_at),
            )
        }
        Some(meta) => (meta.url, UNIX_EPOCH + Duration::from_secs(meta.fetched_at)),
        // A cache written before there was metadata: unknown source, age from the file.
        None => (
            "an unknown URL".to_string(),
            std::fs::metadata(home.index_cache())
                .and_then(|m| m.modified())
                .ok()?,
        ),
    };
    let age = now.duration_since(fetched).unwrap_or_default();
    let index = Index::parse(&bytes, &url).ok()?;
    Some((index, url, age))
}

fn write(home: &Home, url: &str, bytes: &[u8]) -> std::io::Result<()> {
    let fetched_at = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs();
    let meta = serde_json::to_vec(&Meta {
        url: url.to_string(),
        fetched_at,
        sha256: Some(crate::digest::hex(&Sha256::digest(bytes))),
    })
    .map_err(std::io::Error::other)?;
    home.ensure_dir(&home.cache_dir())
        .map_err(std::io::Error::other)?;
    crate::fsutil::write_atomic(&home.index_cache(), bytes)?;
    crate::fsutil::write_atomic(&home.index_meta(), &meta)
}

/// The cache TTL `value` sets (`GOVER_INDEX_TTL`; unset: one hour).
pub fn ttl(value: Option<String>) -> Result<Duration, Error> {
    match value {
        None => Ok(DEFAULT_TTL),
        Some(value) => parse_ttl(&value).ok_or_else(|| Error::BadEnv {
            name: env::GOVER_INDEX_TTL,
            value,
            expected: "a duration such as 3600, 90s, 30m, 1h or 2d (0 fetches every time)",
        }),
    }
}

/// `3600`, `90s`, `30m`, `1h`, `2d`.
pub fn parse_ttl(text: &str) -> Option<Duration> {
    let text = text.trim();
    let (digits, unit) = match text.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => text.split_at(i),
        None => (text, "s"),
    };
    let n: u64 = digits.parse().ok()?;
    let secs = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86400,
        _ => return None,
    };
    Some(Duration::from_secs(n.checked_mul(secs)?))
}

/// `just now`, `1 minute ago`, `3 hours ago`, `2 days ago`.
pub fn human_age(age: Duration) -> String {
    let secs = age.as_secs();
    let (n, unit) = match secs {
        0..60 => return "just now".into(),
        60..3600 => (secs / 60, "minute"),
        3600..86400 => (secs / 3600, "hour"),
        _ => (secs / 86400, "day"),
    };
    let s = if n == 1 { "" } else { "s" };
    format!("{n} {unit}{s} ago")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ttl_accepts_seconds_and_units() {
        assert_eq!(parse_ttl("0"), Some(Duration::ZERO));
        assert_eq!(parse_ttl("3600"), Some(Duration::from_secs(3600)));
        assert_eq!(parse_ttl("90s"), Some(Duration::from_secs(90)));
        assert_eq!(parse_ttl("30m"), Some(Duration::from_secs(1800)));
        assert_eq!(parse_ttl("2h"), Some(Duration::from_secs(7200)));
        assert_eq!(parse_ttl("1d"), Some(Duration::from_secs(86400)));
        for bad in ["", "h", "1w", "-1", "1.5h", "99999999999999999999", "1h30m"] {
            assert_eq!(parse_ttl(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn ages_read_like_speech() {
        assert_eq!(human_age(Duration::from_secs(5)), "just now");
        assert_eq!(human_age(Duration::from_secs(60)), "1 minute ago");
        assert_eq!(human_age(Duration::from_secs(3599)), "59 minutes ago");
        assert_eq!(human_age(Duration::from_secs(7200)), "2 hours ago");
        assert_eq!(human_age(Duration::from_secs(86400 * 3)), "3 days ago");
    }

    #[test]
    fn a_written_cache_reads_back_with_its_url() {
        let tmp = tempfile::tempdir().unwrap();
        let home = Home::at(tmp.path());
        assert!(read(&home).is_none());
        let json = br#"[{"version":"go1.22.5","stable":true,"files":[]}]"#;
        write(&home, "http://example/index.json", json).unwrap();
        let (index, url, age) = read(&home).unwrap();
        assert_eq!(index.releases[0].version, "go1.22.5");
        assert_eq!(url, "http://example/index.json");
        assert!(age < Duration::from_secs(60));
        // Index bytes the metadata does not describe (a crash between the two writes) have
        // no URL.
        let other = br#"[{"version":"go1.23.0","stable":true,"files":[]}]"#;
        std::fs::write(home.index_cache(), other).unwrap();
        assert_eq!(read(&home).unwrap().1, "an unknown URL");
        // A damaged cache is no cache.
        std::fs::write(home.index_cache(), b"{").unwrap();
        assert!(read(&home).is_none());
    }
}
