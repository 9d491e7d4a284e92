//! Small filesystem steps several modules share, and the durability steps (fsync, syncfs) that
//! make a change survive a power cut: data first, then the rename that publishes it, then the
//! directory that holds the new name.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// The mode of gover's own directories, whatever the umask (`umask 000` must not make them
/// world-writable; a stricter umask still narrows it).
pub const DIR_MODE: u32 = 0o755;

/// Write `bytes` to `path` so that a reader, or the file after a crash, is the old content or
/// the new, never half or none: a temp file in the same dir created with the final mode
/// (`O_EXCL`, never through a link), written, `fdatasync`ed, renamed over `path`, and the dir
/// fsynced. An existing file keeps its permissions; a new one gets 0644 (so e.g. a
/// `.go-version` is readable by the rest of a team).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    create_dirs(dir)?;
    let mode = fs::metadata(path)
        .map(|m| m.permissions().mode())
        .unwrap_or(0o644);
    let (mut file, tmp) = create_private(dir, path, mode)?;
    let written = file
        .write_all(bytes)
        .and_then(|()| file.sync_data())
        .and_then(|()| fs::rename(&tmp, path));
    if let Err(e) = written {
        let _ = fs::remove_file(&tmp);
        return Err(e);
    }
    sync_dir(dir)
}

/// A new file beside `target` (`.<name>.tmp-<pid>-<n>`), created with `O_EXCL|O_NOFOLLOW` and
/// exactly `mode` from the start: the umask cannot widen or narrow it, and no other user ever
/// sees the content under a looser mode.
pub fn create_private(dir: &Path, target: &Path, mode: u32) -> io::Result<(File, PathBuf)> {
    let name = target.file_name().unwrap_or_default().to_string_lossy();
    for attempt in 0u32.. {
        let tmp = dir.join(format!(".{name}.tmp-{}-{attempt}", std::process::id()));
        match create_new(&tmp, mode) {
            Ok(file) => return Ok((file, tmp)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && attempt < 100 => continue,
            Err(e) => return Err(e),
        }
    }
    unreachable!("the loop returns")
}

/// Create `path`, which must not exist (not even as a dangling link), with exactly `mode`.
pub fn create_new(path: &Path, mode: u32) -> io::Result<File> {
    let file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode & 0o7777)
        .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
        .open(path)?;
    // The umask only ever narrowed it; make it exact (still before any byte is written).
    file.set_permissions(fs::Permissions::from_mode(mode & 0o7777))?;
    Ok(file)
}

/// `create_dir_all` with [`DIR_MODE`] for every dir it creates, whatever the umask.
pub fn create_dirs(dir: &Path) -> io::Result<()> {
    fs::DirBuilder::new()
        .recursive(true)
        .mode(DIR_MODE)
        .create(dir)
}

/// fsync a directory, so the names created, renamed or removed in it survive a crash.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

/// `syncfs(2)` the filesystem holding `path`: every dirty page and inode on it reaches the disk,
/// in one call. Cheaper than an fsync per file for a ~13,000-file Go release (the kernel writes
/// back in bulk and commits the journal once).
#[cfg(target_os = "linux")]
pub fn sync_filesystem(path: &Path) -> io::Result<()> {
    use std::os::fd::AsRawFd;
    let dir = File::open(path)?;
    // SAFETY: syncfs only reads the descriptor, which `dir` keeps open for the call.
    if unsafe { libc::syncfs(dir.as_raw_fd()) } == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// Without `syncfs(2)` (macOS has none, and its `sync(2)` may return before the data is
/// written), every file and directory under `path` is fsync'd one by one, children before the
/// directory that names them: slower than one `syncfs`, with the same promise for the tree.
/// Links are not followed.
#[cfg(not(target_os = "linux"))]
pub fn sync_filesystem(path: &Path) -> io::Result<()> {
    let mut dirs = vec![path.to_path_buf()];
    let mut index = 0;
    while let Some(dir) = dirs.get(index).cloned() {
        index += 1;
        for entry in fs::read_dir(&dir)? {
            let entry = entry?;
            let kind = entry.file_type()?;
            if kind.is_dir() {
                dirs.push(entry.path());
            } else if kind.is_file() {
                File::open(entry.path())?.sync_all()?;
            }
        }
    }
    for dir in dirs.iter().rev() {
        sync_dir(dir)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_file_is_0644_and_an_existing_one_keeps_its_mode() {
        let tmp = tempfile::tempdir().unwrap();
        let new = tmp.path().join("sub/new");
        write_atomic(&new, b"a").unwrap();
        assert_eq!(
            fs::metadata(&new).unwrap().permissions().mode() & 0o777,
            0o644
        );
        let old = tmp.path().join("old");
        fs::write(&old, "x").unwrap();
        fs::set_permissions(&old, fs::Permissions::from_mode(0o600)).unwrap();
        write_atomic(&old, b"y").unwrap();
        assert_eq!(fs::read(&old).unwrap(), b"y");
        assert_eq!(
            fs::metadata(&old).unwrap().permissions().mode() & 0o777,
            0o600
        );
        assert_eq!(
            fs::read_dir(tmp.path()).unwrap().count(),
            2,
            "no temp files left"
        );
    }
}
