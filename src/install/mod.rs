//! The install pipeline, top to bottom: resolve a request against a [`Source`], take the
//! version lock, have the source fill a staging dir with a verified release, and publish it
//! into `versions/` with one rename. Nothing becomes visible until the source has verified it.
//!
//! Sources, one file each: [`dist`] (go.dev's index and tar.gz archives, or a mirror of them)
//! and [`goproxy`] (the `golang.org/toolchain` module from `GOPROXY`, verified by the checksum
//! database). Archive formats are in [`unpack`].
//!
//! `gover install`, `gover use --install`, auto-install from the shims and `gover local` all
//! come here; `commands/install.rs` only decides what to ask for.

pub mod unpack;

use std::fs;
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::fsutil;
use crate::home::Home;
use crate::home::inventory;
use crate::home::shims;
use crate::link;
use crate::resolve;
use crate::source::dist::{Access, Index, SourceKind, cache};
use crate::version::{GoVersion, VersionRequest};

/// Where releases come from: what the pipeline asks of each.
pub trait Source {
    /// What [`Source::resolve`] learned that [`Source::fetch`] needs (an index entry, ...).
    type Resolved;
    /// The newest release that satisfies `request`.
    fn resolve(&self, request: &VersionRequest) -> Result<(GoVersion, Self::Resolved), Error>;
    /// Where the source keeps the verified archive of `version` in gover's download cache, if
    /// it keeps one (deleted after the install unless archives are kept).
    fn cached_archive(&self, version: &GoVersion, resolved: &Self::Resolved) -> Option<PathBuf>;
    /// Fill `staging` (empty) with the release, verified; on error it may hold anything.
    fn fetch(
        &self,
        version: &GoVersion,
        resolved: Self::Resolved,
        staging: &Path,
    ) -> Result<(), Error>;
}

/// Install the newest release matching `request` unless it is already installed, from the
/// source in force (`--source`, `GOVER_SOURCE`). Returns the installed version.
pub fn install(home: &Home, request: &VersionRequest, access: &Access) -> Result<GoVersion, Error> {
    install_with(home, request, access, false)
}

/// [`install`], or with `force` (`gover install --force`) install it again even if it is
/// installed: a damaged install (a truncated `bin/go`) is replaced by a verified one.
pub fn install_with(
    home: &Home,
    request: &VersionRequest,
    access: &Access,
    force: bool,
) -> Result<GoVersion, Error> {
    let is_installed = |v: &GoVersion| !force && inventory::is_installed(home, v);
    // An exact version that is already here needs no source at all.
    if let VersionRequest::Exact(v) = request
        && is_installed(v)
    {
        return already_installed(home, v);
    }
    match access.source()? {
        SourceKind::Dist => install_from(
            home,
            request,
            &crate::source::dist::fetch::Dist { home, access },
            force,
            access,
        ),
        SourceKind::Proxy => install_from(
            home,
            request,
            &crate::source::goproxy::fetch::Goproxy::new(home, access)?,
            force,
            access,
        ),
    }
}

fn install_from<S: Source>(
    home: &Home,
    request: &VersionRequest,
    source: &S,
    force: bool,
    access: &Access,
) -> Result<GoVersion, Error> {
    let is_installed = |v: &GoVersion| !force && inventory::is_installed(home, v);
    let (version, resolved) = source.resolve(request)?;
    if is_installed(&version) {
        return already_installed(home, &version);
    }
    // `--force` on a version a running program uses: say so before downloading.
    if home.in_use_lock_path(&version).exists() && home.try_lock_unused(&version)?.is_none() {
        return Err(Error::ReplaceInUse {
            version: version.to_string(),
        });
    }
    // One install of a version at a time; a concurrent install of the same version waits
    // here and then finds it done.
    let _version_lock = home.lock_version(&version)?;
    if is_installed(&version) {
        return already_installed(home, &version);
    }
    // A broken `current` would fail the install only after the download; say so first.
    resolve::default_version(home)?;
    crate::note!("Installing Go {version}");
    let _ctrl_c = crate::interrupt::guard();
    let staging = new_staging(home, &version)?;
    let archive = source.cached_archive(&version, &resolved);
    let started = std::time::Instant::now();
    source.fetch(&version, resolved, staging.path())?;
    crate::verbose!(
        "Go {version}: fetched, verified and unpacked in {:.1}s",
        started.elapsed().as_secs_f64()
    );
    let started = std::time::Instant::now();
    let version = finish(home, version, staging)?;
    crate::verbose!(
        "Go {version}: flushed to disk and moved into place in {:.1}s",
        started.elapsed().as_secs_f64()
    );
    if !access.keep_archive
        && let Some(archive) = archive
    {
        drop_archive(&archive);
    }
    Ok(version)
}

/// The cache policy (docs/mirrors.md, "Download cache"): once a version is in place its archive is
/// deleted, unless `--keep-archive`/`GOVER_KEEP_ARCHIVES=1` asked to keep it for offline
/// reinstalls. Failing to delete it only costs disk, so it is not an error.
fn drop_archive(archive: &Path) {
    let _ = fs::remove_file(archive);
}

/// Move a complete staging dir into `versions/`, refresh the shims, and make it the default
/// if there is none.
///
/// Durability: one `syncfs` of GOVER_HOME's filesystem puts every file of the staging dir (and
/// the download cache's new archive) on disk before the rename that publishes the version; the
/// rename is then made durable by an fsync of `versions/`. After a power cut the version is
/// absent or complete, never a tree of empty files under its final name.
fn finish(home: &Home, version: GoVersion, staging: tempfile::TempDir) -> Result<GoVersion, Error> {
    // Before the home lock: writeback of a whole release takes a while and blocks no one.
    fsutil::sync_filesystem(staging.path())
        .map_err(Error::io("cannot flush to disk", staging.path()))?;
    let _home_lock = home.lock()?;
    test_pause("rename");
    let dest = home.version_dir(&version);
    // A version dir that exists without being a complete install (damage from outside
    // gover), or one `--force` replaces, is removed so the new one can take its place, unless
    // a running program uses it; the in-use lock is held until the new one is in place.
    let _unused = if fs::symlink_metadata(&dest).is_ok() {
        let unused = home
            .try_lock_unused(&version)?
            .ok_or_else(|| Error::ReplaceInUse {
                version: version.to_string(),
            })?;
        inventory::remove_version(home, &version)?;
        Some(unused)
    } else {
        None
    };
    home.ensure_dir(&home.versions_dir())?;
    fs::rename(staging.path(), &dest)
        .map_err(Error::io("cannot move the new version to", &dest))?;
    let versions = home.versions_dir();
    fsutil::sync_dir(&versions).map_err(Error::io("cannot flush to disk", &versions))?;
    // The dir has moved; don't let the TempDir guard try to delete it.
    let _ = staging.keep();
    shims::ensure(home)?;
    crate::note!("Installed Go {version} to {}", dest.display());
    if resolve::default_version(home)?.is_none() {
        set_default(home, &version)?;
        crate::note!("Go {version} is now the default (no default was set)");
    }
    Ok(version)
}

fn already_installed(home: &Home, v: &GoVersion) -> Result<GoVersion, Error> {
    // Installed, but a `bin/go` the kernel would refuse is not "already installed".
    let go = home.tool_path(v, "go");
    if let Some(reason) = crate::home::damage::unrunnable(&go) {
        return Err(Error::DamagedInstall {
            version: v.to_string(),
            path: go,
            reason,
        });
    }
    shims::ensure(home)?;
    crate::note!("Go {v} is already installed");
    Ok(v.clone())
}

/// The newest release matching `request` in the source in force (`gover local 1.22`), without
/// installing anything.
pub fn resolve_remote(
    home: &Home,
    request: &VersionRequest,
    access: &Access,
) -> Result<GoVersion, Error> {
    match access.source()? {
        SourceKind::Dist => Ok(fetch_index(home, access)?.resolve(request)?.0),
        SourceKind::Proxy => {
            let proxies = crate::source::goproxy::Proxies::from_env(
                &crate::source::goproxy::config::GoEnv::load(),
            )?;
            crate::source::goproxy::fetch::resolve(
                &proxies,
                request,
                access,
                crate::source::dist::Platform::current(),
            )
        }
    }
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
        .map_err(Error::io("cannot update", &link_path))?;
    fsutil::sync_dir(home.root()).map_err(Error::io("cannot flush to disk", home.root()))
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
    let staging = tempfile::Builder::new()
        .prefix(&prefix)
        .tempdir_in(&dir)
        .map_err(Error::io("cannot create a staging dir in", &dir))?;
    // It becomes the GOROOT: the mode of a release's `go/` (tempfile makes it 0700).
    fs::set_permissions(staging.path(), fs::Permissions::from_mode(fsutil::DIR_MODE))
        .map_err(Error::io("cannot create a staging dir in", &dir))?;
    Ok(staging)
}

/// Test-only: with `GOVER_TEST_PAUSE_AT=<point>`, say so on stderr and sleep, so a crash test
/// can `kill -9` the install at a known moment (see [`crate::env::GOVER_TEST_PAUSE_AT`]).
pub(crate) fn test_pause(point: &str) {
    if crate::env::var(crate::env::GOVER_TEST_PAUSE_AT).as_deref() == Some(point) {
        eprintln!("gover-test: paused at {point}");
        std::thread::sleep(std::time::Duration::from_secs(60));
    }
}

pub(crate) fn empty_dir(dir: &Path) -> Result<(), Error> {
    fs::remove_dir_all(dir).map_err(Error::io("cannot clear", dir))?;
    fs::DirBuilder::new()
        .mode(fsutil::DIR_MODE)
        .create(dir)
        .map_err(Error::io("cannot create", dir))
}
