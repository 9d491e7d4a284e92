//! What is installed under `versions/`.
//!
//! A version counts as installed when its dir has a valid release name and holds `bin/go`.
//! Installs appear by one rename, so a dir without `bin/go` is damage, not work in progress.

use std::fs;

use crate::home::{Home, HomeError};
use crate::version::GoVersion;

/// Installed versions, oldest first.
pub fn installed(home: &Home) -> Vec<GoVersion> {
    let Ok(entries) = std::fs::read_dir(home.versions_dir()) else {
        return Vec::new();
    };
    let mut versions: Vec<GoVersion> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| GoVersion::parse(e.file_name().to_str()?).ok())
        .filter(|v| is_installed(home, v))
        .collect();
    versions.sort();
    versions
}

pub fn is_installed(home: &Home, v: &GoVersion) -> bool {
    home.tool_path(v, "go").is_file()
}

/// Where an imported version's tree is: `versions/<v>` is then a link to it (`gover import`).
pub fn imported_from(home: &Home, v: &GoVersion) -> Option<std::path::PathBuf> {
    crate::link::read_link(&home.version_dir(v))
}

/// Remove the dir of `v` (complete or not): rename it into `staging/` first, so the version
/// vanishes in one step even if the delete is interrupted (`gover prune` clears what is left),
/// then delete it, and the store entries no other version links to. The caller holds the home
/// lock. A link in its place is removed itself;
/// `remove_dir_all` never follows links inside the tree.
pub fn remove_version(home: &Home, v: &GoVersion) -> Result<(), HomeError> {
    let dir = home.version_dir(v);
    home.ensure_dir(&home.staging_dir())?;
    let trash = home
        .staging_dir()
        .join(format!("{UNINSTALL_PREFIX}{v}-{}", std::process::id()));
    let remove = |path: &std::path::Path| {
        let path = path.to_path_buf();
        move |source| HomeError::Remove { path, source }
    };
    fs::rename(&dir, &trash).map_err(remove(&dir))?;
    fs::remove_dir_all(&trash).map_err(remove(&trash))?;
    // The stored files only this version used are freed with it.
    let store = crate::store::Store::new(home.store_dir());
    store.sweep().map_err(remove(store.dir()))
}

/// Why a removal left a version alone: `left Go V alone: …`.
pub const IN_USE_NOTE: &str =
    "a running program uses it (a `go` started through the shims or `gover exec`)";

/// [`remove_version`] unless a running program uses `v` (a tool a shim or `gover exec`
/// started holds `locks/in-use-<v>.lock` shared, and so do its children): then `Ok(false)` and
/// nothing is touched. The lock is held exclusively while `v` is removed, so no new one starts
/// on it meanwhile (it waits, then finds `v` gone). The caller holds the home lock.
pub fn remove_unless_in_use(home: &Home, v: &GoVersion) -> Result<bool, HomeError> {
    let Some(_unused) = home.try_lock_unused(v)? else {
        return Ok(false);
    };
    remove_version(home, v)?;
    Ok(true)
}

/// Name prefix, in `staging/`, of a version dir being removed.
pub const UNINSTALL_PREFIX: &str = ".uninstall-";
