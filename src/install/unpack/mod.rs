//! Archive formats, unpacked into a staging dir before anything is verified: every format
//! refuses entries that would land outside the dir and bounds what it writes.

pub mod tar;
pub mod zip;

pub use self::tar::{ArchiveError, unpack};
