//! Real Go toolchains (Debian's `/usr/lib/go-1.NN`) repackaged as official release archives, so end-to-end tests
//! and benchmarks can install genuine toolchains from the loopback mirror without the internet.
//!
//! The archive matches go.dev's layout: one top dir `go/`, symlinks dereferenced (Debian links `src`, `api`,
//! `misc`, `test` into `/usr/share`), named `go<V>.<os>-<arch>.tar.gz` with `<V>` from the `VERSION` file.
//! Packing ~13k files costs seconds, so archives are cached by version and reused across runs.

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use flate2::Compression;
use flate2::write::GzEncoder;
use sha2::{Digest, Sha256};

use super::release::{hex, host_platform};

/// Bump when the packing changes, so stale cached archives are not reused.
const FORMAT: &str = "v1";

/// A repackaged toolchain ready to be served.
#[derive(Clone, Debug)]
pub struct RealToolchain {
    /// Without the `go` prefix, e.g. `1.22.12`.
    pub version: String,
    pub filename: String,
    pub archive: PathBuf,
    pub sha256: String,
    pub size: u64,
    /// Go's names for the platform the archive is for (`linux`, `amd64`).
    pub os: String,
    pub arch: String,
}

/// Where Debian's `golang-1.NN-go` package puts the GOROOT for `minor` (`"1.22"`).
pub fn debian_goroot(minor: &str) -> PathBuf {
    PathBuf::from(format!("/usr/lib/go-{minor}"))
}

/// Whether Debian's GOROOT for `minor` is installed; if not, says so (the caller skips), except
/// under `CI=true`, where it panics: a test that needs a real toolchain must not be skipped in CI.
pub fn have_debian_go(minor: &str) -> bool {
    let goroot = debian_goroot(minor);
    if goroot.join("bin/go").is_file() {
        return true;
    }
    let why = format!(
        "{} is missing (apt-get install golang-{minor}-go)",
        goroot.display()
    );
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("CI=true but {why}: this test must not be skipped in CI");
    }
    eprintln!("SKIPPED: {why}");
    false
}

/// The cache shared by every test binary: `target/e2e-cache/<format>/`.
pub fn cache_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("CARGO_TARGET_TMPDIR has a parent (the target dir)")
        .join("e2e-cache")
        .join(FORMAT)
}

/// The release name in `<goroot>/VERSION` (first line, e.g. `go1.22.12`) without the `go` prefix.
pub fn goroot_version(goroot: &Path) -> io::Result<String> {
    let mut first = String::new();
    BufReader::new(File::open(goroot.join("VERSION"))?).read_line(&mut first)?;
    let version = first
        .trim()
        .strip_prefix("go")
        .unwrap_or(first.trim())
        .to_owned();
    if version.is_empty() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "empty VERSION file",
        ));
    }
    Ok(version)
}

/// The archive for `goroot` (a toolchain for this host), built into `cache` unless a finished one is already
/// there.
pub fn repackage(goroot: &Path, cache: &Path) -> io::Result<RealToolchain> {
    repackage_for(goroot, cache, host_platform())
}

/// The archive for `goroot`, a toolchain for `platform` (Go's `(os, arch)`, e.g. `("linux", "arm64")`), named
/// for that platform, built into `cache` unless a finished one is already there.
///
/// Built under a temporary name and renamed into place, with its digest written the same way afterwards: an
/// interrupted or concurrent build never leaves a truncated archive that a later run would trust.
pub fn repackage_for(
    goroot: &Path,
    cache: &Path,
    (os, arch): (&str, &str),
) -> io::Result<RealToolchain> {
    let version = goroot_version(goroot)?;
    let filename = format!("go{version}.{os}-{arch}.tar.gz");
    let archive = cache.join(&filename);
    let digest_file = cache.join(format!("{filename}.sha256"));
    if let Some(cached) = cached(&digest_file, &archive) {
        let (sha256, size) = cached;
        return Ok(RealToolchain {
            version,
            filename,
            archive,
            sha256,
            size,
            os: os.to_owned(),
            arch: arch.to_owned(),
        });
    }
    std::fs::create_dir_all(cache)?;
    let temp = tempfile::NamedTempFile::new_in(cache)?;
    let mut hashing = HashingWriter {
        inner: BufWriter::new(temp.reopen()?),
        hasher: Sha256::new(),
        size: 0,
    };
    {
        let mut builder = tar::Builder::new(GzEncoder::new(&mut hashing, Compression::fast()));
        builder.follow_symlinks(true);
        builder.mode(tar::HeaderMode::Deterministic);
        builder.append_dir_all("go", goroot)?;
        builder.into_inner()?.finish()?;
    }
    hashing.inner.flush()?;
    hashing.inner.get_ref().sync_all()?;
    let sha256 = hex(&hashing.hasher.finalize());
    let size = hashing.size;
    temp.persist(&archive).map_err(|err| err.error)?;
    let digest_temp = tempfile::NamedTempFile::new_in(cache)?;
    std::fs::write(digest_temp.path(), format!("{sha256} {size}\n"))?;
    digest_temp.persist(&digest_file).map_err(|err| err.error)?;
    Ok(RealToolchain {
        version,
        filename,
        archive,
        sha256,
        size,
        os: os.to_owned(),
        arch: arch.to_owned(),
    })
}

/// The recorded (digest, size) of a finished cached archive, if its size still matches.
fn cached(digest_file: &Path, archive: &Path) -> Option<(String, u64)> {
    let recorded = std::fs::read_to_string(digest_file).ok()?;
    let (sha256, size) = recorded.trim().split_once(' ')?;
    let size: u64 = size.parse().ok()?;
    (std::fs::metadata(archive).ok()?.len() == size).then(|| (sha256.to_owned(), size))
}

struct HashingWriter<W> {
    inner: W,
    hasher: Sha256,
    size: u64,
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let written = self.inner.write(buf)?;
        self.hasher.update(&buf[..written]);
        self.size += written as u64;
        Ok(written)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

impl RealToolchain {
    /// The index entry for this archive (go.dev format).
    pub fn index_entry(&self) -> serde_json::Value {
        let (os, arch) = (&self.os, &self.arch);
        serde_json::json!({
            "version": format!("go{}", self.version),
            "stable": true,
            "files": [{
                "filename": self.filename, "os": os, "arch": arch, "version": format!("go{}", self.version),
                "sha256": self.sha256, "size": self.size, "kind": "archive",
            }],
        })
    }
}

/// Runs `step`, printing how long it took (nextest shows it for failures and with `--no-capture`).
pub fn timed<T>(step: &str, run: impl FnOnce() -> T) -> T {
    let started = std::time::Instant::now();
    let result = run();
    eprintln!("{step}: {:.1?}", started.elapsed());
    result
}
