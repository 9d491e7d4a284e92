//! `gover install`: the command-line adapter of the install pipeline ([`crate::install`]):
//! which versions to ask for, then one call into the pipeline for each.

use super::batch;
use crate::cli::InstallArgs;
use crate::error::Error;
use crate::home::Home;
use crate::install;
use crate::resolve::{self, Reason};
use crate::source::dist::Access;
use crate::version::{self, VersionRequest};

pub fn run(args: InstallArgs, access: Access) -> Result<(), Error> {
    let home = Home::from_env()?;
    let access = Access {
        allow_unverified: args.allow_unverified,
        keep_archive: args.keep_archive || access.keep_archive,
        ..access
            .with_mirrors(&args.mirror)
            .with_source(super::source_of(args.source))
    };
    if access.allow_unverified {
        crate::output::warn(format_args!(
            "--allow-unverified: if no release index can be fetched or found in the \
             cache, the archive is installed without any checksum verification"
        ));
    }
    if args.specs.is_empty() {
        let custom_builds = access.source() == crate::source::dist::SourceKind::Proxy;
        if let Some(request) = requested_here(&home, custom_builds)? {
            install::install_with(&home, &request, &access, args.force).map_err(for_install)?;
        }
        return Ok(());
    }
    batch::each("install", &args.specs, |spec| {
        install::install_with(&home, &version::parse_request(spec)?, &access, args.force)
            .map(drop)
            .map_err(for_install)
    })
}

/// An index that cannot be fetched, as `gover install` says it: its hint may name
/// `--allow-unverified`, which only `install` has.
fn for_install(err: Error) -> Error {
    match err {
        Error::FetchIndex { source, .. } => Error::FetchIndex {
            source,
            install: true,
        },
        other => other,
    }
}

/// For `gover install` with no SPEC: exactly what `gover current` names here, whatever decided
/// it (`GOVER_VERSION`, a version file, a go.work/go.mod, the default). A `go` line minimum that
/// an installed release already satisfies names that release; otherwise the exact release the
/// line names. `None` when only the default decides and it is already installed: nothing to do.
/// With the proxy source (`custom_builds`), a custom build a go.mod names is asked for exactly.
fn requested_here(home: &Home, custom_builds: bool) -> Result<Option<VersionRequest>, Error> {
    let cwd = resolve::current_dir().map_err(resolve::ResolveError::Cwd)?;
    let active = resolve::active_with(home, &cwd, || custom_builds)?;
    let named_by = match &active.source {
        Reason::GoMod { path, line } => format!("{}:{line}", path.display()),
        Reason::VersionFile(path) => path.display().to_string(),
        Reason::Env => crate::env::GOVER_VERSION.to_string(),
        Reason::Default => "the global default".to_string(),
    };
    if active.source == Reason::Default
        && let Ok(version) = active.installed(home)
    {
        crate::note!(
            "Nothing here pins a Go version (no {}, version file, go.work or go.mod), and the \
             default, Go {version}, is already installed",
            crate::env::GOVER_VERSION
        );
        return Ok(None);
    }
    crate::note!("Installing the version named by {named_by}");
    Ok(Some(match &active.request {
        VersionRequest::AtLeast(min) => match active.installed(home) {
            Ok(installed) => VersionRequest::Exact(installed),
            Err(_) => VersionRequest::Exact(min.clone()),
        },
        request => request.clone(),
    }))
}
