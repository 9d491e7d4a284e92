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

pub mod dist;
pub mod goproxy;
pub mod unpack;

use std::fs;
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::path::Path;

use crate::dist::{Access, Index, SourceKind, cache};
use crate::error::Error;
use crate::fsutil;
use crate::home::Home;
use crate::inventory;
use crate::link;
use crate::resolve;
use crate::shims;
use crate::version::{GoVersion, VersionRequest};

/// Where releases come from: what the pipeline asks of each.
pub trait Source {
    /// What [`Source::resolve`] learned that [`Source::fetch`] needs (an index entry, ...).
    type Resolved;
    /// The newest release that satisfies `request`.
    fn resolve(&self, request: &VersionRequest) -> Result<(GoVersion, Self::Resolved), Error>;
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
        SourceKind::Dist => install_from(home, request, &dist::Dist { home, access }, force),
        SourceKind::Proxy => {
            install_from(home, request, &goproxy::Goproxy::new(home, access)?, force)
        }
    }
}

fn install_from<S: Source>(
    home: &Home,
    request: &VersionRequest,
    source: &S,
    force: bool,
) -> Result<GoVersion, Error> {
    let is_installed = |v: &GoVersion| !force && inventory::is_installed(home, v);
    let (version, resolved) = source.resolve(request)?;
    if is_installed(&version) {
        return already_installed(home, &version);
    }
    // One install of a version at a time; a concurrent install of the same version waits
    // here and then finds it done.
    let _version_lock = home.lock_version(&version)?;
    if is_installed(&version) {
        return already_installed(home, &version);
    }
    // A broken `current` would fail the install only after the download; say so first.
    resolve::default_version(home)?;
    eprintln!("Installing Go {version}");
    let staging = new_staging(home, &version)?;
    source.fetch(&version, resolved, staging.path())?;
    finish(home, version, staging)
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
    // gover), or one `--force` replaces, is removed so the new one can take its place.
    if fs::symlink_metadata(&dest).is_ok() {
        inventory::remove_version(home, &version)?;
    }
    home.ensure_dir(&home.versions_dir())?;
    fs::rename(staging.path(), &dest)
        .map_err(Error::io("cannot move the new version to", &dest))?;
    let versions = home.versions_dir();
    fsutil::sync_dir(&versions).map_err(Error::io("cannot flush to disk", &versions))?;
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
