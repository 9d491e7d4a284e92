//! Every environment variable gover reads or sets, in one place.

/// Where gover keeps versions, shims and caches. Default: `~/.gover`.
pub const GOVER_HOME: &str = "GOVER_HOME";

/// The go.dev-format JSON release index. Default: [`DEFAULT_INDEX_URL`].
pub const GOVER_INDEX_URL: &str = "GOVER_INDEX_URL";

/// Base URL archives are fetched from, as `<base>/<filename>`. Default: [`DEFAULT_DIST_URL`].
pub const GOVER_DIST_URL: &str = "GOVER_DIST_URL";

/// Overrides every other way of choosing the active version.
pub const GOVER_VERSION: &str = "GOVER_VERSION";

/// Set by the shim in its child: how many shims are on the current exec chain, to stop a
/// misconfigured PATH or a version dir that links back to a shim from looping forever.
pub const GOVER_SHIM_DEPTH: &str = "GOVER_SHIM_DEPTH";

/// How many threads write files while an archive is unpacked (default 8). Creating inodes
/// dominates install time on slow disks, and it parallelizes.
pub const GOVER_UNPACK_THREADS: &str = "GOVER_UNPACK_THREADS";

/// Set by the shim and by `gover exec` to the root of the version being run.
pub const GOROOT: &str = "GOROOT";

/// Set to `local` by the shim unless the user chose a value, so `go` never switches to a
/// toolchain gover did not choose.
pub const GOTOOLCHAIN: &str = "GOTOOLCHAIN";

pub const DEFAULT_INDEX_URL: &str = "https://go.dev/dl/?mode=json&include=all";
pub const DEFAULT_DIST_URL: &str = "https://go.dev/dl/";

/// A variable's value, treating an empty value as unset.
pub fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}
