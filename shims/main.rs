//! `gover-shim`: what `$GOVER_HOME/shims/go` and `shims/gofmt` link to.
//!
//! On every call: tool name from argv[0] → active version (GOVER_VERSION, nearest
//! .go-version, `current`) → `exec` of `versions/<v>/bin/<tool>` with the arguments untouched.
//! No argument parsing, no index, no network: every `go` invocation pays for this file.
//!
//! `#![no_main]`: this is the C `main`, so std's runtime set-up (signal handlers, reading
//! `/proc/self/maps` for the stack guard) is skipped; argv still reaches `std::env::args_os`
//! (glibc hands it to std's `.init_array` hook). SIGPIPE keeps the caller's disposition, so
//! `go` inherits exactly what it would have without a shim.
//!
//! The one exception is off the normal path: with `GOVER_AUTO_INSTALL=1`, a version that is
//! not installed is installed first by running the `gover` beside this executable.

#![no_main]

use std::ffi::{OsString, c_char, c_int};
use std::os::fd::AsFd;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};

use gover::env;
use gover::error::exit;
use gover::home::Home;
use gover::resolve;

/// More nested shim calls than this means a loop (e.g. a version's `bin/go` links back here).
const MAX_DEPTH: u32 = 20;

#[unsafe(no_mangle)]
pub extern "C" fn main(_argc: c_int, _argv: *const *const c_char) -> c_int {
    let mut args = std::env::args_os();
    let argv0 = args.next().unwrap_or_default();
    let mut tool = file_name(&argv0);
    // Called as `gover-shim <tool> args…` (handy for tests and debugging).
    if tool == "gover-shim" {
        tool = args.next().map(|t| file_name(&t)).unwrap_or_default();
    }
    let (message, code) = run(&tool, args);
    eprintln!("gover: {message}");
    c_int::from(code)
}

/// Resolve and exec; returns only on failure, with the message and the exit code.
fn run(tool: &str, args: std::env::ArgsOs) -> (String, u8) {
    if tool.is_empty() {
        return ("usage: gover-shim <tool> [args…]".into(), exit::USAGE);
    }
    let depth: u32 = env::var(env::GOVER_SHIM_DEPTH)
        .and_then(|d| d.parse().ok())
        .unwrap_or(0);
    if depth >= MAX_DEPTH {
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
        Err(e) => return (e.to_string(), exit::FAILURE),
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
            return (format!("{e}; {hint}"), exit::NOT_FOUND);
        }
        Err(e) => {
            let hint = e.hint().map(|h| format!("; {h}")).unwrap_or_default();
            return (format!("{e}{hint}"), exit::FAILURE);
        }
    };
    let root = home.version_dir(&version);
    let exe = root.join("bin").join(tool);
    let mut command = Command::new(&exe);
    command
        .args(args)
        .env(env::GOROOT, &root)
        .env(env::GOVER_SHIM_DEPTH, (depth + 1).to_string());
    if std::env::var_os(env::GOTOOLCHAIN).is_none() {
        command.env(env::GOTOOLCHAIN, "local");
    }
    let err = command.exec();
    let code = if err.kind() == std::io::ErrorKind::NotFound {
        exit::NOT_FOUND
    } else {
        exit::CANNOT_EXECUTE
    };
    (
        format!("cannot run {} (Go {version}): {err}", exe.display()),
        code,
    )
}

/// `gover install <spec>` with the `gover` beside this executable. Its messages and progress
/// go to stderr (its stdout too, so the tool's own output stays clean); it takes the install
/// locks, so concurrent shims wait for one download.
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
