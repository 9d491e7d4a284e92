//! Fleet mirrors: a directory in go.dev's layout that any static file server can serve as a
//! complete `GOVER_INDEX_URL` (`<dir>/index.json`) and `GOVER_DIST_URL` (`<dir>/`).
//!
//! ```text
//! DIR/index.json                          go.dev's format, listing only the files in DIR
//! DIR/go1.22.5.linux-amd64.tar.gz         verified archives
//! DIR/go1.22.5.linux-amd64.tar.gz.sha256  its digest, as go.dev serves beside each file
//! ```
//!
//! The checksums in `DIR/index.json` are copied from the trusted index; every archive is
//! verified against them before it gets its final name. A sync adds to what is there (the
//! index keeps earlier releases whose archives are still present) and downloads only what is
//! missing or does not verify.

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use crate::download::{self, DownloadError};
use crate::error::Error;
use crate::home::Home;
use crate::source;
use crate::source::dist::{self, Access, ArchiveFile, Index, Platform, Release};
use crate::version::{GoVersion, VersionRequest};

/// Go's GOOS names (`go tool dist list`).
const KNOWN_OS: &[&str] = &[
    "aix",
    "android",
    "darwin",
    "dragonfly",
    "freebsd",
    "illumos",
    "ios",
    "js",
    "linux",
    "netbsd",
    "openbsd",
    "plan9",
    "solaris",
    "wasip1",
    "windows",
];

/// Go's GOARCH names as archive names spell them (32-bit ARM Linux is `armv6l`).
const KNOWN_ARCH: &[&str] = &[
    "386", "amd64", "arm", "arm64", "armv6l", "loong64", "mips", "mips64", "mips64le", "mipsle",
    "ppc64", "ppc64le", "riscv64", "s390x", "wasm",
];

/// One archive to have in the mirror.
#[derive(Debug, Clone)]
pub struct Wanted {
    pub version: GoVersion,
    pub stable: bool,
    pub file: ArchiveFile,
}

/// What a sync did.
#[derive(Debug, Default)]
pub struct Report {
    pub downloaded: Vec<String>,
    pub present: Vec<String>,
}

/// `linux-amd64` → the platform, checked against Go's known names so a typo is an error, not
/// an empty sync.
pub fn parse_platform(text: &str) -> Result<Platform, Error> {
    let bad = || Error::BadPlatform {
        platform: text.to_string(),
    };
    let (os, arch) = text.trim().split_once('-').ok_or_else(bad)?;
    let os = KNOWN_OS.iter().find(|k| **k == os).ok_or_else(bad)?;
    let arch = KNOWN_ARCH.iter().find(|k| **k == arch).ok_or_else(bad)?;
    Ok(Platform { os, arch })
}

/// The archives `requests` × `platforms` name in `index`. With no requests: the newest release
/// of each of the two stable minor lines (what go.dev's default download page lists).
pub fn select(
    index: &Index,
    requests: &[VersionRequest],
    platforms: &[Platform],
) -> Result<Vec<Wanted>, Error> {
    let mut versions: Vec<(GoVersion, &Release)> = Vec::new();
    if requests.is_empty() {
        for (v, release) in index.listed(false) {
            if !versions
                .iter()
                .any(|(w, _)| w.minor_line() == v.minor_line())
            {
                versions.push((v, release));
            }
        }
    }
    for request in requests {
        let (v, release) = index.resolve(request)?;
        if !versions.iter().any(|(w, _)| *w == v) {
            versions.push((v, release));
        }
    }
    let mut wanted = Vec::new();
    for (version, release) in versions {
        for platform in platforms {
            let file = index.archive(&version, release, *platform)?;
            wanted.push(Wanted {
                version: version.clone(),
                stable: release.stable,
                file: file.clone(),
            });
        }
    }
    Ok(wanted)
}

/// Make `dir` hold every `wanted` archive, verified, and an `index.json` listing them (and the
/// earlier synced archives still there).
///
/// One sync at a time per DIR: a second one waits for the lock on DIR, then
/// finds the first one's archives in place. `index.json` is written last, atomically, and lists
/// only archives that verified in their final place.
pub fn sync(home: &Home, dir: &Path, wanted: &[Wanted], access: &Access) -> Result<Report, Error> {
    crate::fsutil::create_dirs(dir).map_err(Error::io("cannot create", dir))?;
    let _lock = lock_dir(dir)?;
    let index_path = dir.join("index.json");
    let mut releases = read_index(&index_path)?;
    let mut report = Report::default();
    for want in wanted {
        let name = &want.file.filename;
        let dest = dir.join(name);
        if verifies(&dest, &want.file) {
            report.present.push(name.clone());
        } else {
            fetch(home, dir, &want.file, access)?;
            // What is in place is what gets listed: check it, not only the bytes this run wrote.
            if !verifies(&dest, &want.file) {
                return Err(Error::Io {
                    action: "the archive in place does not verify:",
                    path: dest,
                    source: io::Error::other("sha256 or size mismatch after the download"),
                });
            }
            report.downloaded.push(name.clone());
        }
        let sha_path = dir.join(format!("{name}.sha256"));
        crate::fsutil::write_atomic(&sha_path, want.file.sha256.as_bytes())
            .map_err(Error::io("cannot write", &sha_path))?;
        let release = releases
            .entry(want.version.clone())
            .or_insert_with(|| Release {
                version: want.version.go_name().to_string(),
                stable: want.stable,
                files: Vec::new(),
            });
        release.files.retain(|f| f.filename != *name);
        release.files.push(want.file.clone());
    }
    // List only what is really there: an archive removed by hand drops out of the index.
    for release in releases.values_mut() {
        release.files.retain(|f| dir.join(&f.filename).is_file());
        release.files.sort_by(|a, b| a.filename.cmp(&b.filename));
    }
    let listed: Vec<&Release> = releases
        .values()
        .rev()
        .filter(|r| !r.files.is_empty())
        .collect();
    let mut json = serde_json::to_vec_pretty(&listed).expect("plain data serializes");
    json.push(b'\n');
    crate::fsutil::write_atomic(&index_path, &json)
        .map_err(Error::io("cannot write", &index_path))?;
    Ok(report)
}

/// The releases of an existing mirror index, by version (newest last); none if there is none.
fn read_index(path: &Path) -> Result<BTreeMap<GoVersion, Release>, Error> {
    let bytes = match fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
        Err(e) => return Err(Error::io("cannot read", path)(e)),
    };
    let index = Index::parse(&bytes, &path.display().to_string())?;
    let mut releases = BTreeMap::new();
    for release in index.releases {
        let Ok(v) = GoVersion::parse(&release.version) else {
            continue;
        };
        releases.insert(v, release);
    }
    Ok(releases)
}

/// The lock that serializes syncs into `dir`: an `flock` on the directory itself, so DIR holds
/// nothing but the mirror (held until dropped). Says so when it has to wait.
fn lock_dir(dir: &Path) -> Result<File, Error> {
    let file = File::open(dir).map_err(Error::io("cannot lock", dir))?;
    match file.try_lock() {
        Ok(()) => return Ok(file),
        Err(fs::TryLockError::WouldBlock) => {
            crate::note!(
                "Waiting for another `gover mirror sync` into {} to finish",
                dir.display()
            );
        }
        Err(fs::TryLockError::Error(e)) => return Err(Error::io("cannot lock", dir)(e)),
    }
    file.lock().map_err(Error::io("cannot lock", dir))?;
    Ok(file)
}

/// Whether `path` is a regular file (not a link to one) holding exactly the file the index
/// describes.
fn verifies(path: &Path, file: &ArchiveFile) -> bool {
    let Ok(mut f) = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
        .open(path)
    else {
        return false;
    };
    let size_ok = match f.metadata() {
        Ok(m) => m.is_file() && (file.size == 0 || m.len() == file.size),
        Err(_) => false,
    };
    size_ok
        && crate::digest::sha256_reader(&mut f).is_ok_and(|d| d.eq_ignore_ascii_case(&file.sha256))
}

/// Put a verified copy of `file` at `dir/<filename>`: from the local download cache if it has
/// a good copy, else from the mirrors in turn. Bytes land in `<filename>.partial` first.
fn fetch(home: &Home, dir: &Path, file: &ArchiveFile, access: &Access) -> Result<(), Error> {
    let name = &file.filename;
    let dest = dir.join(name);
    let partial: PathBuf = dir.join(format!("{name}.partial"));
    let cached = home.download_path(name);
    if verifies(&cached, file) {
        crate::note!("Copying {name} from the download cache");
        download::copy_new(&cached, &partial).map_err(Error::io("cannot write", &partial))?;
        if !verifies(&partial, file) {
            let _ = fs::remove_file(&partial);
            return Err(Error::Io {
                action: "the copy does not verify:",
                path: partial,
                source: io::Error::other("sha256 mismatch after copy"),
            });
        }
    } else {
        if access.offline {
            return Err(Error::Offline {
                what: format!("{name} is not in the download cache"),
                hint: "sync once while online".into(),
            });
        }
        let candidates = dist::candidates(&access.mirrors, name);
        let size = dist::size_of(file);
        source::try_each(&candidates, None, |url| {
            crate::note!("Downloading {url}");
            let result = download::receive(url, &partial, size)
                .map_err(Error::from)
                .and_then(|received| {
                    if received.sha256.eq_ignore_ascii_case(&file.sha256) {
                        return Ok(());
                    }
                    Err(DownloadError::Checksum {
                        url: url.to_string(),
                        expected: file.sha256.to_ascii_lowercase(),
                        actual: received.sha256,
                    }
                    .into())
                });
            if result.is_err() {
                let _ = fs::remove_file(&partial);
            }
            result
        })?;
    }
    // On disk before it gets the name `index.json` will list.
    download::publish(&partial, &dest).map_err(Error::io("cannot move the download to", &dest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platforms_parse_against_known_names() {
        let p = parse_platform("darwin-arm64").unwrap();
        assert_eq!((p.os, p.arch), ("darwin", "arm64"));
        assert_eq!(parse_platform("linux-armv6l").unwrap().arch, "armv6l");
        for bad in ["linux", "linux-amd46", "lnux-amd64", "-amd64", "linux-", ""] {
            assert!(parse_platform(bad).is_err(), "{bad:?}");
        }
    }
}
