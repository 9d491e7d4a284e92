//! Archive formats, unpacked into a staging dir before anything is verified: every format
//! refuses entries that would land outside the dir, keeps within the bounds of [`bounds`] and
//! creates files through [`files`] (the store), both shared by every format.

pub mod bounds;
pub mod files;
pub mod tar;
pub mod zip;

pub use self::bounds::{BoundError, Limits};
pub use self::tar::{ArchiveError, Options, unpack, writer_threads};
