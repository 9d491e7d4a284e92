//! Bounds on an archive that is unpacked before it is verified, shared by every format: how
//! many bytes it may unpack to, how many entries it may have, how long a path and an extension
//! header (GNU long name, PAX record) may be. Breaking one is the archive's fault (the mirror
//! served something that is not a Go release), never a disk or memory error.

use std::io::{self, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Real Go releases unpack to about 3.6x their archive size; anything beyond this ratio of
/// the index `size` is not a Go release.
pub const RATIO: u64 = 8;
/// The least unpacked-bytes bound, so tiny archives (whose tar headers compress ~30x) fit.
pub const MIN_UNPACKED: u64 = 16 << 20;
/// The unpacked-bytes bound when no size is known (`--allow-unverified` with no index).
pub const UNVERIFIED_UNPACKED: u64 = 2 << 30;
/// The compressed-bytes bound when no size is known (real releases are ~70 MB).
pub const UNVERIFIED_ARCHIVE: u64 = 1 << 30;
/// One entry per this many archive bytes (real releases: one per ~5 KB)...
pub const BYTES_PER_ENTRY: u64 = 512;
/// ...but at least this many entries (a release has ~13,000).
pub const MIN_ENTRIES: u64 = 16_384;
/// The entry bound when no size is known.
pub const UNVERIFIED_ENTRIES: u64 = 200_000;
/// The longest path of one entry, in bytes (Go's longest is under 200).
pub const MAX_PATH: usize = 1024;
/// The longest path component (NAME_MAX).
pub const MAX_COMPONENT: usize = 255;
/// All entry paths together, in bytes (a release: under 1 MB). Bounds the memory spent on
/// remembering what was written.
pub const MAX_PATH_BYTES: u64 = 32 << 20;
/// The largest extension header (GNU long name or link, PAX records) read into memory.
pub const MAX_EXTENSION: u64 = 64 << 10;

/// What an archive may unpack to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Bytes out of the decompressor (headers, padding and file data).
    pub unpacked_bytes: u64,
    /// Entries, extension headers included.
    pub entries: u64,
    pub path_len: usize,
    pub component_len: usize,
    pub path_bytes: u64,
    pub extension_len: u64,
}

impl Limits {
    /// The bounds for an archive the index lists with `size` bytes; `None` (no index, or a
    /// size of 0) gets the fixed caps of an unverified install.
    pub fn for_archive(size: Option<u64>) -> Limits {
        let (unpacked_bytes, entries) = match size.filter(|s| *s > 0) {
            Some(size) => (
                size.saturating_mul(RATIO).max(MIN_UNPACKED),
                (size / BYTES_PER_ENTRY).max(MIN_ENTRIES),
            ),
            None => (UNVERIFIED_UNPACKED, UNVERIFIED_ENTRIES),
        };
        Limits {
            unpacked_bytes,
            entries,
            path_len: MAX_PATH,
            component_len: MAX_COMPONENT,
            path_bytes: MAX_PATH_BYTES,
            extension_len: MAX_EXTENSION,
        }
    }
}

/// Which bound an archive broke, and the bound.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BoundError {
    #[error("it unpacks to more than {limit} bytes ({RATIO}x the archive's size)")]
    UnpackedBytes { limit: u64 },
    #[error("it has more than {limit} entries")]
    Entries { limit: u64 },
    #[error("an entry path is longer than {limit} bytes")]
    PathLen { limit: usize },
    #[error("an entry path has a component longer than {limit} bytes")]
    ComponentLen { limit: usize },
    #[error("its entry paths add up to more than {limit} bytes")]
    PathBytes { limit: u64 },
    #[error("an extension header (long name or PAX) of {size} bytes is larger than {limit}")]
    Extension { size: u64, limit: u64 },
}

/// The running count against [`Limits`] of one archive.
#[derive(Debug)]
pub struct Budget {
    limits: Limits,
    entries: u64,
    path_bytes: u64,
}

impl Budget {
    pub fn new(limits: Limits) -> Budget {
        Budget {
            limits,
            entries: 0,
            path_bytes: 0,
        }
    }

    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// One more entry (an extension header counts too).
    pub fn entry(&mut self) -> Result<(), BoundError> {
        self.entries += 1;
        if self.entries > self.limits.entries {
            return Err(BoundError::Entries {
                limit: self.limits.entries,
            });
        }
        Ok(())
    }

    /// An extension header of `size` bytes is about to be read into memory.
    pub fn extension(&self, size: u64) -> Result<(), BoundError> {
        if size > self.limits.extension_len {
            return Err(BoundError::Extension {
                size,
                limit: self.limits.extension_len,
            });
        }
        Ok(())
    }

    /// An entry path (or link target) of these bytes is about to be used.
    pub fn path(&mut self, path: &[u8]) -> Result<(), BoundError> {
        if path.len() > self.limits.path_len {
            return Err(BoundError::PathLen {
                limit: self.limits.path_len,
            });
        }
        if path
            .split(|b| *b == b'/')
            .any(|c| c.len() > self.limits.component_len)
        {
            return Err(BoundError::ComponentLen {
                limit: self.limits.component_len,
            });
        }
        self.path_bytes += path.len() as u64;
        if self.path_bytes > self.limits.path_bytes {
            return Err(BoundError::PathBytes {
                limit: self.limits.path_bytes,
            });
        }
        Ok(())
    }
}

/// A reader that fails once more than `limit` bytes came through, and remembers that it did,
/// so the format's own "corrupt" error can be told apart from a broken bound.
pub struct Capped<R> {
    inner: R,
    left: u64,
    limit: u64,
    tripped: Arc<AtomicBool>,
}

impl<R: Read> Capped<R> {
    pub fn new(inner: R, limit: u64) -> Capped<R> {
        Capped {
            inner,
            left: limit,
            limit,
            tripped: Arc::new(AtomicBool::new(false)),
        }
    }

    /// A handle that says whether the cap was hit, usable after the reader is moved.
    pub fn tripwire(&self) -> Tripwire {
        Tripwire {
            tripped: Arc::clone(&self.tripped),
            limit: self.limit,
        }
    }
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.left == 0 {
            // Only an error if there is really more: a stream that ends exactly at the cap is fine.
            let mut probe = [0u8; 1];
            if self.inner.read(&mut probe)? == 0 {
                return Ok(0);
            }
            self.tripped.store(true, Ordering::Relaxed);
            return Err(io::Error::other(BoundError::UnpackedBytes {
                limit: self.limit,
            }));
        }
        let want = buf
            .len()
            .min(usize::try_from(self.left).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..want])?;
        self.left -= n as u64;
        Ok(n)
    }
}

/// Whether a [`Capped`] reader hit its cap.
#[derive(Debug, Clone)]
pub struct Tripwire {
    tripped: Arc<AtomicBool>,
    limit: u64,
}

impl Tripwire {
    /// The broken bound, if the cap was hit.
    pub fn check(&self) -> Result<(), BoundError> {
        if self.tripped.load(Ordering::Relaxed) {
            return Err(BoundError::UnpackedBytes { limit: self.limit });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_scale_with_the_index_size_above_a_floor() {
        let small = Limits::for_archive(Some(1000));
        assert_eq!(small.unpacked_bytes, MIN_UNPACKED);
        assert_eq!(small.entries, MIN_ENTRIES);
        let release = Limits::for_archive(Some(70_000_000));
        assert_eq!(release.unpacked_bytes, 560_000_000);
        assert_eq!(release.entries, 70_000_000 / BYTES_PER_ENTRY);
        assert_eq!(Limits::for_archive(None), Limits::for_archive(Some(0)));
        assert_eq!(
            Limits::for_archive(None).unpacked_bytes,
            UNVERIFIED_UNPACKED
        );
    }

    #[test]
    fn the_budget_counts_entries_and_path_bytes() {
        let mut b = Budget::new(Limits {
            entries: 2,
            path_bytes: 10,
            ..Limits::for_archive(None)
        });
        b.entry().unwrap();
        b.entry().unwrap();
        assert_eq!(b.entry(), Err(BoundError::Entries { limit: 2 }));
        b.path(b"go/abcd").unwrap();
        assert_eq!(b.path(b"go/e"), Err(BoundError::PathBytes { limit: 10 }));
        let long = vec![b'a'; MAX_PATH + 1];
        assert!(matches!(b.path(&long), Err(BoundError::PathLen { .. })));
        let component = [&b"go/"[..], &[b'a'; MAX_COMPONENT + 1]].concat();
        assert!(matches!(
            b.path(&component),
            Err(BoundError::ComponentLen { .. })
        ));
        assert!(b.extension(MAX_EXTENSION).is_ok());
        assert!(b.extension(MAX_EXTENSION + 1).is_err());
    }

    #[test]
    fn capped_fails_only_past_the_cap_and_says_so() {
        let data = [7u8; 100];
        let mut exact = Capped::new(&data[..], 100);
        let mut out = Vec::new();
        exact.read_to_end(&mut out).unwrap();
        assert_eq!(out.len(), 100);
        exact.tripwire().check().unwrap();

        let mut over = Capped::new(&data[..], 99);
        let wire = over.tripwire();
        assert!(over.read_to_end(&mut Vec::new()).is_err());
        assert_eq!(wire.check(), Err(BoundError::UnpackedBytes { limit: 99 }));
    }
}
