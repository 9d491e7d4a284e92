//! `gover use SPEC`: repoint `current`, the global default.

use crate::cli::UseArgs;
use crate::error::Error;
use crate::home::Home;
use crate::home::inventory;
use crate::home::shims;
use crate::resolve::{self, Reason};
use crate::source::dist::Access;
use crate::version::{self, GoVersion, VersionRequest};

pub fn run(args: UseArgs, access: Access) -> Result<(), Error> {
    let home = Home::from_env()?;
    let request = version::parse_request(&args.spec)?;
    let installed = inventory::installed(&home);
    // `latest` is the newest release, as for `install`: never quietly the newest installed one.
    let version = if request == VersionRequest::Latest {
        latest(&home, &installed, args.install, &access)?
    } else {
        match request.best_match(&installed) {
            Some(v) => v.clone(),
            None if args.install => crate::install::install(&home, &request, &access)?,
            None => {
                return Err(Error::NotInstalled {
                    version: args.spec.clone(),
                    hint: format!(
                        "run `gover install {}`, or `gover use --install {}`",
                        args.spec, args.spec
                    ),
                });
            }
        }
    };
    {
        let _lock = home.lock()?;
        crate::install::set_default(&home, &version)?;
        shims::ensure(&home)?;
    }
    crate::note!("Now using Go {version} (global default)");
    // Say so when something here outranks the default.
    if let Ok(active) = resolve::active_here(&home)
        && active.source != Reason::Default
    {
        crate::note!(
            "note: in this directory {} ({})",
            active.request,
            active.source
        );
    }
    Ok(())
}

/// `use latest`: the newest release in the index (the cached one offline), installed first
/// with `--install`; else an error naming it and the newest installed version.
fn latest(
    home: &Home,
    installed: &[GoVersion],
    install: bool,
    access: &Access,
) -> Result<GoVersion, Error> {
    let newest = crate::install::resolve_remote(home, &VersionRequest::Latest, access)?;
    if installed.contains(&newest) {
        return Ok(newest);
    }
    if install {
        return crate::install::install(home, &VersionRequest::Exact(newest), access);
    }
    let mut hint = "run `gover use --install latest` (or `gover install latest`)".to_string();
    if let Some(have) = installed.iter().max() {
        hint.push_str(&format!(
            "; the newest installed version is {have}: `gover use {have}`"
        ));
    }
    Err(Error::NotInstalled {
        version: format!("{newest}, the newest release (`latest`),"),
        hint,
    })
}
