//! `gover completions SHELL`: completion scripts generated from the clap definition.

use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::{Cli, CompletionShell, CompletionsArgs};
use crate::error::Error;

pub fn run(args: CompletionsArgs) -> Result<(), Error> {
    super::print(&script(args.shell))
}

/// The completion script for `shell`, as checked in under `completions/`.
pub fn script(shell: CompletionShell) -> String {
    let shell = match shell {
        CompletionShell::Bash => Shell::Bash,
        CompletionShell::Zsh => Shell::Zsh,
        CompletionShell::Fish => Shell::Fish,
    };
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "gover", &mut out);
    String::from_utf8(out).expect("clap_complete writes UTF-8")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The checked-in scripts must match the CLI; regenerate with
    /// `gover completions bash > completions/gover.bash` (and zsh → `_gover`, fish → `gover.fish`).
    #[test]
    fn checked_in_completions_match_the_cli() {
        let cases = [
            (
                CompletionShell::Bash,
                include_str!("../../completions/gover.bash"),
            ),
            (
                CompletionShell::Zsh,
                include_str!("../../completions/_gover"),
            ),
            (
                CompletionShell::Fish,
                include_str!("../../completions/gover.fish"),
            ),
        ];
        for (shell, checked_in) in cases {
            assert!(
                script(shell) == checked_in,
                "completions/ for {shell:?} drifted from the CLI; regenerate them (see README)"
            );
        }
    }
}
