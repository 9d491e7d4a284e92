//! Symlinks that never disappear: replace by creating under a temporary name and renaming over.

use std::io;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};

/// Point `link` at `target`, atomically: a reader sees the old target or the new one, never
/// a missing link. `rename(2)` over an existing symlink replaces it in one step; it refuses
/// (EISDIR/ENOTEMPTY) to replace a real directory, which is what we want.
pub fn replace_symlink(target: &Path, link: &Path) -> io::Result<()> {
    let dir = link.parent().unwrap_or(Path::new("."));
    let name = link.file_name().unwrap_or_default().to_string_lossy();
    // Unique per process and call, so concurrent writers never collide on the temporary name.
    for attempt in 0u32.. {
        let tmp = dir.join(format!(".{name}.tmp-{}-{attempt}", std::process::id()));
        match symlink(target, &tmp) {
            Ok(()) => {
                return std::fs::rename(&tmp, link).inspect_err(|_| {
                    let _ = std::fs::remove_file(&tmp);
                });
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && attempt < 100 => continue,
            Err(e) => return Err(e),
        }
    }
    unreachable!("the loop returns")
}

/// The target of `link` if it is a symlink; `None` if it does not exist or is not a symlink.
pub fn read_link(link: &Path) -> Option<PathBuf> {
    std::fs::read_link(link).ok()
}

/// Whether `path` is a symlink (without following it).
pub fn is_symlink(path: &Path) -> bool {
    path.symlink_metadata()
        .map(|m| m.file_type().is_symlink())
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_an_existing_link_in_place() {
        let tmp = tempfile::tempdir().unwrap();
        let link = tmp.path().join("current");
        replace_symlink(Path::new("versions/1.21.0"), &link).unwrap();
        replace_symlink(Path::new("versions/1.22.5"), &link).unwrap();
        assert_eq!(read_link(&link).unwrap(), Path::new("versions/1.22.5"));
        // No temporary names left behind.
        let names: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
        assert_eq!(names.len(), 1);
    }

    #[test]
    fn refuses_to_replace_a_real_directory() {
        let tmp = tempfile::tempdir().unwrap();
        let link = tmp.path().join("current");
        std::fs::create_dir(&link).unwrap();
        std::fs::write(link.join("keep"), "x").unwrap();
        assert!(replace_symlink(Path::new("versions/1.22.5"), &link).is_err());
        assert!(link.join("keep").exists());
        assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1);
    }
}
