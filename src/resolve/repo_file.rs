//! Opening the files a checkout holds (`.go-version`, `.tool-versions`, `go.work`, `go.mod`):
//! they are untrusted, so each is opened without blocking (`O_NONBLOCK`: a FIFO opens at once
//! instead of waiting for a writer) and read only if it is a regular file. Also the directory
//! handles the walk up the tree moves with (`openat(dir, "..")`), so each lookup costs the same
//! at any depth.

use std::ffi::CString;
use std::fs::File;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use gover_core::walk::{self, Verdict};

/// What is at a name.
#[derive(Debug)]
pub enum Opened {
    /// Nothing (no such file, or a parent that is not a directory).
    Missing,
    /// A directory with the name: passed over, as Go does.
    Directory,
    /// A FIFO, socket or device (perhaps through a link, like one to `/dev/stdin`): never read.
    NotRegular,
    File(File),
}

/// A directory handle for the walk (`O_PATH`: it only names the directory).
pub struct Dir(OwnedFd);

/// How a walk handle is opened: `O_PATH` on Linux; macOS has no `O_PATH`, so a plain read-only
/// open there (a directory that can be searched but not read cannot be a walk step on macOS).
#[cfg(target_os = "linux")]
const HANDLE: libc::c_int = libc::O_PATH | libc::O_DIRECTORY;
#[cfg(not(target_os = "linux"))]
const HANDLE: libc::c_int = libc::O_RDONLY | libc::O_DIRECTORY;

impl Dir {
    pub fn open(path: &Path) -> io::Result<Dir> {
        let path = c_path(path.as_os_str().as_bytes())?;
        open_raw(libc::AT_FDCWD, &path, HANDLE).map(Dir)
    }

    /// The parent directory (`..`), one component lookup whatever the depth.
    pub fn parent(&self) -> io::Result<Dir> {
        open_raw(self.0.as_raw_fd(), c"..", HANDLE).map(Dir)
    }

    /// Open `name` in this directory without blocking, and say what it is.
    pub fn open_file(&self, name: &str) -> io::Result<Opened> {
        let name = c_path(name.as_bytes())?;
        classify(open_raw(
            self.0.as_raw_fd(),
            &name,
            libc::O_RDONLY | libc::O_NONBLOCK,
        ))
    }
}

/// [`Dir::open_file`] for a whole path.
pub fn open(path: &Path) -> io::Result<Opened> {
    let path = c_path(path.as_os_str().as_bytes())?;
    classify(open_raw(
        libc::AT_FDCWD,
        &path,
        libc::O_RDONLY | libc::O_NONBLOCK,
    ))
}

fn classify(opened: io::Result<OwnedFd>) -> io::Result<Opened> {
    let fd = match opened {
        Ok(fd) => fd,
        Err(e)
            if e.raw_os_error() == Some(libc::ENOENT)
                || e.raw_os_error() == Some(libc::ENOTDIR) =>
        {
            return Ok(Opened::Missing);
        }
        Err(e) => return Err(e),
    };
    let file = File::from(fd);
    let mode = std::os::unix::fs::MetadataExt::mode(&file.metadata()?);
    Ok(match walk::verdict(walk::file_type(mode)) {
        Verdict::Read => Opened::File(file),
        Verdict::PassOver => Opened::Directory,
        Verdict::Refuse => Opened::NotRegular,
    })
}

fn c_path(bytes: &[u8]) -> io::Result<CString> {
    CString::new(bytes).map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))
}

fn open_raw(dir: libc::c_int, path: &std::ffi::CStr, flags: libc::c_int) -> io::Result<OwnedFd> {
    loop {
        // SAFETY: `path` is NUL-terminated and outlives the call; `dir` is AT_FDCWD or a
        // descriptor the caller owns.
        let fd = unsafe { libc::openat(dir, path.as_ptr(), flags | libc::O_CLOEXEC) };
        if fd >= 0 {
            // SAFETY: a fresh descriptor that nothing else owns.
            return Ok(unsafe { OwnedFd::from_raw_fd(fd) });
        }
        let err = io::Error::last_os_error();
        if err.kind() != io::ErrorKind::Interrupted {
            return Err(err);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fifo_opens_at_once_and_is_not_regular() {
        let tmp = tempfile::tempdir().unwrap();
        let fifo = tmp.path().join(".go-version");
        let c = CString::new(fifo.as_os_str().as_bytes()).unwrap();
        // SAFETY: a NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
        assert!(matches!(open(&fifo).unwrap(), Opened::NotRegular));
        let dir = Dir::open(tmp.path()).unwrap();
        assert!(matches!(
            dir.open_file(".go-version").unwrap(),
            Opened::NotRegular
        ));
        assert!(matches!(dir.open_file("go.mod").unwrap(), Opened::Missing));
        std::fs::create_dir(tmp.path().join("go.mod")).unwrap();
        assert!(matches!(
            dir.open_file("go.mod").unwrap(),
            Opened::Directory
        ));
        std::fs::write(tmp.path().join("go.work"), "go 1.22\n").unwrap();
        assert!(matches!(dir.open_file("go.work").unwrap(), Opened::File(_)));
        let sub = tmp.path().join("a");
        std::fs::create_dir(&sub).unwrap();
        let parent = Dir::open(&sub).unwrap().parent().unwrap();
        assert!(matches!(
            parent.open_file("go.work").unwrap(),
            Opened::File(_)
        ));
    }
}
