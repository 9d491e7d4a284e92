//! Every environment variable gover reads or sets, in one place (those the shim reads too are
//! defined in [`gover_core::env`] and re-exported here).

pub use gover_core::env::{
    GOROOT, GOTOOLCHAIN, GOTOOLCHAIN_LOCAL, GOVER_AUTO_INSTALL, GOVER_GOMOD, GOVER_HOME,
    GOVER_SHIM_DEPTH, GOVER_SOURCE, GOVER_VERSION, GOWORK,
};

/// The go.dev-format JSON release index. Default: [`DEFAULT_INDEX_URL`].
pub const GOVER_INDEX_URL: &str = "GOVER_INDEX_URL";

/// Base URL archives are fetched from, as `<base>/<filename>`. Default: [`DEFAULT_DIST_URL`].
pub const GOVER_DIST_URL: &str = "GOVER_DIST_URL";

/// How many threads write files while an archive is unpacked (default 8, at most 64).
/// Creating inodes dominates install time on slow disks, and it parallelizes.
pub const GOVER_UNPACK_THREADS: &str = "GOVER_UNPACK_THREADS";

/// The filesystem root `gover prune --system` searches instead of `/`: it looks for
/// `<root>/usr/local/go`, `<root>/usr/local/go*/`, `<root>/usr/local/bin/go`, `<root>/usr/bin/go`
/// and reads `<root>/etc/profile` and `<root>/etc/profile.d/*.sh`. For tests. Default: `/`.
pub const GOVER_SYSTEM_ROOT: &str = "GOVER_SYSTEM_ROOT";

/// `1`: keep the verified archive of each install in `cache/downloads/` (as `gover install
/// --keep-archive` does), so the version can be reinstalled offline after an uninstall.
/// Default: the archive is deleted once the install is complete.
pub const GOVER_KEEP_ARCHIVES: &str = "GOVER_KEEP_ARCHIVES";

/// `1`: use only the cached index and the download cache; never touch the network.
pub const GOVER_OFFLINE: &str = "GOVER_OFFLINE";

/// How long a cached release index is used before it is fetched again: seconds, or a number
/// with `s`, `m`, `h` or `d`. `0` fetches every time. Default: one hour.
pub const GOVER_INDEX_TTL: &str = "GOVER_INDEX_TTL";

/// Seconds a connect, or a read in the middle of a transfer, may stall before the attempt
/// fails (and is retried). Default: 30; 1 to 86400.
pub const GOVER_HTTP_TIMEOUT: &str = "GOVER_HTTP_TIMEOUT";

/// The low-speed limit, `BYTES/SECONDS`: a download or index fetch that delivers fewer than
/// BYTES in any SECONDS fails at once and the next mirror is tried (`0` turns it off).
/// Default: `30720/30` (under 1 KiB/s for 30 s).
pub const GOVER_HTTP_LOW_SPEED: &str = "GOVER_HTTP_LOW_SPEED";

/// The first retry delay in milliseconds; each further retry doubles it (up to a cap).
/// Default: 500; 0 to 60000. Tests set it low to keep fault-injection runs short.
pub const GOVER_RETRY_BASE_MS: &str = "GOVER_RETRY_BASE_MS";

/// TEST-ONLY: `download`, `unpack` or `rename`. Makes `gover install` print
/// `gover-test: paused at <point>` to stderr and sleep there, so the crash tests can
/// `kill -9` it at a known moment. Never set it outside the test suite.
pub const GOVER_TEST_PAUSE_AT: &str = "GOVER_TEST_PAUSE_AT";

pub const DEFAULT_INDEX_URL: &str = "https://go.dev/dl/?mode=json&include=all";
pub const DEFAULT_DIST_URL: &str = "https://go.dev/dl/";

/// A variable's value, treating an empty value as unset.
pub fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// A numeric setting that is set but not a whole number in its range.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{name}=`{value}` is not {expected}")]
pub struct BadSetting {
    pub name: &'static str,
    /// The value as set, control characters escaped.
    pub value: String,
    pub expected: &'static str,
}

/// A numeric setting: `None` when unset (or empty), else a whole number in `range`.
pub fn number(
    name: &'static str,
    range: std::ops::RangeInclusive<u64>,
    expected: &'static str,
) -> Result<Option<u64>, BadSetting> {
    let Some(text) = var(name) else {
        return Ok(None);
    };
    match text.trim().parse::<u64>() {
        Ok(n) if range.contains(&n) => Ok(Some(n)),
        _ => Err(BadSetting {
            name,
            value: crate::output::text::printable(&text),
            expected,
        }),
    }
}

/// Whether a boolean switch is on: set to anything but `0`, `false`, `no` or `off`.
pub fn flag(name: &str) -> Option<bool> {
    var(name).map(|v| gover_core::env::is_on(&v))
}

/// Set (to `true`) by CI services (GitHub Actions, GitLab, Travis, …). With it, or with
/// [`GITHUB_ACTIONS`], `gover setup` writes no startup files unless `--shell` or `--systemd`
/// asks for them: a runner's dotfiles belong to a throwaway image.
pub const CI: &str = "CI";

/// Set to `true` by GitHub Actions on its runners.
pub const GITHUB_ACTIONS: &str = "GITHUB_ACTIONS";

/// Whether this process runs on a CI runner ([`CI`] or [`GITHUB_ACTIONS`] switched on).
pub fn on_ci() -> bool {
    flag(CI) == Some(true) || flag(GITHUB_ACTIONS) == Some(true)
}

/// Set by GitHub Actions: a file whose lines are prepended to PATH for later steps.
/// `gover setup` appends the shims dir to it.
pub const GITHUB_PATH: &str = "GITHUB_PATH";

/// Where `go env -w` keeps its settings (`off` disables it). Default: `~/.config/go/env`.
pub const GOENV: &str = "GOENV";

/// Set (to anything but the empty string) to turn colour off in everything gover prints:
/// messages, warnings and errors on stderr, and `gover doctor`'s report
/// (<https://no-color.org>).
pub const NO_COLOR: &str = "NO_COLOR";
