//! Documented exit codes (docs/exit-codes.md), one per kind of failure.

pub const FAILURE: u8 = 1;
pub const USAGE: u8 = 2;
pub const NO_MATCH: u8 = 4;
pub const NETWORK: u8 = 5;
pub const VERIFY: u8 = 6;
pub const FILESYSTEM: u8 = 7;
pub const CANNOT_EXECUTE: u8 = 126;
pub const NOT_FOUND: u8 = 127;
