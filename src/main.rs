//! `gover`: parse the command line, run the command, render any error, exit.

use std::process::ExitCode;

use clap::Parser;

use gover::cli::Cli;
use gover::commands::completions;
use gover::error;
use gover::output::{self, Verbosity};
use gover::shim::{self as shim, FALLBACK_COMMAND};

fn main() -> ExitCode {
    // `gover __shim TOOL ARGS…`: the freestanding shim handing over a call it does not finish
    // itself. Before clap, so the tool's arguments pass through untouched.
    let mut args = std::env::args_os();
    match args.nth(1) {
        Some(a) if a == FALLBACK_COMMAND => return ExitCode::from(shim::fallback(args)),
        // `gover __complete WHAT`: candidates for the completion scripts.
        Some(a) if a == completions::COMMAND => {
            return ExitCode::from(completions::candidates(args.next()));
        }
        _ => {}
    }
    let cli = Cli::parse();
    output::set(if cli.quiet {
        Verbosity::Quiet
    } else if cli.verbose {
        Verbosity::Verbose
    } else {
        Verbosity::Normal
    });
    match gover::commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        // `gover list | head`: the reader went away; that is not an error.
        Err(err) if error::is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            error::render(&err);
            ExitCode::from(err.exit_code())
        }
    }
}
