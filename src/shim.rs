//! A shim call on std: every case, including the ones the freestanding shim hands over.
//!
//! Tool name → active version (GOVER_VERSION, nearest .go-version/.tool-versions, go.work/go.mod as Go finds them, `current`)
//! → `exec` of `versions/<v>/bin/<tool>` with the arguments untouched, `GOROOT` set and
//! `GOTOOLCHAIN=local` unless the user set it. Every failure is one `gover: …` line on stderr
//! and an exit code; with `GOVER_AUTO_INSTALL=1` a version that is not installed is installed
//! first by the `gover` beside this executable.
//!
//! Where it runs:
//! - on Linux/x86_64 the shim is freestanding (`src/bin/gover-shim/freestanding/`): it resolves and execs
//!   by itself and runs `gover __shim TOOL ARGS…` ([`FALLBACK_COMMAND`]) for everything else:
//!   errors, a version that is not installed, a go.mod bigger than its buffer;
//! - elsewhere `gover-shim` runs [`main`] directly.

use std::ffi::OsString;
use std::os::fd::AsFd;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::env;
use crate::error::exit;
use crate::execve::Exec;
use crate::home::Home;
use crate::resolve;

/// `gover __shim TOOL ARGS…`: run a shim call on std (hidden; the freestanding shim's way out).
pub const FALLBACK_COMMAND: &str = "__shim";

/// The shim program: tool name from argv[0], or `gover-shim TOOL ARGS…`. Returns only on
/// failure, with the exit code.
pub fn main() -> u8 {
    let mut args = std::env::args_os();
    let argv0 = args.next().unwrap_or_default();
    let mut tool = file_name(&argv0);
    // Called as `gover-shim <tool> args…` (handy for tests and debugging).
    if tool == crate::home::shims::SHIM_EXE {
        tool = args.next().map(|t| file_name(&t)).unwrap_or_default();
    }
    fail(run(&tool, args))
}

/// `gover __shim TOOL ARGS…`, with `args` after `__shim`. Returns only on failure.
pub fn fallback(mut args: impl Iterator<Item = OsString>) -> u8 {
    let tool = args.next().map(|t| file_name(&t)).unwrap_or_default();
    fail(run(&tool, args))
}

fn fail((message, code): (String, u8)) -> u8 {
    eprintln!("gover: {message}");
    code
}

/// An error as one line (`message; hint`) with gover's exit code for it (docs/exit-codes.md).
fn as_gover_says(err: crate::error::Error) -> (String, u8) {
    let hint = err.hint().map(|h| format!("; {h}")).unwrap_or_default();
    (format!("{err}{hint}"), err.exit_code())
}

/// Resolve and exec; returns only on failure, with the message and the exit code.
pub fn run(tool: &str, args: impl Iterator<Item = OsString>) -> (String, u8) {
    if tool.is_empty() {
        return ("usage: gover-shim <tool> [args…]".into(), exit::USAGE);
    }
    let depth = gover_core::env::shim_depth(env::var(env::GOVER_SHIM_DEPTH).as_deref());
    if depth >= gover_core::env::MAX_SHIM_DEPTH {
        return (
            format!(
                "shim recursion: `{tool}` led back to a gover shim {depth} times; \
                 check that no versions/*/bin/{tool} links to a shim and run `gover doctor`"
            ),
            exit::FAILURE,
        );
    }
    let home = match Home::from_env() {
        Ok(home) => home,
        Err(e) => return as_gover_says(e.into()),
    };
    let mut resolved = resolve::active_here(&home).and_then(|a| a.installed(&home));
    if let Err(resolve::ResolveError::NotInstalled { request, .. }) = &resolved
        && env::flag(env::GOVER_AUTO_INSTALL).unwrap_or(false)
    {
        if let Err((message, code)) = auto_install(&resolve::install_spec(request)) {
            return (message, code);
        }
        resolved = resolve::active_here(&home).and_then(|a| a.installed(&home));
    }
    let version = match resolved {
        Ok(v) => v,
        Err(e @ resolve::ResolveError::NotInstalled { .. }) => {
            let hint = e.hint().unwrap_or_default();
            let message = format!("{e}; {hint}");
            let message = match &e {
                resolve::ResolveError::NotInstalled { request, .. } => match &**request {
                    crate::version::VersionRequest::Exact(v) => with_drift(&home, v, message),
                    _ => message,
                },
                _ => message,
            };
            return (message, exit::NOT_FOUND);
        }
        // The message, hint and exit code `gover current` gives for the same state.
        Err(e) => return as_gover_says(e.into()),
    };
    let root = home.version_dir(&version);
    let exe = home.tool_path(&version, tool);
    let mut command = Exec::new(&exe)
        .args(args)
        .env(env::GOROOT, &root)
        .env(env::GOVER_SHIM_DEPTH, (depth + 1).to_string());
    if std::env::var_os(env::GOTOOLCHAIN).is_none() {
        command = command.env(env::GOTOOLCHAIN, env::GOTOOLCHAIN_LOCAL);
    }
    // As `gover exec` and the freestanding shim do: the tool holds its version's in-use lock
    // while it runs, so nothing removes or replaces the version under it.
    let _in_use = home.hold_in_use(&version);
    // execve only: a file the kernel cannot run is an error, never a /bin/sh script.
    let err = command.exec();
    if err.source.kind() == std::io::ErrorKind::NotFound {
        let message = format!(
            "cannot run {} (Go {version}): {}",
            exe.display(),
            err.source
        );
        return (with_drift(&home, &version, message), exit::NOT_FOUND);
    }
    let message = format!(
        "cannot run {} (Go {version}): {}; reinstall it with `gover install --force {version}`, \
         or remove it with `gover uninstall {version}`",
        exe.display(),
        err.reason()
    );
    (with_drift(&home, &version, message), exit::CANNOT_EXECUTE)
}

/// See: issue 22 item 10. A failure on an imported version whose tree changed in place (its
/// `VERSION` no longer names it) says so, with the fix, after its own message.
fn with_drift(home: &Home, v: &crate::version::GoVersion, message: String) -> String {
    match crate::import::drift(home, v) {
        Some(drift) => format!(
            "{message}; {}; run `{}` to register it as what it holds",
            drift.describe(v),
            drift.fix()
        ),
        None => message,
    }
}

/// `gover install <spec>` with the `gover` beside this executable (or this `gover` itself).
/// Its messages and progress go to stderr (its stdout too, so the tool's own output stays
/// clean); it takes the install locks, so concurrent shims wait for one download.
fn auto_install(spec: &str) -> Result<(), (String, u8)> {
    let gover = std::env::current_exe()
        .map(|exe| exe.with_file_name("gover"))
        .map_err(|e| {
            (
                format!("cannot locate gover to auto-install Go {spec}: {e}"),
                exit::FAILURE,
            )
        })?;
    let stdout: Stdio = match std::io::stderr().as_fd().try_clone_to_owned() {
        Ok(fd) => fd.into(),
        Err(_) => Stdio::null(),
    };
    eprintln!(
        "gover: Go {spec} is not installed; installing it ({} is set)",
        env::GOVER_AUTO_INSTALL
    );
    let status = Command::new(&gover)
        .args(["install", spec])
        .stdout(stdout)
        .status()
        .map_err(|e| {
            let message = format!(
                "cannot run {} to auto-install Go {spec}: {e}",
                gover.display()
            );
            (message, exit::CANNOT_EXECUTE)
        })?;
    if status.success() {
        Ok(())
    } else {
        // gover has already said why; pass its exit code on.
        let code = status
            .code()
            .and_then(|c| u8::try_from(c).ok())
            .unwrap_or(exit::FAILURE);
        Err((format!("auto-install of Go {spec} failed"), code))
    }
}

fn file_name(path: &OsString) -> String {
    Path::new(path)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}
