//! `gover env [--shell SHELL]`: shell code that sets PATH to the shims, then the current PATH
//! without duplicates or current-directory entries, then the standard system dirs and the Go
//! user bin dir where it lacks them. Evaluating it twice gives the same PATH.

use crate::cli::EnvArgs;
use crate::error::Error;
use crate::home::Home;
use crate::pathenv;
use crate::shell::{Shell, UserDirs};

pub fn run(args: EnvArgs) -> Result<(), Error> {
    let home = Home::from_env()?;
    let dirs = UserDirs::from_env()?;
    let shell = args
        .shell
        .map(super::shell_of)
        .unwrap_or_else(Shell::from_env);
    let path = std::env::var("PATH").unwrap_or_default();
    let shims = home.shims_dir();
    let gobin = pathenv::go_user_bin(&dirs.home);
    let entries = pathenv::normalized(&path, &shims, &pathenv::appended(&gobin));
    if args.json {
        let value = serde_json::json!({
            "path": entries,
            "shims": shims.display().to_string(),
            "gobin": gobin.display().to_string(),
        });
        return super::print(&super::to_json(&value));
    }
    super::print(&shell.integration().env_snippet(&entries))
}
