//! How every archive format creates the regular files of a version tree: through the store
//! (linked to a stored copy proven to hold the same bytes, else written afresh and listed for
//! adoption once the archive is verified); small files whole from memory, large ones in big
//! chunks. Each way returns the file's sha256 (the store key, and what a module zip's `h1:` is
//! made of), computed once.

use std::io::{self, Read};
use std::path::Path;

use crate::store::{NewFile, Store, Streamed};

/// Files up to this size are read into memory and created in one go (a file the store holds
/// is then linked, no data written); larger ones (the few tool binaries) are streamed to disk.
pub const SMALL_FILE: u64 = 128 * 1024;
/// Large files are written in pieces this big: a `go` binary written in 8 KiB pieces (what
/// `io::copy` does) starts measurably slower while it is in the page cache.
pub const WRITE_CHUNK: usize = 1 << 20;

/// Create `target` (which must not exist) holding `data` with `mode`; its sha256. A file
/// written afresh is added to `new` (to adopt into the store after verification).
pub fn whole(
    store: &Store,
    data: &[u8],
    mode: u32,
    target: &Path,
    new: &mut Vec<NewFile>,
) -> io::Result<[u8; 32]> {
    let (digest, written) = store.place(data, mode, target)?;
    new.extend(written);
    Ok(digest)
}

/// A large file being written piece by piece (see [`WRITE_CHUNK`]), hashed as it goes.
pub struct Large<'a>(Streamed<'a>);

impl<'a> Large<'a> {
    /// Start `target` (which must not exist) with `mode`.
    pub fn create(store: &'a Store, mode: u32, target: &Path) -> io::Result<Large<'a>> {
        Ok(Large(store.create_streamed(mode, target)?))
    }

    pub fn write_all(&mut self, chunk: &[u8]) -> io::Result<()> {
        self.0.write_all(chunk)
    }

    /// Write the rest of `reader` in [`WRITE_CHUNK`] pieces through `buffer` (kept across
    /// files): each piece is filled whole before it is written.
    pub fn copy_from(
        &mut self,
        reader: &mut impl Read,
        buffer: &mut Vec<u8>,
    ) -> Result<(), CopyError> {
        buffer.resize(WRITE_CHUNK, 0);
        loop {
            let filled = fill(reader, buffer).map_err(CopyError::Read)?;
            if filled == 0 {
                return Ok(());
            }
            self.write_all(&buffer[..filled])
                .map_err(CopyError::Write)?;
            if filled < buffer.len() {
                return Ok(());
            }
        }
    }

    /// Close the file; its sha256. It is added to `new` (to adopt after verification).
    pub fn finish(self, new: &mut Vec<NewFile>) -> io::Result<[u8; 32]> {
        let (digest, written) = self.0.finish()?;
        new.push(written);
        Ok(digest)
    }
}

/// Which side of a copy failed: the archive (corrupt, or a bound its reader enforces) or the disk.
#[derive(Debug)]
pub enum CopyError {
    Read(io::Error),
    Write(io::Error),
}

/// Read from `reader` until `buffer` is full or the input ends (a decompressor hands out
/// smaller reads than a large write wants); how many bytes were read.
pub fn fill(reader: &mut impl Read, buffer: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buffer.len() {
        match reader.read(&mut buffer[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}
