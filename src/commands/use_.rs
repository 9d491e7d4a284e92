//! `gover use SPEC`: repoint `current`, the global default.

use crate::cli::UseArgs;
use crate::error::Error;
use crate::home::Home;
use crate::home::inventory;
use crate::home::shims;
use crate::resolve::{self, Reason};
use crate::source::dist::Access;
use crate::version;

pub fn run(args: UseArgs, access: Access) -> Result<(), Error> {
    let home = Home::from_env()?;
    let request = version::parse_request(&args.spec)?;
    let version = match request.best_match(&inventory::installed(&home)) {
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
