//! `gover`: parse the command line, run the command, render any error, exit.

use std::process::ExitCode;

use clap::Parser;

use gover::cli::Cli;
use gover::error;

fn main() -> ExitCode {
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
