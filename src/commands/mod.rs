//! One module per subcommand; `run` dispatches.

mod completions;
mod current;
mod exec;
pub mod install;
mod list;
mod local;
mod uninstall;
mod use_;
mod which;

use std::io::Write;

use crate::cli::{Cli, Command};
use crate::error::Error;

pub fn run(cli: Cli) -> Result<(), Error> {
    if let Command::Install(crate::cli::InstallArgs { allow_insecure, .. })
    | Command::Use(crate::cli::UseArgs { allow_insecure, .. })
    | Command::Local(crate::cli::LocalArgs { allow_insecure, .. })
    | Command::List(crate::cli::ListArgs { allow_insecure, .. }) = &cli.command
    {
        crate::http::set_allow_insecure(*allow_insecure);
    }
    match cli.command {
        Command::Install(args) => install::run(args),
        Command::Use(args) => use_::run(args),
        Command::Local(args) => local::run(args),
        Command::Current => current::run(),
        Command::List(args) => list::run(args),
        Command::Uninstall(args) => uninstall::run(args),
        Command::Which(args) => which::run(args),
        Command::Exec(args) => exec::run(args),
        Command::Completions(args) => completions::run(args),
    }
}

/// Write a result to stdout. A closed pipe surfaces as an error that `main` exits 0 on.
pub(crate) fn print(text: &str) -> Result<(), Error> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(Error::io("cannot write to", "stdout"))
}
