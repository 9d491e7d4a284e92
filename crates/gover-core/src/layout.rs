//! Names inside a gover home, and the one hash the shim and `gover prune` share.
//!
//! ```text
//! $GOVER_HOME/
//!   versions/<version>/bin/go   an installed release (installed = its bin/go is a file)
//!   current -> versions/<v>     the global default
//!   shims/go, shims/gofmt       links to the gover-shim executable
//!   seen/<hash> -> .go-version  version files the shims have resolved
//!   locks/in-use-<v>.lock       held shared by whatever runs version v (see below)
//! ```

/// The home when `GOVER_HOME` is unset: this name under `$HOME`.
pub const DEFAULT_HOME_NAME: &str = ".gover";
pub const VERSIONS: &str = "versions";
pub const CURRENT: &str = "current";
pub const SHIMS: &str = "shims";
pub const SEEN: &str = "seen";
/// Lock files. `in-use-<v>.lock` ([`IN_USE_LOCK_PREFIX`] + version + [`LOCK_SUFFIX`]) is
/// held shared, on a descriptor that survives `execve`, by every tool the shims or `gover
/// exec` start on version `v` (and the children that inherit it); whatever removes `v` takes
/// it exclusively first and leaves `v` alone while it is held.
pub const LOCKS: &str = "locks";
pub const IN_USE_LOCK_PREFIX: &str = "in-use-";
pub const LOCK_SUFFIX: &str = ".lock";
/// A release's tools, under its version dir.
pub const BIN: &str = "bin";
/// File name of the shim executable, installed beside `gover`. Run under this name (not as a
/// tool's link) it takes the tool as its first argument: `gover-shim go version`.
pub const SHIM_EXE: &str = "gover-shim";

/// The name of the `seen/` entry for a version file at `path` (absolute, as bytes): 64-bit
/// FNV-1a, as 16 hex digits.
pub fn seen_entry_name(path: &[u8]) -> [u8; 16] {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in path {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    let mut name = [0u8; 16];
    for (i, digit) in name.iter_mut().enumerate() {
        let nibble = (hash >> (60 - 4 * i)) & 0xf;
        *digit = b"0123456789abcdef"[nibble as usize];
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seen_names_are_fnv1a_in_hex() {
        // FNV-1a 64 of "" and "a", from the reference test vectors.
        assert_eq!(&seen_entry_name(b""), b"cbf29ce484222325");
        assert_eq!(&seen_entry_name(b"a"), b"af63dc4c8601ec8c");
    }
}
