//! Archive formats, unpacked into a staging dir before anything is verified. One contract for
//! every format: [`Options`] (the bounds of [`bounds`], the writer threads, the store), entries
//! that would land outside the dir refused, files created through [`files`] (the store, always:
//! linked to a stored copy proven equal, else written afresh and returned for adoption once
//! the archive is verified), and the same large-file write path.

pub mod bounds;
pub mod error;
pub mod files;
pub mod options;
pub mod pipe;
pub mod tar;
pub mod zip;

pub use self::bounds::{BoundError, Limits};
pub use self::error::UnpackError;
pub use self::options::{DEFAULT_WRITERS, MAX_WRITERS, Options, writer_threads};
pub use self::tar::unpack;
