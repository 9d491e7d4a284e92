//! Editing the user's own files (startup files, the go env file) safely: back up first (with the
//! original's mode from the start, synced), write atomically and durably
//! ([`crate::fsutil::write_atomic`]), keep permissions, and write through a symlinked dotfile
//! rather than replacing it.
//!
//! A backup is `<file>.gover-backup-<unix seconds>` next to the file (a `-N` suffix is added if
//! that name is taken). Files that did not exist get no backup, and neither does a deletion.
//! One backup per file: when one is there already, the oldest (the file as it was before
//! gover first changed it) is kept and no new one is made, so setup/remove cycles do not pile
//! them up (issue 24, item 11).

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
    /// The backup is one an earlier edit made (kept instead of making another).
    pub backup_is_earlier: bool,
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
    let (backup, backup_is_earlier) = match (&old, new) {
        (Some(_), Some(_)) => match earliest_backup(&real) {
            Some(b) => (Some(b), true),
            None => (Some(backup(&real)?), false),
        },
        _ => (None, false),
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
        backup_is_earlier,
        created: old.is_none(),
        deleted,
    }))
}

impl Edited {
    /// `backup: <path>` for the messages, saying when it is an earlier edit's.
    pub fn backup_note(&self) -> Option<String> {
        let b = self.backup.as_ref()?;
        Some(if self.backup_is_earlier {
            format!(
                "backup: {} (from before gover first changed it; one is kept per file)",
                b.display()
            )
        } else {
            format!("backup: {}", b.display())
        })
    }
}

/// The oldest `<path>.gover-backup-<secs>[-N]` beside `path` that is a regular file (a link of
/// that name is not gover's and is ignored).
pub fn earliest_backup(path: &Path) -> Option<PathBuf> {
    let name = path.file_name()?.to_str()?;
    let prefix = format!("{name}.gover-backup-");
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::read_dir(dir)
        .ok()?
        .flatten()
        .filter_map(|e| {
            let n = e.file_name().into_string().ok()?;
            let (secs, suffix) = match n.strip_prefix(&prefix)?.split_once('-') {
                Some((s, k)) => (s.parse::<u64>().ok()?, k.parse::<u32>().ok()?),
                None => (n.strip_prefix(&prefix)?.parse::<u64>().ok()?, 0),
            };
            e.file_type()
                .ok()?
                .is_file()
                .then_some(((secs, suffix), e.path()))
        })
        .min_by_key(|(k, _)| *k)
        .map(|(_, p)| p)
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
        // A later change keeps the first backup and makes no other.
        let again = write(&file, Some("newer\n")).unwrap().unwrap();
        assert_eq!(again.backup.as_deref(), Some(backup.as_path()));
        assert!(again.backup_is_earlier);
        assert_eq!(fs::read_to_string(&backup).unwrap(), "old\n");
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
