//! Every `GOVER_*` setting with a format, checked in one place when a command starts: a bad
//! value fails the command at once (exit 2) with its name and what is expected, before any
//! work, whatever the command and whichever source it would use (not as a silently ignored
//! limit on one path and an error on another). Each setting's parser lives with what it
//! configures; this module only calls them all, so it sits above them (no module below
//! calls back up here).

use crate::error::Error;
use crate::source::dist::Access;

/// Check every setting (see the module docs).
pub fn check() -> Result<(), Error> {
    crate::install::unpack::writer_threads()?;
    crate::http::timeout()?;
    crate::http::retry_base()?;
    crate::http::low_speed().map_err(|value| Error::BadEnv {
        name: crate::env::GOVER_HTTP_LOW_SPEED,
        value,
        expected: "BYTES/SECONDS, e.g. 30720/30 (fail a transfer that delivers fewer bytes \
                   in that many seconds), or 0 for no limit",
    })?;
    crate::source::dist::cache::ttl()?;
    Access::from_env(false, false).source()?;
    Ok(())
}
