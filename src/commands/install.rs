//! `gover install`: resolve a request against the index, then download, verify and unpack the
//! archive into a staging dir and rename it into `versions/` in one step.
//!
//! The bytes are read once: the download stream is hashed, copied into the download cache and
//! unpacked as it arrives. Nothing becomes visible until the sha256 and size match the index.

use std::fs;
use std::path::Path;

use crate::archive;
use crate::cli::InstallArgs;
use crate::dist::{self, ArchiveFile, Index, Platform};
use crate::download::{ArchiveStream, DownloadError, Origin};
use crate::error::Error;
use crate::home::Home;
use crate::http;
use crate::inventory;
use crate::link;
use crate::progress::InstallProgress;
use crate::resolve;
use crate::shims;
use crate::version::{GoVersion, VersionRequest};
use crate::version_file;

pub fn run(args: InstallArgs) -> Result<(), Error> {
    let home = Home::from_env()?;
    let request = match args.spec {
        Some(spec) => VersionRequest::parse(&spec)?,
        None => requested_here()?,
    };
    install(&home, &request, args.mirror.as_deref())?;
    Ok(())
}

/// The request of the nearest `.go-version`, for `gover install` with no SPEC.
fn requested_here() -> Result<VersionRequest, Error> {
    let cwd = std::env::current_dir().map_err(resolve::ResolveError::Cwd)?;
    match version_file::find(&cwd).map_err(resolve::ResolveError::from)? {
        Some(file) => {
            eprintln!("Installing the version named by {}", file.path.display());
            Ok(file.request)
        }
        None => Err(resolve::ResolveError::NoVersion.into()),
    }
}

/// Install the newest release matching `request` unless it is already installed.
/// Returns the installed version.
pub fn install(
    home: &Home,
    request: &VersionRequest,
    mirror: Option<&str>,
) -> Result<GoVersion, Error> {
    // An exact version that is already here needs no index at all.
    if let VersionRequest::Exact(v) = request
        && inventory::is_installed(home, v)
    {
        return already_installed(home, v);
    }
    let index = fetch_index(home)?;
    let (version, release) = index.resolve(request)?;
    if inventory::is_installed(home, &version) {
        return already_installed(home, &version);
    }
    let file = index.archive(&version, release, Platform::current())?;

    // One install of a version at a time; a concurrent install of the same version waits
    // here and then finds it done.
    let _version_lock = home.lock_version(&version)?;
    if inventory::is_installed(home, &version) {
        return already_installed(home, &version);
    }
    // A broken `current` would fail the install only after the download; say so first.
    resolve::default_version(home)?;
    eprintln!("Installing Go {version}");
    let staging = new_staging(home, &version)?;
    fetch_and_unpack(
        home,
        &version,
        file,
        &dist::dist_url(mirror),
        staging.path(),
    )?;

    let _home_lock = home.lock()?;
    test_pause("rename");
    let dest = home.version_dir(&version);
    clear_damaged(home, &dest)?;
    home.ensure_dir(&home.versions_dir())?;
    fs::rename(staging.path(), &dest)
        .map_err(Error::io("cannot move the new version to", &dest))?;
    // The dir has moved; don't let the TempDir guard try to delete it.
    let _ = staging.keep();
    shims::ensure(home)?;
    eprintln!("Installed Go {version} to {}", dest.display());
    if resolve::default_version(home)?.is_none() {
        set_default(home, &version)?;
        eprintln!("Go {version} is now the default (no default was set)");
    }
    Ok(version)
}

fn already_installed(home: &Home, v: &GoVersion) -> Result<GoVersion, Error> {
    shims::ensure(home)?;
    eprintln!("Go {v} is already installed");
    Ok(v.clone())
}

/// Fetch and parse the index, keeping a copy in the cache.
pub fn fetch_index(home: &Home) -> Result<Index, Error> {
    let url = dist::index_url();
    let bytes = http::get_index(&url).map_err(Error::FetchIndex)?;
    let index = Index::parse(&bytes, &url)?;
    // The cached copy is a convenience; failing to write it must not fail the command.
    let _ = write_atomic(&home.index_cache(), &bytes);
    Ok(index)
}

/// Point `current` at `v`, atomically.
pub fn set_default(home: &Home, v: &GoVersion) -> Result<(), Error> {
    let link_path = home.current_link();
    if link_path.exists() && !link::is_symlink(&link_path) {
        return Err(resolve::ResolveError::CurrentNotALink { path: link_path }.into());
    }
    link::replace_symlink(&Home::current_target(v), &link_path)
        .map_err(Error::io("cannot update", &link_path))
}

/// A fresh staging dir for `v`, after removing staging dirs of `v` that killed installs left
/// (safe: we hold the version lock, so no live install owns them).
fn new_staging(home: &Home, v: &GoVersion) -> Result<tempfile::TempDir, Error> {
    let dir = home.staging_dir();
    home.ensure_dir(&dir)?;
    let prefix = format!("{v}.");
    if let Ok(entries) = fs::read_dir(&dir) {
        for entry in entries.flatten() {
            if entry.file_name().to_string_lossy().starts_with(&prefix) {
                let _ = fs::remove_dir_all(entry.path());
            }
        }
    }
    tempfile::Builder::new()
        .prefix(&prefix)
        .tempdir_in(&dir)
        .map_err(Error::io("cannot create a staging dir in", dir))
}

/// Stream the archive (from the download cache if a copy is there, else from the mirror)
/// into `staging`, verifying it against the index entry.
fn fetch_and_unpack(
    home: &Home,
    version: &GoVersion,
    file: &ArchiveFile,
    dist_url: &str,
    staging: &Path,
) -> Result<(), Error> {
    let cached = home.download_path(&file.filename);
    if cached.is_file() {
        match unpack_from(version, file, &Origin::Cache(cached.clone()), staging) {
            Ok(()) => return Ok(()),
            Err(e) => {
                // A damaged cache entry is dropped and the archive fetched again.
                eprintln!(
                    "warning: the cached {} is unusable ({e}); downloading it again",
                    file.filename
                );
                let _ = fs::remove_file(&cached);
                empty_dir(staging)?;
            }
        }
    }
    let partial = home.partial_path(&file.filename);
    let origin = Origin::Remote {
        url: dist::archive_url(dist_url, &file.filename),
        partial: partial.clone(),
    };
    let had_partial = partial.is_file();
    let mut result = unpack_from(version, file, &origin, staging);
    if had_partial && matches!(&result, Err(e) if e.exit_code() == crate::error::exit::VERIFY) {
        // The partial an earlier run left may hold other bytes than this mirror serves.
        eprintln!(
            "warning: the resumed download did not verify; downloading it again from the start"
        );
        let _ = fs::remove_file(&partial);
        empty_dir(staging)?;
        result = unpack_from(version, file, &origin, staging);
    }
    if result.is_err() {
        let _ = fs::remove_file(&partial);
        return result;
    }
    fs::rename(&partial, &cached).map_err(Error::io("cannot store the download as", &cached))
}

fn unpack_from(
    version: &GoVersion,
    file: &ArchiveFile,
    origin: &Origin,
    staging: &Path,
) -> Result<(), Error> {
    let progress = InstallProgress::new(&version.to_string(), Some(file.size).filter(|s| *s > 0));
    let bytes_bar = progress.bytes.clone();
    let mut paused_download = false;
    let on_read = move |n| {
        bytes_bar.inc(n);
        if !paused_download {
            paused_download = true;
            test_pause("download");
        }
    };
    let (mut stream, _len) = ArchiveStream::open(origin, file, Box::new(on_read))?;
    let mut paused_unpack = false;
    let unpacked = archive::unpack(&mut stream, staging, || {
        progress.files.inc(1);
        if !paused_unpack {
            paused_unpack = true;
            test_pause("unpack");
        }
    });
    if let Err(source) = unpacked {
        progress.finish();
        if let Some(failure) = stream.take_failure() {
            return Err(failure.into());
        }
        // Bytes that do not match the index explain a broken archive better than the
        // unpacker's complaint does.
        return match stream.verify(file) {
            Err(e @ (DownloadError::Checksum { .. } | DownloadError::Size { .. })) => Err(e.into()),
            _ => Err(Error::Archive {
                url: origin_name(origin),
                source,
            }),
        };
    }
    let verified = stream.verify(file);
    progress.finish();
    Ok(verified?)
}

/// Test-only: with `GOVER_TEST_PAUSE_AT=<point>`, say so on stderr and sleep, so a crash test
/// can `kill -9` the install at a known moment (see [`crate::env::GOVER_TEST_PAUSE_AT`]).
fn test_pause(point: &str) {
    if crate::env::var(crate::env::GOVER_TEST_PAUSE_AT).as_deref() == Some(point) {
        eprintln!("gover-test: paused at {point}");
        std::thread::sleep(std::time::Duration::from_secs(60));
    }
}

fn origin_name(origin: &Origin) -> String {
    match origin {
        Origin::Cache(path) => path.display().to_string(),
        Origin::Remote { url, .. } => url.clone(),
    }
}

/// A version dir that exists without being a complete install (damage from outside gover)
/// is moved aside so the new one can take its place.
fn clear_damaged(home: &Home, dest: &Path) -> Result<(), Error> {
    if fs::symlink_metadata(dest).is_err() {
        return Ok(());
    }
    let trash = home
        .staging_dir()
        .join(format!(".damaged-{}", std::process::id()));
    fs::rename(dest, &trash).map_err(Error::io("cannot move aside", dest))?;
    let _ = fs::remove_dir_all(&trash);
    Ok(())
}

fn empty_dir(dir: &Path) -> Result<(), Error> {
    fs::remove_dir_all(dir).map_err(Error::io("cannot clear", dir))?;
    fs::create_dir(dir).map_err(Error::io("cannot create", dir))
}

/// Write `bytes` to `path` via a temp file and rename, so readers never see half a file.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}
