//! `gover install`: resolve a request against the index, then download, verify and unpack the
//! archive into a staging dir and rename it into `versions/` in one step.
//!
//! The bytes are read once: the download stream is hashed, copied into the download cache and
//! unpacked as it arrives. Nothing becomes visible until the sha256 and size match the index.

use std::fs;
use std::path::Path;

use crate::archive;
use crate::cli::InstallArgs;
use crate::dist::{self, Access, ArchiveFile, Index, Platform, cache};
use crate::download::{ArchiveStream, DownloadError, Origin};
use crate::error::Error;
use crate::home::Home;
use crate::inventory;
use crate::link;
use crate::progress::InstallProgress;
use crate::resolve::{self, Source};
use crate::shims;
use crate::version::{self, GoVersion, VersionRequest};

pub fn run(args: InstallArgs, access: Access) -> Result<(), Error> {
    let home = Home::from_env()?;
    let access = Access {
        allow_unverified: args.allow_unverified,
        ..access.with_mirrors(&args.mirror)
    };
    if access.allow_unverified {
        eprintln!(
            "warning: --allow-unverified: if no release index can be fetched or found in the \
             cache, the archive is installed without any checksum verification"
        );
    }
    let request = match args.spec {
        Some(spec) => version::parse_request(&spec)?,
        None => requested_here(&home)?,
    };
    install(&home, &request, &access)?;
    Ok(())
}

/// For `gover install` with no SPEC: the request of the nearest `.go-version`, else of the
/// nearest go.work/go.mod. A `go` line minimum that an installed release already satisfies
/// names that release; otherwise the exact release the line names.
fn requested_here(home: &Home) -> Result<VersionRequest, Error> {
    let cwd = std::env::current_dir().map_err(resolve::ResolveError::Cwd)?;
    let Some(active) = resolve::pinned(&cwd)? else {
        return Err(resolve::ResolveError::NoVersion.into());
    };
    let named_by = match &active.source {
        Source::GoMod { path, line } => format!("{}:{line}", path.display()),
        Source::VersionFile(path) => path.display().to_string(),
        other => other.to_string(),
    };
    eprintln!("Installing the version named by {named_by}");
    Ok(match &active.request {
        VersionRequest::AtLeast(min) => match active.installed(home) {
            Ok(installed) => VersionRequest::Exact(installed),
            Err(_) => VersionRequest::Exact(min.clone()),
        },
        request => request.clone(),
    })
}

/// Install the newest release matching `request` unless it is already installed.
/// Returns the installed version.
pub fn install(home: &Home, request: &VersionRequest, access: &Access) -> Result<GoVersion, Error> {
    // An exact version that is already here needs no index at all.
    if let VersionRequest::Exact(v) = request
        && inventory::is_installed(home, v)
    {
        return already_installed(home, v);
    }
    let Some(mut loaded) = cache::load(home, access, false)? else {
        return install_unverified(home, request, access);
    };
    // A cached index younger than the TTL may still predate the release asked for.
    if loaded.index.resolve(request).is_err()
        && matches!(
            loaded.origin,
            cache::Origin::Cached {
                why: cache::CacheUse::Fresh,
                ..
            }
        )
        && let Some(fresh) = cache::load(home, access, true)?
    {
        loaded = fresh;
    }
    let index = &loaded.index;
    let (version, release) = index.resolve(request)?;
    if inventory::is_installed(home, &version) {
        return already_installed(home, &version);
    }
    let file = index
        .archive(&version, release, Platform::current())?
        .clone();

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
        &file.filename,
        Some(&file),
        access,
        staging.path(),
    )?;
    finish(home, version, staging)
}

/// `--allow-unverified` with no index at all: only an exact release can be named, and its
/// archive is installed without a checksum, loudly.
fn install_unverified(
    home: &Home,
    request: &VersionRequest,
    access: &Access,
) -> Result<GoVersion, Error> {
    let version = request
        .release_name()
        .cloned()
        .ok_or_else(|| Error::NeedsIndex {
            request: request.to_string(),
        })?;
    if inventory::is_installed(home, &version) {
        return already_installed(home, &version);
    }
    let filename = format!("{}.{}.tar.gz", version.go_name(), Platform::current());
    let _version_lock = home.lock_version(&version)?;
    if inventory::is_installed(home, &version) {
        return already_installed(home, &version);
    }
    eprintln!(
        "warning: installing Go {version} UNVERIFIED: there is no release index to check {filename} against"
    );
    let staging = new_staging(home, &version)?;
    fetch_and_unpack(home, &version, &filename, None, access, staging.path())?;
    finish(home, version, staging)
}

/// Move a complete staging dir into `versions/`, refresh the shims, and make it the default
/// if there is none.
fn finish(home: &Home, version: GoVersion, staging: tempfile::TempDir) -> Result<GoVersion, Error> {
    let _home_lock = home.lock()?;
    test_pause("rename");
    let dest = home.version_dir(&version);
    // A version dir that exists without being a complete install (damage from outside
    // gover) is removed so the new one can take its place.
    if fs::symlink_metadata(&dest).is_ok() {
        inventory::remove_version(home, &version)?;
    }
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

/// The release index for commands that need one (never `None`: `--allow-unverified` is an
/// install-only escape hatch). Says so on stderr when the cached copy is used.
pub fn fetch_index(home: &Home, access: &Access) -> Result<Index, Error> {
    let access = Access {
        allow_unverified: false,
        ..access.clone()
    };
    let loaded =
        cache::load(home, &access, false)?.expect("verified access always yields an index");
    Ok(loaded.index)
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

/// Stream the archive into `staging`: from the download cache if a copy is there, else from
/// each mirror in turn. Checked against `expected` (the index entry), unless there is none
/// (`--allow-unverified`). Only verified archives are kept in the download cache.
fn fetch_and_unpack(
    home: &Home,
    version: &GoVersion,
    filename: &str,
    expected: Option<&ArchiveFile>,
    access: &Access,
    staging: &Path,
) -> Result<(), Error> {
    let cached = home.download_path(filename);
    if cached.is_file() {
        match unpack_from(version, expected, &Origin::Cache(cached.clone()), staging) {
            Ok(()) => {
                eprintln!("Used the cached download {}", cached.display());
                return Ok(());
            }
            Err(e) => {
                // A damaged cache entry is dropped and the archive fetched again.
                eprintln!("warning: the cached {filename} is unusable ({e}); downloading it again");
                let _ = fs::remove_file(&cached);
                empty_dir(staging)?;
            }
        }
    }
    if access.offline {
        return Err(Error::Offline {
            what: format!("{filename} is not in the download cache"),
            hint: "download it once while online (`gover install`, or `gover mirror sync` for a fleet)"
                .into(),
        });
    }
    let partial = home.partial_path(filename);
    dist::try_mirrors(&access.mirrors, filename, |url| {
        let origin = Origin::Remote {
            url: url.to_string(),
            partial: partial.clone(),
        };
        let had_partial = partial.is_file();
        let mut result = unpack_from(version, expected, &origin, staging);
        if had_partial && matches!(&result, Err(e) if e.exit_code() == crate::error::exit::VERIFY) {
            // The partial an earlier run left may hold other bytes than this mirror serves.
            eprintln!(
                "warning: the resumed download did not verify; downloading it again from the start"
            );
            let _ = fs::remove_file(&partial);
            empty_dir(staging)?;
            result = unpack_from(version, expected, &origin, staging);
        }
        if result.is_err() {
            let _ = fs::remove_file(&partial);
            empty_dir(staging)?;
        }
        result
    })?;
    if expected.is_none() {
        // Unverified bytes never enter the cache of verified archives.
        let _ = fs::remove_file(&partial);
        return Ok(());
    }
    fs::rename(&partial, &cached).map_err(Error::io("cannot store the download as", &cached))
}

fn unpack_from(
    version: &GoVersion,
    expected: Option<&ArchiveFile>,
    origin: &Origin,
    staging: &Path,
) -> Result<(), Error> {
    let size = expected.map(|f| f.size).filter(|s| *s > 0);
    let progress = InstallProgress::new(&version.to_string(), size);
    let bytes_bar = progress.bytes.clone();
    let mut paused_download = false;
    let on_read = move |n| {
        bytes_bar.inc(n);
        if !paused_download {
            paused_download = true;
            test_pause("download");
        }
    };
    let (mut stream, _len) = ArchiveStream::open(origin, size, Box::new(on_read))?;
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
        if let Some(file) = expected
            && let Err(e @ (DownloadError::Checksum { .. } | DownloadError::Size { .. })) =
                stream.verify(file)
        {
            return Err(e.into());
        }
        return Err(Error::Archive {
            url: origin_name(origin),
            source,
        });
    }
    let result = match expected {
        Some(file) => stream.verify(file).map_err(Error::from),
        None => stream.finish_unverified().map(|digest| {
            eprintln!(
                "warning: Go {version} was installed UNVERIFIED (sha256 of what was received: {digest})"
            );
        }).map_err(Error::from),
    };
    progress.finish();
    result
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

fn empty_dir(dir: &Path) -> Result<(), Error> {
    fs::remove_dir_all(dir).map_err(Error::io("cannot clear", dir))?;
    fs::create_dir(dir).map_err(Error::io("cannot create", dir))
}
