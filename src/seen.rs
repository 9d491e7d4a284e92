//! The record of `.go-version` files gover has resolved, so `gover prune --unused` knows which
//! versions projects still ask for.
//!
//! `$GOVER_HOME/seen/` holds one symlink per version file, named by a hash of the file's
//! absolute path and pointing at it. Recording runs on the shim's hot path, so it is one
//! `symlink(2)` call: `EEXIST` is the common, already-recorded case. It never fails its caller;
//! a record that cannot be written only means `--unused` protects a little less.
//! An entry whose file is gone protects nothing and `gover prune` removes it.

use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};

use crate::home::Home;

/// Record that `file` (an absolute `.go-version` path) chose a version.
pub fn record(home: &Home, file: &Path) {
    if !file.is_absolute() {
        return;
    }
    let link = entry_path(home, file);
    if let Err(e) = symlink(file, &link)
        && e.kind() == std::io::ErrorKind::NotFound
    {
        // The first record: create `seen/`, but never the home itself (`create_dir`, not
        // `create_dir_all`), so a shim run without any install leaves no trace.
        if std::fs::create_dir(home.seen_dir()).is_ok() {
            let _ = symlink(file, &link);
        }
    }
}

/// Where the record of `file` lives.
pub fn entry_path(home: &Home, file: &Path) -> PathBuf {
    home.seen_dir()
        .join(format!("{:016x}", fnv1a(file.as_os_str().as_bytes())))
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

/// FNV-1a, 64 bits: stable across Rust releases (unlike `DefaultHasher`) and costs nothing.
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
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

    #[test]
    fn the_entry_name_is_stable() {
        // Known FNV-1a 64 vectors: a changed hash would orphan every existing record.
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
