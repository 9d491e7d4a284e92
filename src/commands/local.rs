//! `gover local SPEC`: pin a version for this directory in `.go-version`.

use crate::cli::LocalArgs;
use crate::dist::Access;
use crate::error::Error;
use crate::home::Home;
use crate::inventory;
use crate::version::{self, VersionRequest};
use crate::version_file;

pub fn run(args: LocalArgs, access: Access) -> Result<(), Error> {
    let home = Home::from_env()?;
    let request = version::parse_request(&args.spec)?;
    // A partial request is pinned as the exact release it means: the newest installed match,
    // else the newest match in the source in force (the index, or GOPROXY's list).
    let version = match &request {
        VersionRequest::Exact(v) => v.clone(),
        other => match other.best_match(&inventory::installed(&home)) {
            Some(v) => v.clone(),
            None => crate::install::resolve_remote(&home, other, &access)?,
        },
    };
    let cwd = std::env::current_dir().map_err(Error::io("cannot read", "the current directory"))?;
    let path = cwd.join(version_file::FILE_NAME);
    crate::fsutil::write_atomic(&path, format!("{version}\n").as_bytes())
        .map_err(Error::io("cannot write", &path))?;
    crate::seen::record(&home, &path);
    eprintln!("Pinned Go {version} in {}", path.display());
    if !inventory::is_installed(&home, &version) {
        eprintln!("hint: Go {version} is not installed yet; run `gover install`");
    }
    Ok(())
}
