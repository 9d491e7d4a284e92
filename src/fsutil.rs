//! Small filesystem steps several modules share.

use std::fs::{self, File};
use std::io::{self, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

/// Write `bytes` to `path` via a temp file in the same dir and a rename, so readers never see
/// half a file. An existing file keeps its permissions; a new one gets 0644 (a temp file is
/// created 0600, which would make e.g. a `.go-version` unreadable to the rest of a team).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
    let mode = fs::metadata(path)
        .map(|m| m.permissions().mode())
        .unwrap_or(0o644);
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(bytes)?;
    fs::set_permissions(tmp.path(), fs::Permissions::from_mode(mode & 0o7777))?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// `path` opened for reading, or `None` when there is nothing there (no such file, or a
/// parent that is not a directory). One `open` call: the walks up the tree on the shim's hot
/// path are built from this.
pub fn open_if_present(path: &Path) -> io::Result<Option<File>> {
    match File::open(path) {
        Ok(file) => Ok(Some(file)),
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
            ) =>
        {
            Ok(None)
        }
        Err(e) => Err(e),
    }
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

    #[test]
    fn missing_files_and_non_directory_parents_are_absent() {
        let tmp = tempfile::tempdir().unwrap();
        assert!(open_if_present(&tmp.path().join("nope")).unwrap().is_none());
        fs::write(tmp.path().join("file"), "x").unwrap();
        assert!(
            open_if_present(&tmp.path().join("file/child"))
                .unwrap()
                .is_none()
        );
        assert!(open_if_present(&tmp.path().join("file")).unwrap().is_some());
    }
}
