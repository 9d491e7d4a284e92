//! The install pipeline, top to bottom, for every source:
//! 1. resolve the request against the [`Source`] in force and take the version lock (here);
//! 2. describe the release's archive ([`Source::archive`]) and fill a [`staging`] dir with it,
//!    verified ([`fetch`]: download cache, then mirrors or proxies, through the one
//!    downloader; unpacked by [`unpack`]);
//! 3. [`publish`] it: the store adopts the verified files, one flush, one rename into
//!    `versions/`, the default set if there is none.
//!
//! Nothing becomes visible, and nothing enters the store, until the archive is verified.
//! `gover install`, `gover use --install`, auto-install from the shims and `gover local` all
//! come here; `commands/install.rs` only decides what to ask for.

pub mod fetch;
pub mod publish;
pub mod staging;
pub mod unpack;

use crate::error::Error;
use crate::home::Home;
use crate::home::inventory;
use crate::home::shims;
use crate::resolve;
use crate::source::Source;
use crate::source::dist::{Access, Index, SourceKind, cache};
use crate::version::{GoVersion, VersionRequest};
pub use publish::set_default;
use staging::Staging;

/// Install the newest release matching `request` unless it is already installed, from the
/// source in force (`--source`, `GOVER_SOURCE`). Returns the installed version.
pub fn install(home: &Home, request: &VersionRequest, access: &Access) -> Result<GoVersion, Error> {
    install_with(home, request, access, false)
}

/// [`install`], or with `force` (`gover install --force`) install it again even if it is
/// installed: a damaged install (a truncated `bin/go`) is replaced by a verified one.
pub fn install_with(
    home: &Home,
    request: &VersionRequest,
    access: &Access,
    force: bool,
) -> Result<GoVersion, Error> {
    let is_installed = |v: &GoVersion| !force && inventory::is_installed(home, v);
    // An exact version that is already here needs no source at all.
    if let VersionRequest::Exact(v) = request
        && is_installed(v)
    {
        return already_installed(home, v);
    }
    match access.source() {
        SourceKind::Dist => install_from(
            home,
            request,
            &crate::source::dist::fetch::Dist { home, access },
            force,
            access,
        ),
        SourceKind::Proxy => install_from(
            home,
            request,
            &crate::source::goproxy::fetch::Goproxy::new(home, access)?,
            force,
            access,
        ),
    }
}

fn install_from<S: Source>(
    home: &Home,
    request: &VersionRequest,
    source: &S,
    force: bool,
    access: &Access,
) -> Result<GoVersion, Error> {
    let is_installed = |v: &GoVersion| !force && inventory::is_installed(home, v);
    let (version, resolved) = source.resolve(request)?;
    if is_installed(&version) {
        return already_installed(home, &version);
    }
    // `--force` on a version a running program uses: say so before downloading.
    if home.in_use_lock_path(&version).exists() && home.try_lock_unused(&version)?.is_none() {
        return Err(Error::ReplaceInUse {
            version: version.to_string(),
        });
    }
    // One install of a version at a time; a concurrent install of the same version waits
    // here and then finds it done.
    let _version_lock = home.lock_version(&version)?;
    if is_installed(&version) {
        return already_installed(home, &version);
    }
    // A broken `current` would fail the install only after the download; say so first.
    resolve::default_version(home)?;
    crate::note!("Installing Go {version}");
    let _ctrl_c = crate::interrupt::guard();
    let archive = source.archive(&version, resolved)?;
    let staging = Staging::new(home, &version)?;
    let started = std::time::Instant::now();
    let fetched = fetch::fetch(home, access, &version, &archive, &staging)?;
    crate::verbose!(
        "Go {version}: fetched, verified and unpacked in {:.1}s",
        started.elapsed().as_secs_f64()
    );
    publish::publish(home, &version, staging, fetched, access)?;
    Ok(version)
}

fn already_installed(home: &Home, v: &GoVersion) -> Result<GoVersion, Error> {
    // Installed, but a `bin/go` the kernel would refuse is not "already installed".
    let go = home.tool_path(v, "go");
    if let Some(reason) = crate::home::damage::unrunnable(&go) {
        return Err(Error::DamagedInstall {
            version: v.to_string(),
            path: go,
            reason,
        });
    }
    shims::ensure(home)?;
    crate::note!("Go {v} is already installed");
    Ok(v.clone())
}

/// The newest release matching `request` in the source in force (`gover local 1.22`), without
/// installing anything.
pub fn resolve_remote(
    home: &Home,
    request: &VersionRequest,
    access: &Access,
) -> Result<GoVersion, Error> {
    match access.source() {
        SourceKind::Dist => Ok(fetch_index(home, access)?.resolve(request)?.0),
        SourceKind::Proxy => {
            let proxies = crate::source::goproxy::Proxies::from_env(
                &crate::source::goproxy::config::GoEnv::load(),
            )?;
            crate::source::goproxy::fetch::resolve(
                &proxies,
                request,
                access,
                crate::source::dist::Platform::current(),
            )
        }
    }
}

/// The release index for commands that need one (never `None`: `--allow-unverified` is an
/// install-only escape hatch). Says so on stderr when the cached copy is used.
pub fn fetch_index(home: &Home, access: &Access) -> Result<Index, Error> {
    let access = Access {
        allow_unverified: false,
        ..access.clone()
    };
    let loaded =
        cache::load(home, &access, false)?.expect("verified access always yields an index");
    Ok(loaded.index)
}
