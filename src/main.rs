//! `gover`: parse the command line, run the command, render any error, exit.

use std::process::ExitCode;

use clap::Parser;

use gover::cli::Cli;
use gover::error;
use gover::shims::run::{self as shim, FALLBACK_COMMAND};

fn main() -> ExitCode {
    // `gover __shim TOOL ARGS…`: the freestanding shim handing over a call it does not finish
    // itself. Before clap, so the tool's arguments pass through untouched.
    let mut args = std::env::args_os();
    if args.nth(1).is_some_and(|a| a == FALLBACK_COMMAND) {
        return ExitCode::from(shim::fallback(args));
    }
    let cli = Cli::parse();
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
