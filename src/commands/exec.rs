//! `gover exec SPEC -- CMD ARGS…`: run a command with a version first on PATH, holding the
//! version's in-use lock for as long as the command runs.

use crate::cli::ExecArgs;
use crate::env;
use crate::error::Error;
use crate::execve::Exec;
use crate::home::Home;
use crate::home::inventory;
use crate::version;

pub fn run(args: ExecArgs) -> Result<(), Error> {
    let home = Home::from_env()?;
    let request = version::parse_request(&args.spec)?;
    let version = request
        .best_match(&inventory::installed(&home))
        .cloned()
        .ok_or_else(|| Error::NotInstalled {
            version: args.spec.clone(),
            hint: format!("run `gover install {}`", args.spec),
        })?;
    // Held across the exec, by the command itself: uninstall and prune leave the version alone
    // while it runs. Taken before the final check, so a removal that was under way is seen.
    let _in_use = home.hold_in_use(&version);
    if !inventory::is_installed(&home, &version) {
        return Err(Error::NotInstalled {
            version: version.to_string(),
            hint: format!("run `gover install {version}`"),
        });
    }
    let root = home.version_dir(&version);
    let mut path = vec![root.join("bin")];
    if let Some(old) = std::env::var_os("PATH") {
        path.extend(std::env::split_paths(&old));
    }
    let path = std::env::join_paths(path).map_err(|e| Error::Exec {
        command: "PATH".into(),
        hint: None,
        source: std::io::Error::other(e),
    })?;
    let (program, rest) = args.command.split_first().expect("clap requires a command");
    let mut command = Exec::new(program)
        .args(rest)
        .env("PATH", path)
        .env(env::GOROOT, &root)
        // Nested shims and `gover` calls see the same version.
        .env(env::GOVER_VERSION, version.to_string());
    if env::var(env::GOTOOLCHAIN).is_none() {
        command = command.env(env::GOTOOLCHAIN, env::GOTOOLCHAIN_LOCAL);
    }
    // `exec` only returns on failure; on success this process becomes the command. A file
    // the kernel cannot run is an error (execve only: never run through /bin/sh).
    let err = command.exec();
    let in_version = err.path.starts_with(&root);
    Err(Error::Exec {
        command: err.path.display().to_string(),
        hint: (in_version && err.source.kind() != std::io::ErrorKind::NotFound).then(|| {
            format!(
                "{}; reinstall it with `gover install --force {version}`, or remove it with \
                 `gover uninstall {version}`",
                err.reason()
            )
        }),
        source: err.source,
    })
}
