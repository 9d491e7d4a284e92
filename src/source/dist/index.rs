//! The go.dev release index (`/dl/?mode=json&include=all`): its JSON shape and the questions
//! gover asks of it.

use serde::{Deserialize, Serialize};

use super::platform::Platform;
use crate::version::{GoVersion, VersionRequest};

/// One release, as go.dev lists it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Release {
    /// `go1.22.5`
    pub version: String,
    pub stable: bool,
    #[serde(default)]
    pub files: Vec<ArchiveFile>,
}

/// One downloadable file of a release.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ArchiveFile {
    pub filename: String,
    #[serde(default)]
    pub os: String,
    #[serde(default)]
    pub arch: String,
    #[serde(default)]
    pub version: String,
    /// Lowercase hex sha256 of the file.
    pub sha256: String,
    #[serde(default)]
    pub size: u64,
    /// `archive`, `installer` or `source`.
    #[serde(default)]
    pub kind: String,
}

#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("the release index from {url} is not valid JSON of go.dev's format")]
    Malformed {
        url: String,
        #[source]
        source: serde_json::Error,
    },
    #[error("no Go release matches `{request}` in the index from {url}")]
    NoMatch {
        request: VersionRequest,
        url: String,
    },
    #[error("Go {version} has no {platform} archive in the index from {url}")]
    NoArchive {
        version: GoVersion,
        platform: Platform,
        url: String,
    },
    #[error(
        "go.dev publishes no checksum for go{version} ({filename} has an empty sha256 in the index from {url})"
    )]
    NoChecksum {
        version: GoVersion,
        filename: String,
        url: String,
    },
    #[error(
        "the index from {url} lists {filename} with an invalid sha256 `{}`",
        crate::output::text::printable(sha256)
    )]
    BadChecksum {
        url: String,
        filename: String,
        sha256: String,
    },
    #[error(
        "the index from {url} lists an unsafe name `{}` ({what}): {reason}",
        crate::output::text::printable(name)
    )]
    UnsafeName {
        url: String,
        /// Which field of which entry: `filename of go1.22.5`, `version`, ….
        what: String,
        name: String,
        reason: &'static str,
    },
}

impl IndexError {
    pub fn hint(&self) -> Option<String> {
        match self {
            IndexError::Malformed { .. } => Some(format!(
                "check {} (it should point at a go.dev-format JSON index)",
                crate::env::GOVER_INDEX_URL
            )),
            IndexError::NoMatch { .. } => {
                Some("run `gover list --remote --all` to see the releases there are".into())
            }
            IndexError::NoArchive { .. } => {
                Some("pick another version; `gover list --remote --all` shows them".into())
            }
            IndexError::NoChecksum { version, .. } => Some(format!(
                "install it unverified with `gover install {version} --allow-unverified`, or \
                 pick a release that has one (`gover list --remote --all` marks those without)"
            )),
            IndexError::BadChecksum { .. } | IndexError::UnsafeName { .. } => {
                Some("the index is damaged; fix the mirror or use go.dev's index".into())
            }
        }
    }
}

impl Release {
    /// Whether go.dev lists `platform`'s archive of this release with no checksum at all (an
    /// empty `sha256`, as for go1.2.2 to go1.5.2): it can only be installed unverified.
    pub fn lacks_checksum(&self, platform: Platform) -> bool {
        self.files.iter().any(|f| {
            f.kind == "archive"
                && f.os == platform.os
                && f.arch == platform.arch
                && f.sha256.is_empty()
        })
    }
}

/// A parsed index, newest release first as go.dev serves it.
#[derive(Debug, Clone)]
pub struct Index {
    pub url: String,
    pub releases: Vec<Release>,
}

impl Index {
    /// Parse an index. Every name gover may turn into a path (file names, versions, os and
    /// arch) must be a safe path component (see [`check_name`]); one that is not refuses the
    /// whole index, naming the entry. A release whose version is empty or not a Go release
    /// name is left out, with one warning for all of them: it could never be asked for.
    pub fn parse(bytes: &[u8], url: &str) -> Result<Index, IndexError> {
        let releases: Vec<Release> =
            serde_json::from_slice(bytes).map_err(|source| IndexError::Malformed {
                url: url.to_string(),
                source,
            })?;
        let unsafe_name = |what: String, name: &str, reason| IndexError::UnsafeName {
            url: url.to_string(),
            what,
            name: name.to_string(),
            reason,
        };
        let mut kept = Vec::with_capacity(releases.len());
        let mut skipped = Vec::new();
        for release in releases {
            if !release.version.is_empty() {
                check_name(&release.version)
                    .map_err(|r| unsafe_name("a release version".into(), &release.version, r))?;
            }
            // A custom build's name (`go1.21.1-bigcorp`) is no go.dev release either.
            if !GoVersion::parse(&release.version).is_ok_and(|v| v.is_release()) {
                skipped.push(release.version);
                continue;
            }
            for file in &release.files {
                let of = |field: &str| format!("{field} of a {} file", release.version);
                check_name(&file.filename)
                    .map_err(|r| unsafe_name(of("filename"), &file.filename, r))?;
                for (field, value) in [
                    ("version", &file.version),
                    ("os", &file.os),
                    ("arch", &file.arch),
                ] {
                    if !value.is_empty() {
                        check_name(value).map_err(|r| unsafe_name(of(field), value, r))?;
                    }
                }
            }
            kept.push(release);
        }
        if let Some(first) = skipped.first() {
            crate::output::warn(format_args!(
                "skipped {} release{} in the index from {url} whose version is empty or not a Go \
                 release name (the first: `{}`)",
                skipped.len(),
                if skipped.len() == 1 { "" } else { "s" },
                crate::output::text::printable(first)
            ));
        }
        Ok(Index {
            url: url.to_string(),
            releases: kept,
        })
    }

    /// Every release with its parsed version ([`Index::parse`] has left out those whose version
    /// does not parse).
    pub fn versions(&self) -> impl Iterator<Item = (GoVersion, &Release)> {
        self.releases
            .iter()
            .filter_map(|r| Some((GoVersion::parse(&r.version).ok()?, r)))
    }

    /// The newest release satisfying `request`.
    pub fn resolve(&self, request: &VersionRequest) -> Result<(GoVersion, &Release), IndexError> {
        self.versions()
            .filter(|(v, r)| {
                request.matches(v) && (r.stable || !matches!(request, VersionRequest::Latest))
            })
            .max_by(|(a, _), (b, _)| a.cmp(b))
            .ok_or_else(|| IndexError::NoMatch {
                request: request.clone(),
                url: self.url.clone(),
            })
    }

    /// The archive of `release` for `platform`, with a well-formed checksum.
    pub fn archive<'a>(
        &self,
        version: &GoVersion,
        release: &'a Release,
        platform: Platform,
    ) -> Result<&'a ArchiveFile, IndexError> {
        let file = release
            .files
            .iter()
            .find(|f| f.kind == "archive" && f.os == platform.os && f.arch == platform.arch)
            .ok_or_else(|| IndexError::NoArchive {
                version: version.clone(),
                platform,
                url: self.url.clone(),
            })?;
        let shape = archive_shape(&release.version, file);
        if let Err(reason) = shape {
            return Err(IndexError::UnsafeName {
                url: self.url.clone(),
                what: format!("the {platform} archive of {}", release.version),
                name: file.filename.clone(),
                reason,
            });
        }
        if file.sha256.is_empty() {
            return Err(IndexError::NoChecksum {
                version: version.clone(),
                filename: file.filename.clone(),
                url: self.url.clone(),
            });
        }
        let valid = file.sha256.len() == 64 && file.sha256.bytes().all(|b| b.is_ascii_hexdigit());
        if !valid {
            return Err(IndexError::BadChecksum {
                url: self.url.clone(),
                filename: file.filename.clone(),
                sha256: file.sha256.clone(),
            });
        }
        Ok(file)
    }

    /// Releases `gover list --remote` shows: by default the stable releases of the two newest
    /// minor lines (what go.dev calls "stable"); with `all`, everything, rc/beta included.
    pub fn listed(&self, all: bool) -> Vec<(GoVersion, &Release)> {
        let mut releases: Vec<_> = self.versions().collect();
        releases.sort_by(|(a, _), (b, _)| b.cmp(a));
        if all {
            return releases;
        }
        let mut lines: Vec<(u64, u64)> = releases
            .iter()
            .filter(|(v, r)| r.stable && !v.is_prerelease())
            .map(|(v, _)| v.minor_line())
            .collect();
        lines.dedup();
        lines.truncate(2);
        releases
            .into_iter()
            .filter(|(v, r)| r.stable && !v.is_prerelease() && lines.contains(&v.minor_line()))
            .collect()
    }
}

/// Whether `name` is safe as one path component: 1 to 255 bytes of ASCII letters, digits,
/// `.`, `_`, `+` and `-`, not starting with `.` or `-` (so no `..`, `/`, `\`, NUL, control
/// characters, hidden files or option-like names). Every name in go.dev's index passes.
pub fn check_name(name: &str) -> Result<(), &'static str> {
    if name.is_empty() {
        return Err("it is empty");
    }
    if name.len() > 255 {
        return Err("it is longer than 255 bytes");
    }
    if name.starts_with('.') || name.starts_with('-') {
        return Err("it starts with `.` or `-`");
    }
    if !name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'+' | b'-'))
    {
        return Err("it has characters other than letters, digits, `.`, `_`, `+` and `-`");
    }
    Ok(())
}

/// An archive is named as Go names them: `<version>.<os>-<arch>.tar.gz` or `.zip` (old darwin
/// builds add `-osx10.N` after the arch), and its `version` field, if any, is the release's.
fn archive_shape(version: &str, file: &ArchiveFile) -> Result<(), &'static str> {
    if !file.version.is_empty() && file.version != version {
        return Err("its version field is not the release's");
    }
    let stem = format!("{version}.{}-{}", file.os, file.arch);
    let rest = file
        .filename
        .strip_prefix(&stem)
        .ok_or("it is not named <version>.<os>-<arch>")?;
    let suffix = rest
        .strip_suffix(".tar.gz")
        .or_else(|| rest.strip_suffix(".zip"))
        .ok_or("it is not a .tar.gz or .zip")?;
    let osx_ok = suffix
        .strip_prefix("-osx10.")
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    if !suffix.is_empty() && !osx_ok {
        return Err("it is not named <version>.<os>-<arch>");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLATFORM: Platform = Platform {
        os: "linux",
        arch: "amd64",
    };

    fn index() -> Index {
        let sha = "a".repeat(64);
        let rel = |v: &str, stable: bool| {
            format!(
                r#"{{"version":"go{v}","stable":{stable},"files":[
                {{"filename":"go{v}.src.tar.gz","os":"","arch":"","version":"go{v}","sha256":"{sha}","size":1,"kind":"source"}},
                {{"filename":"go{v}.linux-amd64.tar.gz","os":"linux","arch":"amd64","version":"go{v}","sha256":"{sha}","size":2,"kind":"archive"}},
                {{"filename":"go{v}.darwin-arm64.pkg","os":"darwin","arch":"arm64","version":"go{v}","sha256":"{sha}","size":3,"kind":"installer"}}]}}"#
            )
        };
        let json = format!(
            "[{},{},{},{},{},{}]",
            rel("1.23rc1", false),
            rel("1.22.5", true),
            rel("1.22.4", true),
            rel("1.21.13", true),
            rel("1.20", true),
            r#"{"version":"go1.4-bootstrap-20171003","stable":true,"files":[]}"#
        );
        Index::parse(json.as_bytes(), "http://mirror/index.json").unwrap()
    }

    fn req(s: &str) -> VersionRequest {
        VersionRequest::parse(s).unwrap()
    }

    #[test]
    fn resolves_requests_to_the_newest_match() {
        let idx = index();
        assert_eq!(idx.resolve(&req("latest")).unwrap().0.to_string(), "1.22.5");
        assert_eq!(idx.resolve(&req("1.22")).unwrap().0.to_string(), "1.22.5");
        assert_eq!(idx.resolve(&req("1.20")).unwrap().0.to_string(), "1.20");
        assert_eq!(idx.resolve(&req("1.22.4")).unwrap().0.to_string(), "1.22.4");
        assert_eq!(
            idx.resolve(&req("1.23rc1")).unwrap().0.to_string(),
            "1.23rc1"
        );
        let err = idx.resolve(&req("1.19")).unwrap_err();
        assert!(err.to_string().contains("1.19") && err.to_string().contains("http://mirror"));
    }

    #[test]
    fn picks_the_archive_for_the_platform() {
        let idx = index();
        let (v, r) = idx.resolve(&req("1.22.5")).unwrap();
        let f = idx.archive(&v, r, PLATFORM).unwrap();
        assert_eq!(f.filename, "go1.22.5.linux-amd64.tar.gz");
        let other = Platform {
            os: "plan9",
            arch: "arm",
        };
        assert!(matches!(
            idx.archive(&v, r, other),
            Err(IndexError::NoArchive { .. })
        ));
    }

    #[test]
    fn rejects_a_malformed_checksum() {
        let json = r#"[{"version":"go1.22.5","stable":true,"files":[{"filename":"go1.22.5.linux-amd64.tar.gz","os":"linux","arch":"amd64","sha256":"../../etc","size":1,"kind":"archive"}]}]"#;
        let idx = Index::parse(json.as_bytes(), "u").unwrap();
        let (v, r) = idx.resolve(&req("1.22.5")).unwrap();
        assert!(matches!(
            idx.archive(&v, r, PLATFORM),
            Err(IndexError::BadChecksum { .. })
        ));
    }

    #[test]
    fn lists_the_two_newest_stable_lines_by_default() {
        let idx = index();
        let names = |all| {
            idx.listed(all)
                .iter()
                .map(|(v, _)| v.to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(names(false), ["1.22.5", "1.22.4", "1.21.13"]);
        assert_eq!(
            names(true),
            ["1.23rc1", "1.22.5", "1.22.4", "1.21.13", "1.20"]
        );
    }

    #[test]
    fn names_that_would_be_unsafe_paths_refuse_the_index() {
        let sha = "a".repeat(64);
        let with = |filename: &str, version: &str, os: &str| {
            format!(
                r#"[{{"version":"{version}","stable":true,"files":[{{"filename":{},"os":{},"arch":"amd64","version":"{version}","sha256":"{sha}","size":1,"kind":"archive"}}]}}]"#,
                serde_json::to_string(filename).unwrap(),
                serde_json::to_string(os).unwrap(),
            )
        };
        for bad in [
            "../../../victim.txt",
            "/abs/path",
            "..",
            ".hidden",
            "-rf",
            "a\\b",
            "go1.22.5.linux-amd64.tar.gz\0",
            "go\u{1b}[2J.tar.gz",
            "",
        ] {
            let err = Index::parse(with(bad, "go1.22.5", "linux").as_bytes(), "u").unwrap_err();
            assert!(matches!(err, IndexError::UnsafeName { .. }), "{bad}: {err}");
            assert!(!err.to_string().contains('\x1b'), "{err}");
        }
        let bad_version = with("go1.22.5.linux-amd64.tar.gz", "../go1.22.5", "linux");
        assert!(Index::parse(bad_version.as_bytes(), "u").is_err());
        let bad_os = with("go1.22.5.linux-amd64.tar.gz", "go1.22.5", "../x");
        assert!(Index::parse(bad_os.as_bytes(), "u").is_err());
    }

    #[test]
    fn the_picked_archive_must_have_go_s_shape() {
        let sha = "a".repeat(64);
        let idx = |filename: &str| {
            let json = format!(
                r#"[{{"version":"go1.22.5","stable":true,"files":[{{"filename":"{filename}","os":"linux","arch":"amd64","version":"go1.22.5","sha256":"{sha}","size":1,"kind":"archive"}}]}}]"#
            );
            Index::parse(json.as_bytes(), "u").unwrap()
        };
        for ok in [
            "go1.22.5.linux-amd64.tar.gz",
            "go1.22.5.linux-amd64.zip",
            "go1.22.5.linux-amd64-osx10.8.tar.gz",
        ] {
            let i = idx(ok);
            let (v, r) = i.resolve(&req("1.22.5")).unwrap();
            assert!(i.archive(&v, r, PLATFORM).is_ok(), "{ok}");
        }
        for bad in [
            "victim.txt",
            "go1.22.4.linux-amd64.tar.gz",
            "go1.22.5.linux-amd64.tar.gz.sh",
            "go1.22.5.linux-amd64-x.tar.gz",
            "go1.22.5.darwin-amd64.tar.gz",
        ] {
            let i = idx(bad);
            let (v, r) = i.resolve(&req("1.22.5")).unwrap();
            assert!(
                matches!(
                    i.archive(&v, r, PLATFORM),
                    Err(IndexError::UnsafeName { .. })
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn malformed_json_is_an_error_not_a_panic() {
        for bad in [&b""[..], b"{", b"[{\"version\":1}]", b"null", b"\xff\xff"] {
            assert!(matches!(
                Index::parse(bad, "u"),
                Err(IndexError::Malformed { .. })
            ));
        }
    }
}
