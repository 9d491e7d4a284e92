//! The one error type of unpacking, whatever the format: a bad archive (corrupt, unsafe, over
//! a bound, not a Go release) is the archive's fault, so another mirror may do better; a
//! failed write is the disk's.

use std::io;
use std::path::PathBuf;

use super::bounds::BoundError;

#[derive(Debug, thiserror::Error)]
pub enum UnpackError {
    #[error("the archive is not a valid tar.gz")]
    CorruptTar(#[source] io::Error),
    #[error("the zip is not valid")]
    CorruptZip(#[source] ::zip::result::ZipError),
    #[error("reading the zip failed")]
    Read(#[source] io::Error),
    /// One entry of a zip did not inflate (bad data, a wrong CRC, a header that lies).
    #[error("the zip entry `{entry}` is not valid")]
    CorruptEntry {
        entry: String,
        #[source]
        source: ::zip::result::ZipError,
    },
    #[error("the archive entry `{entry}` is unsafe: {reason}")]
    Unsafe { entry: String, reason: &'static str },
    #[error("the archive is not a Go release: {0}")]
    Bound(#[from] BoundError),
    /// `go/bin/go` in a tarball, `bin/go` under the module prefix in a zip.
    #[error("the archive has no {0}")]
    NoGoBinary(String),
    #[error("cannot write {}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

impl UnpackError {
    /// Whether the disk failed rather than the archive.
    pub fn is_write(&self) -> bool {
        matches!(self, UnpackError::Write { .. })
    }
}
