//! Editing the user's own files (startup files, the go env file) safely: back up first (with the
//! original's mode from the start, synced), write atomically and durably
//! ([`crate::fsutil::write_atomic`]), keep permissions, and write through a symlinked dotfile
//! rather than replacing it.
//!
//! A backup is `<file>.gover-backup-<unix seconds>` next to the file (a `-N` suffix is added if
//! that name is taken). Files that did not exist get no backup, and neither does a deletion.

use std::fs;
use std::io::{self, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

/// What one edit did, for printing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edited {
    pub path: PathBuf,
    pub backup: Option<PathBuf>,
    pub created: bool,
    pub deleted: bool,
}

/// The file's text, or `None` if it does not exist.
pub fn read_optional(path: &Path) -> io::Result<Option<String>> {
    match fs::read(path) {
        Ok(bytes) => Ok(Some(String::from_utf8_lossy(&bytes).into_owned())),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// Replace `path`'s content with `new` (or delete the file when `new` is `None`), backing up
/// the old content first (not when deleting). Does nothing and returns `None` when the content is unchanged.
pub fn write(path: &Path, new: Option<&str>) -> io::Result<Option<Edited>> {
    // Edit the file a symlinked dotfile points at (dotfile managers), not the link itself.
    let real = resolve_link(path);
    let old = read_optional(&real)?;
    if old.as_deref() == new {
        return Ok(None);
    }
    // Only `gover setup --remove` deletes, and only a file setup created that holds nothing but
    // gover's block: a backup of that would be gover's own litter left behind.
    let backup = match (&old, new) {
        (Some(_), Some(_)) => Some(backup(&real)?),
        _ => None,
    };
    let deleted = new.is_none();
    match new {
        Some(text) => crate::fsutil::write_atomic(&real, text.as_bytes())?,
        None => {
            fs::remove_file(&real)?;
            crate::fsutil::sync_dir(real.parent().unwrap_or(Path::new(".")))?;
        }
    }
    Ok(Some(Edited {
        path: path.to_path_buf(),
        backup,
        created: old.is_none(),
        deleted,
    }))
}

fn resolve_link(path: &Path) -> PathBuf {
    if crate::link::is_symlink(path)
        && let Ok(real) = fs::canonicalize(path)
    {
        return real;
    }
    path.to_path_buf()
}

/// Copy `path` to a fresh `<path>.gover-backup-<secs>` and return the backup's path.
pub fn backup(path: &Path) -> io::Result<PathBuf> {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let content = fs::read(path)?;
    let mode = fs::metadata(path)?.permissions().mode() & 0o7777;
    for n in 0u32.. {
        let suffix = if n == 0 {
            String::new()
        } else {
            format!("-{n}")
        };
        let candidate = path.with_file_name(format!("{name}.gover-backup-{secs}{suffix}"));
        // The backup has the original's mode from its first byte (a 0600 `.bashrc` holding a
        // token must never be readable through its backup), and is on disk before the
        // original is replaced.
        match crate::fsutil::create_new(&candidate, mode) {
            Ok(mut file) => {
                let written = file.write_all(&content).and_then(|()| file.sync_data());
                if let Err(e) = written {
                    let _ = fs::remove_file(&candidate);
                    return Err(e);
                }
                return Ok(candidate);
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    unreachable!("the loop returns")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backs_up_before_changing_and_skips_unchanged_content() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join(".bashrc");
        fs::write(&file, "old\n").unwrap();
        fs::set_permissions(&file, fs::Permissions::from_mode(0o600)).unwrap();
        let edited = write(&file, Some("new\n")).unwrap().unwrap();
        let backup = edited.backup.unwrap();
        assert_eq!(fs::read_to_string(&backup).unwrap(), "old\n");
        assert_eq!(fs::read_to_string(&file).unwrap(), "new\n");
        assert_eq!(
            fs::metadata(&file).unwrap().permissions().mode() & 0o777,
            0o600
        );
        assert!(write(&file, Some("new\n")).unwrap().is_none());
        assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 2);
    }

    #[test]
    fn writes_through_a_symlinked_dotfile() {
        let tmp = tempfile::tempdir().unwrap();
        let real = tmp.path().join("dotfiles-bashrc");
        fs::write(&real, "x\n").unwrap();
        let link = tmp.path().join(".bashrc");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write(&link, Some("y\n")).unwrap().unwrap();
        assert!(crate::link::is_symlink(&link));
        assert_eq!(fs::read_to_string(&real).unwrap(), "y\n");
    }
}
