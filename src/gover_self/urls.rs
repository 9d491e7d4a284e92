//! Where gover's own releases are fetched from (as `scripts/install.sh` does).

/// Where releases are downloaded from (a directory URL), as for `scripts/install.sh`.
pub const GOVER_INSTALL_URL: &str = "GOVER_INSTALL_URL";
/// The latest GitHub release, when `GOVER_INSTALL_URL` is unset and no version is named.
pub const DEFAULT_INSTALL_URL: &str = "https://github.com/gover/gover/releases/latest/download";
/// A given release, when `GOVER_INSTALL_URL` is unset: `…/download/v<version>`.
pub(super) const RELEASES_URL: &str = "https://github.com/gover/gover/releases/download";
