//! Step 3 of the pipeline: make a verified staging dir the installed version.
//!
//! Durability: the store adopts the verified files first; then one `syncfs` of GOVER_HOME's
//! filesystem puts every file of the staging dir, the store's new names and the download
//! cache's archive on disk before the rename that publishes the version; the rename is then
//! made durable by an fsync of `versions/`. After a power cut the version is absent or
//! complete, never a tree of empty files under its final name; store entries a cut damaged
//! before the flush are never linked again (see [`crate::store`]).

use std::fs;
use std::path::Path;

use crate::error::Error;
use crate::fsutil;
use crate::home::Home;
use crate::home::inventory;
use crate::home::shims;
use crate::install::fetch::Fetched;
use crate::install::staging::{Staging, test_pause};
use crate::link;
use crate::resolve;
use crate::source::dist::Access;
use crate::store::Store;
use crate::version::GoVersion;

/// Publish `staging` (verified) as `version`; keep the archive only if `access` asks.
pub fn publish(
    home: &Home,
    version: &GoVersion,
    staging: Staging,
    fetched: Fetched,
    access: &Access,
) -> Result<(), Error> {
    let started = std::time::Instant::now();
    Store::new(home.store_dir()).adopt_all(fetched.new_files, access.unpack_threads);
    test_pause("adopted");
    // Before the home lock: writeback of a whole release takes a while and blocks no one.
    fsutil::sync_filesystem(staging.path())
        .map_err(Error::io("cannot flush to disk", staging.path()))?;
    let _home_lock = home.lock()?;
    test_pause("rename");
    let dest = home.version_dir(version);
    // A version dir that exists without being a complete install (damage from outside
    // gover), or one `--force` replaces, is removed so the new one can take its place, unless
    // a running program uses it; the in-use lock is held until the new one is in place.
    let _unused = if fs::symlink_metadata(&dest).is_ok() {
        let unused = home
            .try_lock_unused(version)?
            .ok_or_else(|| Error::ReplaceInUse {
                version: version.to_string(),
            })?;
        inventory::remove_version(home, version)?;
        Some(unused)
    } else {
        None
    };
    home.ensure_dir(&home.versions_dir())?;
    fs::rename(staging.path(), &dest)
        .map_err(Error::io("cannot move the new version to", &dest))?;
    staging.published();
    let versions = home.versions_dir();
    fsutil::sync_dir(&versions).map_err(Error::io("cannot flush to disk", &versions))?;
    crate::verbose!(
        "Go {version}: shared, flushed to disk and moved into place in {:.1}s",
        started.elapsed().as_secs_f64()
    );
    shims::ensure(home)?;
    crate::note!("Installed Go {version} to {}", dest.display());
    if resolve::default_version(home)?.is_none() {
        set_default(home, version)?;
        crate::note!("Go {version} is now the default (no default was set)");
    }
    if !access.keep_archive
        && let Some(archive) = fetched.cached
    {
        drop_archive(&archive);
    }
    Ok(())
}

/// The cache policy (docs/mirrors.md, "Download cache"): once a version is in place its
/// archive is deleted, unless `--keep-archive`/`GOVER_KEEP_ARCHIVES=1` asked to keep it for
/// offline reinstalls. Failing to delete it only costs disk, so it is not an error.
fn drop_archive(archive: &Path) {
    let _ = fs::remove_file(archive);
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
