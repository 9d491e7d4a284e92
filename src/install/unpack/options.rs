//! How to unpack, whatever the format: the bounds, the writer threads, the store.

use std::path::PathBuf;
use std::sync::Arc;

use super::bounds::Limits;
use crate::store::Store;

/// Writer threads when `GOVER_UNPACK_THREADS` is unset: measured on slow disks (see
/// docs/performance.md).
pub const DEFAULT_WRITERS: usize = 8;
/// The most writer threads `GOVER_UNPACK_THREADS` may ask for.
pub const MAX_WRITERS: u64 = 64;

/// How to unpack: the bounds of the archive, the number of writer threads, and the store that
/// files are shared through.
#[derive(Debug, Clone)]
pub struct Options {
    pub limits: Limits,
    pub threads: usize,
    pub store: Arc<Store>,
}

impl Options {
    /// The bounds for an archive of `size` bytes (see [`Limits::for_archive`]), `threads`
    /// writers and the store at `store_dir`.
    pub fn new(size: Option<u64>, threads: usize, store_dir: PathBuf) -> Options {
        Options {
            limits: Limits::for_archive(size),
            threads,
            store: Arc::new(Store::new(store_dir)),
        }
    }
}

/// Writer threads: `GOVER_UNPACK_THREADS` (checked: 1 to [`MAX_WRITERS`]), else
/// [`DEFAULT_WRITERS`].
pub fn writer_threads() -> Result<usize, crate::env::BadSetting> {
    let n = crate::env::number(
        crate::env::GOVER_UNPACK_THREADS,
        1..=MAX_WRITERS,
        "a whole number from 1 to 64",
    )?;
    Ok(n.map_or(DEFAULT_WRITERS, |n| n as usize))
}
