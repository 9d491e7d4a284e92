//! Really running the installed shells in each startup mode to see which `go` they find.
//!
//! Shells that read startup files run with this process's environment minus the shims dir (and
//! minus empty, `.` and relative entries, so no startup command runs from the current
//! directory) on PATH, so only their startup files can put it back: that is what a new terminal, an IDE or
//! a service gets. `bash -c` reads no startup file (only `$BASH_ENV`), so it runs with this
//! process's PATH unchanged: it shows what scripts, cron-like jobs and `bash -c` launched from
//! here inherit.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

pub use crate::process::output_with_timeout;

use crate::shell::{Shell, UserDirs, bash};

/// How long one shell may take to start and answer.
pub const TIMEOUT: Duration = Duration::from_secs(10);

const MARK: &str = "@gover-probe@";
const END: &str = "@gover-probe-end@";

/// One way a shell can start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mode {
    pub shell: Shell,
    /// As people type it: `bash -lc`.
    pub label: &'static str,
    pub flags: &'static [&'static str],
    /// Reads no startup file: it inherits PATH from its parent.
    pub inherits: bool,
}

pub const MODES: &[Mode] = &[
    Mode {
        shell: Shell::Bash,
        label: "bash -lc",
        flags: &["-l", "-c"],
        inherits: false,
    },
    Mode {
        shell: Shell::Bash,
        label: "bash -ic",
        flags: &["-i", "-c"],
        inherits: false,
    },
    Mode {
        shell: Shell::Bash,
        label: "bash -c",
        flags: &["-c"],
        inherits: true,
    },
    Mode {
        shell: Shell::Zsh,
        label: "zsh -c",
        flags: &["-c"],
        inherits: false,
    },
    Mode {
        shell: Shell::Zsh,
        label: "zsh -lic",
        flags: &["-l", "-i", "-c"],
        inherits: false,
    },
    Mode {
        shell: Shell::Fish,
        label: "fish -c",
        flags: &["-c"],
        inherits: false,
    },
    Mode {
        shell: Shell::Sh,
        label: "sh -lc",
        flags: &["-l", "-c"],
        inherits: false,
    },
];

impl Mode {
    /// The user files this mode reads that gover's block belongs in.
    pub fn setup_files(&self, dirs: &UserDirs) -> Vec<PathBuf> {
        let zdot = std::env::var_os("ZDOTDIR")
            .map(PathBuf::from)
            .filter(|d| d.is_absolute())
            .unwrap_or_else(|| dirs.home.clone());
        match self.label {
            "bash -lc" => vec![bash::login_file(dirs)],
            "bash -ic" => vec![dirs.home.join(".bashrc")],
            "zsh -c" => vec![zdot.join(".zshenv")],
            "zsh -lic" => vec![zdot.join(".zshenv"), zdot.join(".zshrc")],
            "fish -c" => vec![dirs.config.join("fish/conf.d/gover.fish")],
            "sh -lc" => vec![dirs.home.join(".profile")],
            _ => Vec::new(),
        }
    }

    /// Every user and system file this mode reads, in the order the shell reads them.
    pub fn reads(&self, dirs: &UserDirs) -> Vec<PathBuf> {
        let h = |n: &str| dirs.home.join(n);
        let zdot = std::env::var_os("ZDOTDIR")
            .map(PathBuf::from)
            .filter(|d| d.is_absolute())
            .unwrap_or_else(|| dirs.home.clone());
        let z = |n: &str| zdot.join(n);
        let p = |s: &str| PathBuf::from(s);
        let mut files = match self.label {
            "bash -lc" => {
                let mut v = vec![p("/etc/profile")];
                v.extend(profile_d());
                v.push(bash::login_file(dirs));
                v
            }
            "bash -ic" => vec![p("/etc/bash.bashrc"), h(".bashrc")],
            "zsh -c" => vec![p("/etc/zsh/zshenv"), p("/etc/zshenv"), z(".zshenv")],
            "zsh -lic" => vec![
                p("/etc/zsh/zshenv"),
                p("/etc/zshenv"),
                z(".zshenv"),
                p("/etc/zsh/zprofile"),
                p("/etc/zprofile"),
                z(".zprofile"),
                p("/etc/zsh/zshrc"),
                p("/etc/zshrc"),
                z(".zshrc"),
                p("/etc/zsh/zlogin"),
                p("/etc/zlogin"),
                z(".zlogin"),
            ],
            "fish -c" => {
                let mut v = fish_conf_d(Path::new("/etc/fish/conf.d"));
                v.extend(fish_conf_d(&dirs.config.join("fish/conf.d")));
                v.push(p("/etc/fish/config.fish"));
                v.push(dirs.config.join("fish/config.fish"));
                v
            }
            "sh -lc" => {
                let mut v = vec![p("/etc/profile")];
                v.extend(profile_d());
                v.push(h(".profile"));
                v
            }
            _ => Vec::new(),
        };
        files.retain(|f| f.is_file());
        files
    }
}

fn profile_d() -> Vec<PathBuf> {
    sorted_with_ext(Path::new("/etc/profile.d"), "sh")
}

fn fish_conf_d(dir: &Path) -> Vec<PathBuf> {
    sorted_with_ext(dir, "fish")
}

pub fn sorted_with_ext(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    v.sort();
    v
}

/// What one mode did.
#[derive(Debug, Clone)]
pub struct Probe {
    pub mode: Mode,
    pub program: PathBuf,
    pub outcome: Outcome,
}

#[derive(Debug, Clone)]
pub enum Outcome {
    /// The shell started and answered: `go` is what `command -v go` printed (None: not found),
    /// `goroot` and `gotoolchain` what its startup files left in GOROOT and GOTOOLCHAIN
    /// (None: unset or empty).
    Ran {
        go: Option<String>,
        path: String,
        goroot: Option<String>,
        gotoolchain: Option<String>,
    },
    TimedOut,
    Failed(String),
}

/// Run every installed mode, in parallel, each with [`TIMEOUT`].
pub fn run_all(shims: &Path) -> Vec<Probe> {
    let inherited = std::env::var("PATH").unwrap_or_default();
    // Startup files run commands; none of them may come from the current directory (an empty,
    // `.` or relative entry), so those entries are left out along with the shims.
    let base: Vec<&str> = inherited
        .split(':')
        .filter(|e| Path::new(e) != shims && Path::new(e).is_absolute())
        .collect();
    let base = base.join(":");
    let handles: Vec<_> = MODES
        .iter()
        .filter_map(|mode| {
            let program = mode.shell.program()?;
            let path = if mode.inherits {
                inherited.clone()
            } else {
                base.clone()
            };
            Some(std::thread::spawn(move || Probe {
                outcome: run_one(&program, mode, &path),
                mode: *mode,
                program,
            }))
        })
        .collect();
    handles.into_iter().filter_map(|h| h.join().ok()).collect()
}

fn run_one(program: &Path, mode: &Mode, path: &str) -> Outcome {
    // printf, not echo: the same line works in every shell, fish included. GOROOT as fish
    // spells it, else in the form `set -u` in a startup file does not trip on.
    let var = |name: &str| {
        if mode.shell == Shell::Fish {
            format!("\"${name}\"")
        } else {
            format!("\"${{{name}-}}\"")
        }
    };
    let script = format!(
        "printf '\\n{MARK}%s\\n%s\\n%s\\n' \"$PATH\" {} {}; command -v go; printf '{END}\\n'",
        var("GOROOT"),
        var("GOTOOLCHAIN")
    );
    let mut cmd = Command::new(program);
    cmd.args(mode.flags).arg(&script).env("PATH", path);
    match output_with_timeout(cmd, TIMEOUT) {
        Ok(Some(stdout)) => parse(&stdout),
        Ok(None) => Outcome::TimedOut,
        Err(e) => Outcome::Failed(e.to_string()),
    }
}

fn parse(stdout: &str) -> Outcome {
    let Some((_, after)) = stdout.rsplit_once(MARK) else {
        return Outcome::Failed("the shell printed no answer".into());
    };
    let mut lines = after.lines();
    let path = lines.next().unwrap_or_default().to_string();
    let mut value = || {
        lines
            .next()
            .map(str::trim)
            .filter(|g| !g.is_empty())
            .map(str::to_string)
    };
    let goroot = value();
    let gotoolchain = value();
    let go = lines
        .take_while(|l| *l != END)
        .find(|l| !l.trim().is_empty())
        .map(|l| l.trim().to_string());
    Outcome::Ran {
        go,
        path,
        goroot,
        gotoolchain,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_answer_is_found_after_startup_noise() {
        let out = format!("welcome!\n{MARK}/a:/b\n/r\nauto\n/a/go\n{END}\n");
        match parse(&out) {
            Outcome::Ran {
                go,
                path,
                goroot,
                gotoolchain,
            } => {
                assert_eq!(go.as_deref(), Some("/a/go"));
                assert_eq!(path, "/a:/b");
                assert_eq!(goroot.as_deref(), Some("/r"));
                assert_eq!(gotoolchain.as_deref(), Some("auto"));
            }
            other => panic!("{other:?}"),
        }
        match parse(&format!("{MARK}/a\n\n\n{END}\n")) {
            Outcome::Ran { go, goroot, .. } => assert_eq!((go, goroot), (None, None)),
            other => panic!("{other:?}"),
        }
    }
}
