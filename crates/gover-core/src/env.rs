//! The environment variables the shim reads or sets (the CLI's full list re-exports these).

/// Where gover keeps versions, shims and caches. Default: `~/.gover`.
pub const GOVER_HOME: &str = "GOVER_HOME";

/// Overrides every other way of choosing the active version.
pub const GOVER_VERSION: &str = "GOVER_VERSION";

/// Set by the shim in its child: how many shims are on the current exec chain, to stop a
/// misconfigured PATH or a version dir that links back to a shim from looping forever.
pub const GOVER_SHIM_DEPTH: &str = "GOVER_SHIM_DEPTH";

/// `0` turns off go.work/go.mod awareness: without a `.go-version`, the global default decides.
pub const GOVER_GOMOD: &str = "GOVER_GOMOD";

/// Go's own: the workspace file to use, or `off` (read as `go` reads it).
pub const GOWORK: &str = "GOWORK";

/// `1`: a shim whose version is not installed runs `gover install` for it first.
pub const GOVER_AUTO_INSTALL: &str = "GOVER_AUTO_INSTALL";

/// Where releases come from: `dist` (go.dev's index and archives, or `GOVER_DIST_URL`; the
/// default) or `proxy` (the `golang.org/toolchain` module from Go's `GOPROXY`, verified by the
/// checksum database named by `GOSUMDB`). `--source` overrides it. The shim reads it too: only
/// the proxy source serves a company's own builds (`toolchain go1.21.1-bigcorp`).
pub const GOVER_SOURCE: &str = "GOVER_SOURCE";

/// Whether a `GOVER_SOURCE` value picks the proxy source, which alone can install a custom
/// toolchain build (see [`crate::gomod::requirement`]).
pub fn is_proxy_source(value: Option<&str>) -> bool {
    value.is_some_and(|v| v.trim() == "proxy")
}

/// Set by the shim and by `gover exec` to the root of the version being run.
pub const GOROOT: &str = "GOROOT";

/// Set to `local` by the shim unless the user chose a value, so `go` never switches to a
/// toolchain gover did not choose.
pub const GOTOOLCHAIN: &str = "GOTOOLCHAIN";

/// The `GOTOOLCHAIN` value the shim sets: run this toolchain, never download another.
pub const GOTOOLCHAIN_LOCAL: &str = "local";

/// More nested shim calls than this means a loop (e.g. a version's `bin/go` links back to a
/// shim).
pub const MAX_SHIM_DEPTH: u32 = 20;

/// Whether a boolean switch's value means on: anything but `0`, `false`, `no` or `off`
/// (any case). An empty value counts as unset, which callers check first.
pub fn is_on(value: &str) -> bool {
    !["0", "false", "no", "off"]
        .iter()
        .any(|off| value.eq_ignore_ascii_case(off))
}

/// `GOVER_SHIM_DEPTH` as a number; anything unparsable counts as 0.
pub fn shim_depth(value: Option<&str>) -> u32 {
    value.and_then(|d| d.parse().ok()).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn switches_are_on_unless_they_say_off() {
        for on in ["1", "yes", "true", "on", "anything"] {
            assert!(is_on(on), "{on}");
        }
        for off in ["0", "false", "FALSE", "No", "oFF"] {
            assert!(!is_on(off), "{off}");
        }
    }

    #[test]
    fn depth_defaults_to_zero() {
        assert_eq!(shim_depth(None), 0);
        assert_eq!(shim_depth(Some("3")), 3);
        assert_eq!(shim_depth(Some("x")), 0);
        assert_eq!(shim_depth(Some("-1")), 0);
    }
}
