//! `gover uninstall VERSION`: remove an installed version.

use std::fs;

use crate::cli::UninstallArgs;
use crate::error::Error;
use crate::home::Home;
use crate::inventory;
use crate::resolve;
use crate::version::GoVersion;

pub fn run(args: UninstallArgs) -> Result<(), Error> {
    let home = Home::from_env()?;
    let version = GoVersion::parse(&args.target).map_err(|_| Error::NotInstalled {
        version: args.target.clone(),
        hint: installed_hint(&home),
    })?;
    // `1.13.0` names the release `1.13` (a dir by the name as written still goes first).
    let version = if fs::symlink_metadata(home.version_dir(&version)).is_ok() {
        version
    } else {
        version.canonical()
    };
    let dir = home.version_dir(&version);
    if fs::symlink_metadata(&dir).is_err() {
        return Err(Error::NotInstalled {
            version: version.to_string(),
            hint: installed_hint(&home),
        });
    }
    let _lock = home.lock()?;
    let is_default = resolve::default_version(&home)?.as_ref() == Some(&version);
    if is_default && !args.force {
        return Err(Error::UninstallDefault {
            version: version.to_string(),
        });
    }
    if is_default {
        let current = home.current_link();
        fs::remove_file(&current).map_err(Error::io("cannot remove", &current))?;
        eprintln!("Removed the default link {}", current.display());
    }
    inventory::remove_version(&home, &version)?;
    eprintln!("Uninstalled Go {version}");
    Ok(())
}

fn installed_hint(home: &Home) -> String {
    let installed = inventory::installed(home);
    if installed.is_empty() {
        "no versions are installed".into()
    } else {
        let names: Vec<String> = installed.iter().map(ToString::to_string).collect();
        format!("installed: {}", names.join(", "))
    }
}
