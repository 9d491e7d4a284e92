//! The record of the files that chose a version when gover resolved one (`.go-version`,
//! `.tool-versions`, and a go.work or go.mod by its `toolchain` or `go` line), so
//! `gover prune --unused` knows which versions projects still ask for.
//!
//! `$GOVER_HOME/seen/` holds one symlink per version file, named by a hash of the file's
//! absolute path and pointing at it. Recording runs on the shim's hot path (the freestanding
//! shim makes the same link itself, named by `gover_core::layout::seen_entry_name`), so it is one
//! `symlink(2)` call: `EEXIST` is the common, already-recorded case. It never fails its caller;
//! a record that cannot be written only means `--unused` protects a little less.
//! An entry whose file is gone protects nothing and `gover prune` removes it.

use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{DirBuilderExt, symlink};
use std::path::{Path, PathBuf};

use crate::home::Home;
use crate::version::{GoVersion, VersionRequest};

/// Record that `file` (an absolute `.go-version` path) chose a version.
pub fn record(home: &Home, file: &Path) {
    if !file.is_absolute() {
        return;
    }
    let link = entry_path(home, file);
    match symlink(file, &link) {
        // A new record is made durable by an fsync of `seen/` (only the first time a file is
        // seen: the already-recorded case stays one syscall).
        Ok(()) => {
            let _ = crate::fsutil::sync_dir(&home.seen_dir());
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            // The first record: create `seen/`, but never the home itself (`create_dir`, not
            // `create_dir_all`), so a shim run without any install leaves no trace.
            let made = std::fs::DirBuilder::new()
                .mode(crate::fsutil::DIR_MODE)
                .create(home.seen_dir());
            if made.is_ok() && symlink(file, &link).is_ok() {
                let _ = crate::fsutil::sync_dir(&home.seen_dir());
                let _ = crate::fsutil::sync_dir(home.root());
            }
        }
        Err(_) => {}
    }
}

/// The version a recorded file asks for now: its exact version, or the best installed match
/// of a partial one or a minimum (a go.mod's `go` line). `None` when the file is gone,
/// unreadable, invalid or names no version any more.
pub fn chosen(file: &Path, installed: &[GoVersion]) -> Option<GoVersion> {
    let module = matches!(
        file.file_name().and_then(|n| n.to_str()),
        Some("go.mod" | "go.work")
    );
    let request = if module {
        let opened = crate::resolve::gomod::open(file.to_path_buf()).ok()??;
        let (path, handle) = opened;
        let parsed = crate::resolve::gomod::read_opened(handle, path).ok()??;
        // A custom build it names is what it uses once installed (from the proxy source),
        // whichever source is in force now.
        match parsed.requirement(|| true)?.request {
            VersionRequest::Exact(v) if installed.contains(&v) => return Some(v),
            _ => parsed.requirement(|| false)?.request,
        }
    } else {
        crate::resolve::version_file::read(file).ok()?.request
    };
    match &request {
        VersionRequest::Exact(v) => Some(v.clone()),
        request => request.best_match(installed).cloned(),
    }
}

/// A recorded `.go-version` file that asks for `v`, if any.
pub fn pinning(home: &Home, v: &GoVersion) -> Option<PathBuf> {
    let installed = crate::home::inventory::installed(home);
    entries(home)
        .into_iter()
        .find(|record| chosen(&record.file, &installed).as_ref() == Some(v))
        .map(|record| record.file)
}

/// Where the record of `file` lives.
pub fn entry_path(home: &Home, file: &Path) -> PathBuf {
    let name = gover_core::layout::seen_entry_name(file.as_os_str().as_bytes());
    home.seen_dir()
        .join(name.iter().map(|&b| char::from(b)).collect::<String>())
}

/// One record: the link in `seen/` and the version file it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    pub entry: PathBuf,
    pub file: PathBuf,
}

/// Every record, in directory order. Entries that are not links are not records and are skipped.
pub fn entries(home: &Home) -> Vec<Seen> {
    let Ok(dir) = std::fs::read_dir(home.seen_dir()) else {
        return Vec::new();
    };
    let mut seen: Vec<Seen> = dir
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let entry = e.path();
            let file = std::fs::read_link(&entry).ok()?;
            Some(Seen { entry, file })
        })
        .collect();
    seen.sort_by(|a, b| a.file.cmp(&b.file));
    seen
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_once_and_lists_the_file() {
        let tmp = tempfile::tempdir().unwrap();
        let home = Home::at(tmp.path().join("home"));
        let file = tmp.path().join("proj/.go-version");
        // No home yet: nothing is created.
        record(&home, &file);
        assert!(!home.root().exists());
        std::fs::create_dir(home.root()).unwrap();
        record(&home, &file);
        record(&home, &file);
        record(&home, Path::new("relative/.go-version"));
        assert_eq!(
            entries(&home),
            vec![Seen {
                entry: entry_path(&home, &file),
                file: file.clone()
            }]
        );
    }
}
