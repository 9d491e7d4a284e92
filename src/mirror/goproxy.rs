//! Fleet mirrors in the GOPROXY layout (`gover mirror sync DIR --layout goproxy`): a directory
//! any static server (or `GOPROXY=file://DIR`) serves to gover's proxy source and to `go`'s own
//! `GOTOOLCHAIN` switching alike.
//!
//! ```text
//! DIR/golang.org/toolchain/@v/list                            one module version per line
//! DIR/golang.org/toolchain/@v/v0.0.1-go1.22.5.linux-amd64.zip  byte for byte the proxy's zip
//! DIR/golang.org/toolchain/@v/v0.0.1-go1.22.5.linux-amd64.mod  module golang.org/toolchain
//! DIR/golang.org/toolchain/@v/v0.0.1-go1.22.5.linux-amd64.info {"Version":…,"Time":…}
//! ```
//!
//! Every zip and go.mod is checked against the hashes the checksum database vouches for before
//! it gets its final name, so clients that verify against the same database (gover, `go`)
//! accept the mirror unchanged. A sync adds to what is there and downloads only what is missing
//! or does not verify.

use std::fs;
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::download::{self, MAX_MODULE_ZIP, Size};
use crate::error::Error;
use crate::home::Home;
use crate::source;
use crate::source::dist::{Access, Platform};
use crate::source::goproxy::config::GoEnv;
use crate::source::goproxy::{
    self as goproxy, GoproxyError, MODULE, Proxies, Sumdb, module_version,
};
use crate::version::{GoVersion, VersionRequest};

/// What a sync did: module versions downloaded, and those already there.
#[derive(Debug, Default)]
pub struct Report {
    pub downloaded: Vec<String>,
    pub present: Vec<String>,
    /// What the checksum database's files hold now.
    pub sumdb: Option<super::sumdb::Report>,
}

/// Sync `requests` × `platforms` from GOPROXY into `dir`. With no requests: the newest release
/// of each of the two stable minor lines the proxy lists for the first platform.
pub fn sync(
    home: &Home,
    dir: &Path,
    requests: &[VersionRequest],
    platforms: &[Platform],
    access: &Access,
) -> Result<Report, Error> {
    if access.offline {
        return Err(Error::Offline {
            what: "a GOPROXY-layout mirror is synced from GOPROXY".into(),
            hint: "sync while online".into(),
        });
    }
    let env = GoEnv::load();
    let proxies = Proxies::from_env(&env)?;
    let (client, key) = match Sumdb::from_env(&env)? {
        Sumdb::On { key, url } => (
            goproxy::sumdb_client(home, &proxies, &key, url.as_deref())?,
            key,
        ),
        Sumdb::Off { why } => return Err(GoproxyError::Unverifiable { why }.into()),
    };
    let at = dir.join(MODULE).join("@v");
    fs::create_dir_all(&at).map_err(Error::io("cannot create", &at))?;
    let mut report = Report::default();
    // (module version, zip h1) checked by this sync, for the mirror's checksum database files.
    let mut checked = Vec::new();
    for platform in platforms {
        let (listed, url) = proxies.list(*platform)?;
        for version in wanted(requests, &listed, &url)? {
            let mv = module_version(&version, *platform);
            let vouched = goproxy::vouched(&client, &mv)?;
            let zip = at.join(format!("{mv}.zip"));
            if hash_zip(&zip).as_deref() == Some(vouched.zip.as_str()) {
                report.present.push(mv.clone());
            } else {
                let partial = at.join(format!("{mv}.zip.partial"));
                crate::note!("Downloading {MODULE}@{mv}");
                let not_found = || -> Error {
                    GoproxyError::NotFound {
                        module: MODULE.into(),
                        version: mv.clone(),
                        proxies: proxies.value().to_string(),
                    }
                    .into()
                };
                // The one downloader: capped as Go caps module zips, resumable, never through
                // a link planted as the `.partial`.
                source::try_each(&proxies.zip_candidates(&mv), Some(&not_found), |url| {
                    let received = download::receive(url, &partial, Size::AtMost(MAX_MODULE_ZIP));
                    if let Err(e) = received {
                        let _ = fs::remove_file(&partial);
                        return Err(e.into());
                    }
                    Ok(())
                })?;
                let actual = hash_zip(&partial).unwrap_or_else(|| "(not a zip)".into());
                if actual != vouched.zip {
                    let _ = fs::remove_file(&partial);
                    return Err(GoproxyError::Mirrored {
                        what: "the zip",
                        path: zip,
                        expected: vouched.zip,
                        actual,
                    }
                    .into());
                }
                // Durable before `list` names it.
                download::publish(&partial, &zip)
                    .map_err(Error::io("cannot move the download to", &zip))?;
                report.downloaded.push(mv.clone());
            }
            let go_mod = proxies.get_small(&mv, "mod")?;
            let go_mod_hash = hash_go_mod(&go_mod);
            if go_mod_hash != vouched.go_mod {
                return Err(GoproxyError::Mirrored {
                    what: "the go.mod",
                    path: at.join(format!("{mv}.mod")),
                    expected: vouched.go_mod,
                    actual: go_mod_hash,
                }
                .into());
            }
            write(&at.join(format!("{mv}.mod")), &go_mod)?;
            write(&at.join(format!("{mv}.info")), &info(&proxies, &mv)?)?;
            checked.push((mv, vouched.zip));
        }
    }
    let listed = write_list(&at)?;
    // The checksum database's files for every listed toolchain (src/mirror/sumdb.rs).
    report.sumdb = Some(super::sumdb::sync(
        dir,
        &key,
        client.fetcher(),
        &listed,
        &checked,
    )?);
    Ok(report)
}

/// The newest listed release for each request (or the default pick).
fn wanted(
    requests: &[VersionRequest],
    listed: &[GoVersion],
    url: &str,
) -> Result<Vec<GoVersion>, Error> {
    if requests.is_empty() {
        let mut lines: Vec<(u64, u64)> = listed
            .iter()
            .filter(|v| !v.is_prerelease())
            .map(|v| v.minor_line())
            .collect();
        lines.sort();
        lines.dedup();
        let newest = lines.iter().rev().take(2);
        return Ok(newest
            .filter_map(|(major, minor)| {
                VersionRequest::Minor(*major, *minor)
                    .best_match(listed)
                    .cloned()
            })
            .collect());
    }
    requests
        .iter()
        .map(|request| {
            request.best_match(listed).cloned().ok_or_else(|| {
                GoproxyError::NoMatch {
                    request: request.to_string(),
                    url: url.to_string(),
                }
                .into()
            })
        })
        .collect()
}

/// The `.info` the proxy serves, if it is what it should be (small JSON naming this version);
/// otherwise one written here, as Go's own `go mod download` output would have it.
fn info(proxies: &Proxies, mv: &str) -> Result<Vec<u8>, Error> {
    let bytes = proxies.get_small(mv, "info")?;
    let names_it = serde_json::from_slice::<serde_json::Value>(&bytes)
        .ok()
        .is_some_and(|v| v.get("Version").and_then(|v| v.as_str()) == Some(mv));
    Ok(if names_it {
        bytes
    } else {
        format!("{{\"Version\":\"{mv}\"}}\n").into_bytes()
    })
}

fn hash_zip(path: &Path) -> Option<String> {
    path.is_file()
        .then(|| gover_sumdb::dirhash::hash1_zip(path).ok())
        .flatten()
}

/// The `h1:` of a go.mod (Hash1 over the one file `go.mod`, as Go hashes it).
fn hash_go_mod(bytes: &[u8]) -> String {
    gover_sumdb::dirhash::hash1([("go.mod".to_string(), Sha256::digest(bytes).into())])
        .expect("`go.mod` has no newline")
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    crate::fsutil::write_atomic(path, bytes).map_err(Error::io("cannot write", path))
}

/// `list`: every module version whose zip is in the dir, sorted (and returned).
fn write_list(at: &Path) -> Result<Vec<String>, Error> {
    let mut versions: Vec<String> = fs::read_dir(at)
        .map_err(Error::io("cannot read", at))?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            e.file_name()
                .to_str()?
                .strip_suffix(".zip")
                .map(str::to_string)
        })
        .filter(|v| v.starts_with("v0.0.1-go"))
        .collect();
    versions.sort();
    let mut text = versions.join("\n");
    if !text.is_empty() {
        text.push('\n');
    }
    write(&at.join("list"), text.as_bytes())?;
    Ok(versions)
}
