//! `gover uninstall VERSION…`: remove installed versions, one after the other. Without
//! `--force` it refuses the default, a version a recorded `.go-version` asks for, and one a
//! running program uses (a `go` started through the shims or `gover exec`: it holds the
//! version's in-use lock).

use std::fs;

use super::batch;
use crate::cli::UninstallArgs;
use crate::error::Error;
use crate::home::Home;
use crate::home::inventory;
use crate::resolve;
use crate::resolve::seen;
use crate::version::GoVersion;

pub fn run(args: UninstallArgs) -> Result<(), Error> {
    let home = Home::from_env()?;
    batch::each("uninstall", &args.targets, |target| {
        uninstall(&home, target, args.force)
    })
}

/// Remove one installed version.
fn uninstall(home: &Home, target: &str, force: bool) -> Result<(), Error> {
    let version = GoVersion::parse(target).map_err(|_| Error::NotInstalled {
        version: target.to_string(),
        hint: installed_hint(home),
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
            hint: installed_hint(home),
        });
    }
    let _lock = home.lock()?;
    let is_default = resolve::default_version(home)?.as_ref() == Some(&version);
    if is_default && !force {
        return Err(Error::UninstallDefault {
            version: version.to_string(),
        });
    }
    if !force && let Some(file) = seen::pinning(home, &version) {
        return Err(Error::VersionPinned {
            version: version.to_string(),
            file,
        });
    }
    // Held until the version is gone, so no shim or `gover exec` starts it meanwhile.
    let unused = home.try_lock_unused(&version)?;
    if unused.is_none() {
        if !force {
            return Err(Error::VersionInUse {
                version: version.to_string(),
            });
        }
        crate::output::warn(format_args!(
            "Go {version} is in use by a running program; removing it anyway (--force)"
        ));
    }
    if is_default {
        let current = home.current_link();
        fs::remove_file(&current).map_err(Error::io("cannot remove", &current))?;
        crate::note!("Removed the default link {}", current.display());
    }
    inventory::remove_version(home, &version)?;
    crate::note!("Uninstalled Go {version}");
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
