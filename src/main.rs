//! `gover`: parse the command line, run the command, render any error, exit.
//!
//! The entry point is C's `main`, not std's (`no_main`): before a Rust `main`, std asks glibc
//! for the main thread's stack bounds to guard against stack overflow, and glibc finds them by
//! reading and parsing `/proc/self/maps` (about 100,000 instructions and six system calls, an
//! eighth of what `gover current` does in all; see docs/performance.md, "Small commands").
//! Of what std's start-up does, gover keeps what it relies on: SIGPIPE ignored (a closed pipe
//! is an error that `main` exits 0 on: `gover list | head`), and file descriptors 0 to 2 open
//! (on `/dev/null` if they were closed), so no file gover opens can become its stdout. A stack
//! overflow then ends in a plain SIGSEGV instead of std's message.
#![cfg_attr(not(test), no_main)]

use clap::{CommandFactory, FromArgMatches};

use gover::cli::Cli;
use gover::commands::completions;
use gover::error;
use gover::output::{self, Verbosity};
use gover::shim::{self as shim, FALLBACK_COMMAND};

#[cfg(not(test))]
#[unsafe(no_mangle)]
extern "C" fn main(_argc: libc::c_int, _argv: *const *const libc::c_char) -> libc::c_int {
    start_up();
    let code = run();
    // std flushes stdout when its `main` returns; here nothing else would.
    let _ = std::io::Write::flush(&mut std::io::stdout());
    libc::c_int::from(code)
}

/// What std's start-up did that gover relies on (see the module docs).
#[cfg_attr(test, allow(dead_code))]
fn start_up() {
    // SAFETY: setting a signal's disposition to SIG_IGN before any thread exists.
    unsafe { libc::signal(libc::SIGPIPE, libc::SIG_IGN) };
    let mut fds = [0, 1, 2].map(|fd| libc::pollfd {
        fd,
        events: 0,
        revents: 0,
    });
    // SAFETY: `fds` is a valid array of three pollfd; a zero timeout returns at once.
    let polled = unsafe { libc::poll(fds.as_mut_ptr(), 3, 0) };
    for fd in fds {
        let closed = match polled {
            -1 => {
                // SAFETY: F_GETFD on any number only reads the descriptor table.
                unsafe { libc::fcntl(fd.fd, libc::F_GETFD) == -1 }
            }
            _ => fd.revents & libc::POLLNVAL != 0,
        };
        if closed {
            // SAFETY: a NUL-terminated path; the lowest free descriptor is the closed one.
            let opened = unsafe { libc::open(c"/dev/null".as_ptr(), libc::O_RDWR) };
            if opened != fd.fd {
                std::process::abort();
            }
        }
    }
}

#[cfg_attr(test, allow(dead_code))]
fn run() -> u8 {
    // `gover __shim TOOL ARGS…`: the freestanding shim handing over a call it does not finish
    // itself. Before clap, so the tool's arguments pass through untouched.
    let mut args = std::env::args_os();
    match args.nth(1) {
        Some(a) if a == FALLBACK_COMMAND => return shim::fallback(args),
        // `gover __complete WHAT`: candidates for the completion scripts.
        Some(a) if a == completions::COMMAND => return completions::candidates(args.next()),
        _ => {}
    }
    let cli = parse();
    output::set(if cli.quiet {
        Verbosity::Quiet
    } else if cli.verbose {
        Verbosity::Verbose
    } else {
        Verbosity::Normal
    });
    match gover::commands::run(cli) {
        Ok(()) => 0,
        // `gover list | head`: the reader went away; that is not an error.
        Err(err) if error::is_broken_pipe(&err) => 0,
        Err(err) => {
            error::render(&err);
            err.exit_code()
        }
    }
}

/// `Cli::parse()`, without dropping clap's tree of every subcommand and argument afterwards:
/// the process ends soon, and freeing the tree cost more than half of what building it did.
#[cfg_attr(test, allow(dead_code))]
fn parse() -> Cli {
    let mut command = Cli::command();
    let mut matches = command
        .try_get_matches_from_mut(std::env::args_os())
        .unwrap_or_else(|e| e.exit());
    let cli =
        Cli::from_arg_matches_mut(&mut matches).unwrap_or_else(|e| e.format(&mut command).exit());
    std::mem::forget(command);
    std::mem::forget(matches);
    cli
}
