//! Running a command with a real pseudo-terminal as its stdin, stdout and stderr (and
//! controlling terminal), through util-linux's `script -qec CMD /dev/null`: what a person at a
//! terminal gets. The terminal turns `\n` into `\r\n`; [`plain`] undoes that and strips ANSI.

use std::path::Path;

use super::context::{Run, TestContext, gover_exe};

/// `'…'` quoting for the `sh -c` line `script` runs.
fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// The `sh -c` line that runs `program ARGS…`.
pub fn command_line(program: &Path, args: &[&str]) -> String {
    std::iter::once(program.display().to_string())
        .chain(args.iter().map(|a| a.to_string()))
        .map(|a| quote(&a))
        .collect::<Vec<_>>()
        .join(" ")
}

/// `gover ARGS…` on a pseudo-terminal, with `path` as PATH (not yet run). `script -e` exits
/// with gover's status.
pub fn gover_on_terminal(ctx: &TestContext, args: &[&str], path: &str) -> Run {
    ctx.command("/usr/bin/script")
        .args([
            "-q",
            "-e",
            "-c",
            &command_line(&gover_exe(), args),
            "/dev/null",
        ])
        // `script` runs the line with $SHELL; the sandbox has none, so it is /bin/sh either way.
        .env("SHELL", "/bin/sh")
        .env("PATH", path)
}

/// Terminal output as text: `\r\n` → `\n`, ANSI escapes (`ESC [ … m`) removed.
pub fn plain(text: &str) -> String {
    strip_ansi(&text.replace("\r\n", "\n"))
}

/// `text` without its `ESC [ … <letter>` sequences.
pub fn strip_ansi(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\x1b' && chars.peek() == Some(&'[') {
            chars.next();
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}
