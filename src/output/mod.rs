//! How much gover says on stderr (`-q`/`--quiet`, `-v`/`--verbose`, set once in `main`) and the
//! one way to say it: notes, warnings, safety warnings and `verbose:` lines, each labelled and
//! coloured like clap's and printed through the progress display ([`crate::output::progress::message`])
//! so live bars are not broken. Errors are rendered by [`crate::error::render`], always.

pub mod json;
pub mod progress;
pub mod text;

use std::fmt::Display;
use std::io;
use std::sync::atomic::{AtomicU8, Ordering};

/// How much gover says besides its results and errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verbosity {
    /// `--quiet`: only errors, safety warnings and the results on stdout.
    Quiet = 0,
    Normal = 1,
    /// `--verbose`: also every URL fetched, cache decisions and timings.
    Verbose = 2,
}

static LEVEL: AtomicU8 = AtomicU8::new(Verbosity::Normal as u8);

/// Set the verbosity for the rest of the process (from `main`, once the command line is parsed).
pub fn set(level: Verbosity) {
    LEVEL.store(level as u8, Ordering::Relaxed);
}

pub fn level() -> Verbosity {
    match LEVEL.load(Ordering::Relaxed) {
        0 => Verbosity::Quiet,
        2 => Verbosity::Verbose,
        _ => Verbosity::Normal,
    }
}

pub fn is_quiet() -> bool {
    level() == Verbosity::Quiet
}

pub fn is_verbose() -> bool {
    level() == Verbosity::Verbose
}

const WARNING: anstyle::Style = anstyle::AnsiColor::Yellow.on_default().bold();
/// The `hint:` label's style, here and in [`crate::error::render`].
pub const HINT: anstyle::Style = anstyle::AnsiColor::Green.on_default().bold();
const VERBOSE: anstyle::Style = anstyle::Style::new().dimmed();

/// Whether stderr gets colour: a terminal, `NO_COLOR` unset or empty, or `CLICOLOR_FORCE` set
/// (anstream's rules, the same as clap's).
pub fn stderr_colour() -> bool {
    anstream::AutoStream::choice(&io::stderr()) != anstream::ColorChoice::Never
}

/// `line` (which may hold ANSI styles) on stderr, through the progress display; the styles
/// are stripped when stderr gets no colour.
fn emit(line: String) {
    if stderr_colour() {
        crate::output::progress::message(line);
    } else {
        crate::output::progress::message(anstream::adapter::strip_str(&line));
    }
}

/// An informational line (`Installed Go …`, `using the cached index …`); not with `--quiet`.
pub fn note(message: impl Display) {
    if !is_quiet() {
        emit(message.to_string());
    }
}

/// `hint: …` after a note or warning; not with `--quiet`.
pub fn hint(message: impl Display) {
    if !is_quiet() {
        emit(format!("{HINT}hint:{HINT:#} {message}"));
    }
}

/// `warning: …`: something went wrong and gover carried on (a retry, a fallback); not with
/// `--quiet`.
pub fn warn(message: impl Display) {
    if !is_quiet() {
        warn_always(message);
    }
}

/// `warning: …` that `--quiet` does not silence: safety (an install that is not verified).
pub fn warn_always(message: impl Display) {
    emit(format!("{WARNING}warning:{WARNING:#} {message}"));
}

/// `verbose: …`, dim: what gover does that it normally keeps quiet; only with `--verbose`.
pub fn verbose(message: impl Display) {
    if is_verbose() {
        emit(format!("{VERBOSE}verbose: {message}{VERBOSE:#}"));
    }
}

/// [`note`] with `format!` arguments.
#[macro_export]
macro_rules! note {
    ($($arg:tt)*) => { $crate::output::note(format_args!($($arg)*)) };
}

/// [`verbose`] with `format!` arguments; the message is only formatted with `--verbose`.
#[macro_export]
macro_rules! verbose {
    ($($arg:tt)*) => {
        if $crate::output::is_verbose() {
            $crate::output::verbose(format_args!($($arg)*))
        }
    };
}
