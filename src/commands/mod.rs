//! One module per subcommand; `run` dispatches.

mod completions;
mod current;
mod doctor;
mod env;
mod exec;
pub mod install;
mod list;
mod local;
mod setup;
mod uninstall;
mod use_;
mod which;

use std::io::Write;

use crate::cli::{Cli, Command};
use crate::error::Error;

pub fn run(cli: Cli) -> Result<(), Error> {
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
        Command::Env(args) => env::run(args),
        Command::Setup(args) => setup::run(args),
        Command::Doctor(args) => doctor::run(args),
    }
}

/// Write a result to stdout. A closed pipe surfaces as an error that `main` exits 0 on.
pub(crate) fn print(text: &str) -> Result<(), Error> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(Error::io("cannot write to", "stdout"))
}

/// The library's shell for a `--shell` value.
pub(crate) fn shell_of(arg: crate::cli::ShellArg) -> crate::shell::Shell {
    use crate::cli::ShellArg;
    use crate::shell::Shell;
    match arg {
        ShellArg::Bash => Shell::Bash,
        ShellArg::Zsh => Shell::Zsh,
        ShellArg::Fish => Shell::Fish,
        ShellArg::Sh => Shell::Sh,
    }
}
