//! `gover install`: the command-line adapter of the install pipeline ([`crate::install`]):
//! which versions to ask for, then one call into the pipeline for each.

use super::batch;
use crate::cli::InstallArgs;
use crate::dist::Access;
use crate::error::Error;
use crate::home::Home;
use crate::install;
use crate::resolve::{self, Source};
use crate::version::{self, VersionRequest};

pub fn run(args: InstallArgs, access: Access) -> Result<(), Error> {
    let home = Home::from_env()?;
    let access = Access {
        allow_unverified: args.allow_unverified,
        keep_archive: args.keep_archive || access.keep_archive,
        ..access.with_mirrors(&args.mirror)
    };
    if access.allow_unverified {
        crate::error::warn(format_args!(
            "--allow-unverified: if no release index can be fetched or found in the \
             cache, the archive is installed without any checksum verification"
        ));
    }
    if args.specs.is_empty() {
        install::install(&home, &requested_here(&home)?, &access)?;
        return Ok(());
    }
    batch::each("install", &args.specs, |spec| {
        install::install(&home, &version::parse_request(spec)?, &access).map(drop)
    })
}

/// For `gover install` with no SPEC: the request of the nearest `.go-version`, else of the
/// nearest go.work/go.mod. A `go` line minimum that an installed release already satisfies
/// names that release; otherwise the exact release the line names.
fn requested_here(home: &Home) -> Result<VersionRequest, Error> {
    let cwd = std::env::current_dir().map_err(resolve::ResolveError::Cwd)?;
    let Some(active) = resolve::pinned(&cwd)? else {
        return Err(resolve::ResolveError::NoVersion.into());
    };
    let named_by = match &active.source {
        Source::GoMod { path, line } => format!("{}:{line}", path.display()),
        Source::VersionFile(path) => path.display().to_string(),
        other => other.to_string(),
    };
    eprintln!("Installing the version named by {named_by}");
    Ok(match &active.request {
        VersionRequest::AtLeast(min) => match active.installed(home) {
            Ok(installed) => VersionRequest::Exact(installed),
            Err(_) => VersionRequest::Exact(min.clone()),
        },
        request => request.clone(),
    })
}
