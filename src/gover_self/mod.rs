//! gover's own installation: the two binaries side by side and `GOVER_HOME`.
//!
//! [`update`] replaces both binaries with a release's, fetched and checked exactly as
//! `scripts/install.sh` does (the `VERSION` file, `gover-<version>-<target>.tar.gz` and its
//! `.sha256` under `GOVER_INSTALL_URL`); [`uninstall_plan`] and [`uninstall`] take gover off
//! the machine (`gover self uninstall`).

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

pub mod error;
pub mod urls;

pub use error::SelfError;
use urls::RELEASES_URL;
pub use urls::{DEFAULT_INSTALL_URL, GOVER_INSTALL_URL};

use crate::error::Error;
use crate::home::Home;
use crate::http::HttpError;
use crate::shell::UserDirs;
use crate::shell::setup;

/// The largest tarball accepted (a release is a few MB; debug builds are tens of MB).
const MAX_TARBALL: u64 = 512 << 20;
/// The largest `VERSION` or `.sha256` file accepted.
const MAX_SMALL: u64 = 4096;

/// The running `gover` and the `gover-shim` beside it.
pub fn binaries() -> Result<(PathBuf, PathBuf), Error> {
    let gover = std::env::current_exe().map_err(Error::io("cannot locate", "gover"))?;
    let shim = gover.with_file_name(crate::home::shims::SHIM_EXE);
    Ok((gover, shim))
}

/// Rust's name for this machine, as `scripts/install.sh` computes it.
pub fn target() -> Result<String, Error> {
    let (os, arch) = (std::env::consts::OS, std::env::consts::ARCH);
    let triple = match (os, arch) {
        ("linux", "x86_64" | "aarch64") => format!("{arch}-unknown-linux-gnu"),
        ("macos", "x86_64" | "aarch64") => format!("{arch}-apple-darwin"),
        _ => {
            return Err(SelfError::NoTarget {
                os: os.into(),
                arch: arch.into(),
            }
            .into());
        }
    };
    Ok(triple)
}

/// The release directory URL: `GOVER_INSTALL_URL`, else GitHub's (the latest release, or the
/// named one). https only, except plain http on loopback (tests, a local mirror).
pub fn base_url(version: Option<&str>) -> Result<String, Error> {
    let url = match (crate::env::var(GOVER_INSTALL_URL), version) {
        (Some(url), _) => url.trim_end_matches('/').to_string(),
        (None, Some(v)) => format!("{RELEASES_URL}/v{v}"),
        (None, None) => DEFAULT_INSTALL_URL.to_string(),
    };
    let loopback = ["http://127.0.0.1", "http://localhost", "http://[::1]"]
        .iter()
        .any(|p| {
            url.strip_prefix(p)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with([':', '/']))
        });
    if url.starts_with("https://") || loopback {
        Ok(url)
    } else {
        Err(SelfError::InsecureUrl { url }.into())
    }
}

/// A version is part of a file name and a URL: plain version characters only.
fn check_version(version: &str, url: &str) -> Result<(), Error> {
    let ok = !version.is_empty()
        && version.len() <= 64
        && version
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '+' | '-'));
    if ok {
        Ok(())
    } else {
        Err(SelfError::BadVersion {
            version: version.to_string(),
            url: url.to_string(),
        }
        .into())
    }
}

fn fetch_small(url: &str) -> Result<String, Error> {
    let bytes = crate::http::get_whole(url, MAX_SMALL).map_err(|source| match source {
        HttpError::TooLarge { url, limit } => SelfError::TooLarge { url, max: limit },
        HttpError::Body { url, source } => SelfError::Read { url, source },
        source => SelfError::Fetch {
            url: url.to_string(),
            source,
        },
    })?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// The release `update` would install: the one asked for, else the one `VERSION` names.
pub fn wanted_version(base: &str, version: Option<&str>) -> Result<String, Error> {
    let (version, from) = match version {
        Some(v) => (v.to_string(), "--version".to_string()),
        None => {
            let url = format!("{base}/VERSION");
            let text = fetch_small(&url)?;
            let first = text.lines().next().unwrap_or_default().trim().to_string();
            (first, url)
        }
    };
    check_version(&version, &from)?;
    Ok(version)
}

/// Temporary files in the binaries' dir, removed unless [`Staged::publish`] renamed them.
struct Staged {
    files: Vec<PathBuf>,
}

impl Drop for Staged {
    fn drop(&mut self) {
        for f in &self.files {
            let _ = std::fs::remove_file(f);
        }
    }
}

/// Download `version`'s tarball into `dir`, check it against its `.sha256`, and put both
/// binaries in place of `gover` and `shim` by rename (the shim first, so a gover never sits
/// next to an older shim), each written and flushed before its rename, then the dir flushed.
pub fn update(base: &str, version: &str, gover: &Path, shim: &Path) -> Result<(), Error> {
    let dir = gover.parent().unwrap_or(Path::new("/"));
    let name = format!("gover-{version}-{}", target()?);
    let url = format!("{base}/{name}.tar.gz");
    let mut staged = Staged { files: Vec::new() };

    // The tarball, hashed while it is written to a private temp file beside the binaries.
    let (mut file, tmp) =
        crate::fsutil::create_private(dir, Path::new(".gover-update.tar.gz"), 0o600)
            .map_err(Error::io("cannot write in", dir))?;
    staged.files.push(tmp.clone());
    let body = crate::http::get(&url).map_err(|source| SelfError::Fetch {
        url: url.clone(),
        source,
    })?;
    let mut hasher = Sha256::new();
    let mut reader = body.take(MAX_TARBALL + 1);
    let mut buf = vec![0u8; 64 * 1024];
    let mut total: u64 = 0;
    loop {
        let n = reader.read(&mut buf).map_err(|source| SelfError::Read {
            url: url.clone(),
            source,
        })?;
        if n == 0 {
            break;
        }
        total += n as u64;
        if total > MAX_TARBALL {
            return Err(SelfError::TooLarge {
                url,
                max: MAX_TARBALL,
            }
            .into());
        }
        hasher.update(&buf[..n]);
        file.write_all(&buf[..n])
            .map_err(Error::io("cannot write", &tmp))?;
    }
    drop(file);
    let actual = crate::digest::hex(&hasher.finalize());

    let sums_url = format!("{url}.sha256");
    let sums = fetch_small(&sums_url)?;
    let expected = sums
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    if expected.len() != 64 || !expected.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(SelfError::BadChecksumFile { url: sums_url }.into());
    }
    if expected != actual {
        return Err(SelfError::Checksum {
            url,
            expected,
            actual,
        }
        .into());
    }

    // Only the two regular files `<name>/gover` and `<name>/gover-shim` are taken out; the
    // rest (docs) is not read.
    let unpack = |source: io::Error| SelfError::Unpack {
        url: url.clone(),
        source,
    };
    let tarball = std::fs::File::open(&tmp).map_err(Error::io("cannot read", &tmp))?;
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(tarball));
    let mut found: Vec<(PathBuf, PathBuf)> = Vec::new();
    for entry in archive.entries().map_err(unpack)? {
        let mut entry = entry.map_err(unpack)?;
        let path = entry.path().map_err(unpack)?.into_owned();
        let Some(final_path) = [(gover, "gover"), (shim, crate::home::shims::SHIM_EXE)]
            .iter()
            .find(|(_, exe)| path == Path::new(&name).join(exe))
            .map(|(p, _)| p.to_path_buf())
        else {
            continue;
        };
        if !entry.header().entry_type().is_file()
            || found.iter().any(|(p, _)| *p == final_path)
            || entry.size() > MAX_TARBALL
        {
            continue;
        }
        let (mut out, new) = crate::fsutil::create_private(dir, &final_path, 0o755)
            .map_err(Error::io("cannot write in", dir))?;
        staged.files.push(new.clone());
        io::copy(&mut (&mut entry).take(MAX_TARBALL), &mut out).map_err(unpack)?;
        out.sync_all().map_err(Error::io("cannot write", &new))?;
        found.push((final_path, new));
    }
    for (path, exe) in [(shim, crate::home::shims::SHIM_EXE), (gover, "gover")] {
        let Some((_, new)) = found.iter().find(|(p, _)| p == path) else {
            return Err(SelfError::MissingEntry {
                url,
                entry: format!("{name}/{exe}"),
            }
            .into());
        };
        std::fs::rename(new, path).map_err(Error::io("cannot replace", path))?;
    }
    crate::fsutil::sync_dir(dir).map_err(Error::io("cannot flush to disk", dir))?;
    Ok(())
}

/// What `gover self uninstall` removes.
#[derive(Debug)]
pub struct Plan {
    /// Startup files holding a gover block.
    pub files: Vec<PathBuf>,
    /// GOVER_HOME, when it exists.
    pub home: Option<PathBuf>,
    /// The binaries that exist.
    pub binaries: Vec<PathBuf>,
}

/// Remove each binary of `plan` (a missing one is fine), then GOVER_HOME (its links are
/// removed as links, never followed).
pub fn remove_files(plan: &Plan) -> Result<(), Error> {
    for bin in &plan.binaries {
        match std::fs::remove_file(bin) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::io("cannot remove", bin)(e)),
        }
    }
    if let Some(root) = &plan.home {
        match std::fs::remove_dir_all(root) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::io("cannot remove", root)(e)),
        }
    }
    Ok(())
}

/// Look at what is there; refuse a GOVER_HOME that is not gover's to delete (the root, the
/// home directory or one above it, or a non-empty dir with none of gover's entries).
pub fn uninstall_plan(home: &Home, dirs: &UserDirs) -> Result<Plan, Error> {
    let files = setup::all_paths(dirs)
        .into_iter()
        .filter(|p| {
            crate::edit::read_optional(p)
                .ok()
                .flatten()
                .is_some_and(|t| crate::shell::block::find(&t).is_some())
        })
        .collect();
    let root = home.root().to_path_buf();
    let home_dir = match std::fs::symlink_metadata(&root) {
        Err(_) => None,
        Ok(_) => {
            let unsafe_home = |why| SelfError::UnsafeHome {
                path: root.clone(),
                why,
            };
            if root.parent().is_none() || dirs.home.starts_with(&root) {
                return Err(unsafe_home("it holds your home directory").into());
            }
            let names: Vec<String> = std::fs::read_dir(&root)
                .map(|d| {
                    d.flatten()
                        .map(|e| e.file_name().to_string_lossy().into_owned())
                        .collect()
                })
                .unwrap_or_default();
            let ours = [
                gover_core::layout::VERSIONS,
                gover_core::layout::SHIMS,
                gover_core::layout::CURRENT,
                "bin",
            ];
            if !names.is_empty() && !names.iter().any(|n| ours.contains(&n.as_str())) {
                return Err(
                    unsafe_home("it holds none of gover's files (versions/, shims/)").into(),
                );
            }
            Some(root)
        }
    };
    let (gover, shim) = binaries()?;
    let binaries = [shim, gover]
        .into_iter()
        .filter(|p| std::fs::symlink_metadata(p).is_ok())
        .collect();
    Ok(Plan {
        files,
        home: home_dir,
        binaries,
    })
}
