//! One module per subcommand; `run` dispatches.

mod batch;
pub mod completions;
mod current;
mod doctor;
mod env;
mod exec;
mod import;
mod install;
mod list;
mod local;
mod mirror;
mod prune;
mod self_;
mod setup;
mod uninstall;
mod upgrade;
mod use_;
mod which;

use std::io::Write;

use crate::cli::{Cli, Command, Deferred, MirrorCommand, NetworkArgs};
use crate::error::Error;
use crate::settings::Settings;

pub fn run(cli: Cli) -> Result<(), Error> {
    let settings = Settings::from_env()?;
    crate::http::configure(settings.http);
    let access = |n: NetworkArgs| settings.access(n.offline, n.allow_insecure);
    match cli.command {
        Command::Install(Deferred(args)) => {
            let access = access(args.network);
            install::run(args, access)
        }
        Command::Use(Deferred(args)) => {
            let access = access(args.network);
            use_::run(args, access)
        }
        Command::Local(Deferred(args)) => {
            let access = access(args.network);
            local::run(args, access)
        }
        Command::Current(Deferred(args)) => current::run(args),
        Command::List(Deferred(args)) => {
            let access = access(args.network);
            list::run(args, access)
        }
        Command::Uninstall(Deferred(args)) => uninstall::run(args),
        Command::Import(Deferred(args)) => import::run(args),
        Command::Upgrade(Deferred(args)) => {
            let access = access(args.network);
            upgrade::run(args, access)
        }
        Command::Prune(Deferred(args)) => prune::run(args),
        Command::Which(Deferred(args)) => which::run(args),
        Command::Exec(Deferred(args)) => exec::run(args),
        Command::Completions(Deferred(args)) => completions::run(args),
        Command::Mirror(Deferred(command)) => {
            let access = match &command {
                MirrorCommand::Sync(args) => access(args.network),
            };
            mirror::run(command, access)
        }
        Command::Env(Deferred(args)) => env::run(args),
        Command::Setup(Deferred(args)) => setup::run(args),
        Command::Doctor(Deferred(args)) => doctor::run(args),
        Command::SelfCmd(Deferred(command)) => self_::run(command),
    }
}

pub use crate::output::json::to_json;

/// Write a result to stdout. A closed pipe surfaces as an error that `main` exits 0 on.
pub(crate) fn print(text: &str) -> Result<(), Error> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(Error::io("cannot write to", "stdout"))
}

/// The source a `--source` value names.
pub(crate) fn source_of(
    arg: Option<crate::cli::SourceArg>,
) -> Option<crate::source::dist::SourceKind> {
    arg.map(|arg| match arg {
        crate::cli::SourceArg::Dist => crate::source::dist::SourceKind::Dist,
        crate::cli::SourceArg::Proxy => crate::source::dist::SourceKind::Proxy,
    })
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
