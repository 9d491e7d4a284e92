//! `gover local SPEC`: pin a version for this directory in `.go-version`.

use crate::cli::LocalArgs;
use crate::error::Error;
use crate::home::Home;
use crate::home::inventory;
use crate::resolve::version_file;
use crate::source::dist::Access;
use crate::version::{self, VersionRequest};

pub fn run(args: LocalArgs, access: Access) -> Result<(), Error> {
    let home = Home::from_env()?;
    let request = version::parse_request(&args.spec)?;
    // A partial request is pinned as the exact release it means: the newest installed match,
    // else the newest match in the source in force (the index, or GOPROXY's list); `latest`
    // always the newest release there.
    let version = match &request {
        // An exact release is checked as a partial one is: against the index (the cached one
        // offline), unless it is installed already. See: issue 12 item 8.
        VersionRequest::Exact(v) if inventory::is_installed(&home, v) => v.clone(),
        VersionRequest::Exact(v) => {
            let check = Access {
                allow_unverified: true,
                ..access.clone()
            };
            match crate::source::dist::cache::load(&home, &check, false)? {
                Some(loaded) => loaded.index.resolve(&request)?.0,
                None => {
                    crate::output::warn_always(format_args!(
                        "no release index to check Go {v} against; pinning it unchecked"
                    ));
                    v.clone()
                }
            }
        }
        // `latest` is the newest release, as for `install` and `use`, installed or not.
        VersionRequest::Latest => crate::install::resolve_remote(&home, &request, &access)?,
        other => match other.best_match(&inventory::installed(&home)) {
            Some(v) => v.clone(),
            None => crate::install::resolve_remote(&home, other, &access)?,
        },
    };
    let cwd = std::env::current_dir().map_err(Error::io("cannot read", "the current directory"))?;
    let path = cwd.join(version_file::FILE_NAME);
    crate::fsutil::write_atomic(&path, format!("{version}\n").as_bytes())
        .map_err(Error::io("cannot write", &path))?;
    crate::resolve::seen::record(&home, &path);
    crate::note!("Pinned Go {version} in {}", path.display());
    if !inventory::is_installed(&home, &version) {
        crate::output::hint(format_args!(
            "Go {version} is not installed yet; run `gover install`"
        ));
    }
    Ok(())
}
