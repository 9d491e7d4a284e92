//! The shells gover integrates with, one file each behind [`Integration`]: how to quote a
//! word, the `gover env` snippet, the `gover setup` block, and which startup files get it.

pub mod bash;
pub mod block;
pub mod fish;
pub mod posix;
pub mod setup;
pub mod sh;
pub mod zsh;

use std::fmt;
use std::path::{Path, PathBuf};

use crate::home::HomeError;

/// A shell gover knows how to set up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    /// POSIX sh (dash, ash, ksh…): reads `~/.profile` as a login shell.
    Sh,
}

impl Shell {
    pub const ALL: [Shell; 4] = [Shell::Bash, Shell::Zsh, Shell::Fish, Shell::Sh];

    pub fn integration(self) -> &'static dyn Integration {
        match self {
            Shell::Bash => &bash::Bash,
            Shell::Zsh => &zsh::Zsh,
            Shell::Fish => &fish::Fish,
            Shell::Sh => &sh::Sh,
        }
    }

    pub fn name(self) -> &'static str {
        self.integration().name()
    }

    /// The shell a program path or name (`/bin/zsh`, `-bash`, `dash`) stands for; POSIX
    /// shells we have no file of their own for count as `sh`.
    pub fn from_program(program: &str) -> Option<Shell> {
        let name = Path::new(program.trim_start_matches('-'))
            .file_name()?
            .to_str()?;
        match name {
            "bash" => Some(Shell::Bash),
            "zsh" => Some(Shell::Zsh),
            "fish" => Some(Shell::Fish),
            "sh" | "dash" | "ash" | "ksh" | "mksh" | "posh" | "busybox" => Some(Shell::Sh),
            _ => None,
        }
    }

    /// The user's shell according to `$SHELL`, defaulting to POSIX sh.
    pub fn from_env() -> Shell {
        std::env::var("SHELL")
            .ok()
            .and_then(|s| Shell::from_program(&s))
            .unwrap_or(Shell::Sh)
    }

    /// The program that runs this shell, if it is installed (searched on PATH and in the usual
    /// system dirs, so a PATH that lost `/usr/bin` still finds it).
    pub fn program(self) -> Option<PathBuf> {
        let name = match self {
            Shell::Sh => "sh",
            other => other.name(),
        };
        find_program(name)
    }
}

impl fmt::Display for Shell {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// `name` on PATH, else in `/usr/local/bin`, `/usr/bin`, `/bin`.
pub fn find_program(name: &str) -> Option<PathBuf> {
    let path = std::env::var("PATH").unwrap_or_default();
    path.split(':')
        .filter(|d| d.starts_with('/'))
        .chain(["/usr/local/bin", "/usr/bin", "/bin"])
        .map(|d| Path::new(d).join(name))
        .find(|p| is_executable(p))
}

pub fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

/// Whose conventions the startup files follow: they differ between Linux and macOS (see
/// [`zsh`]). A value rather than a `cfg`, so the macOS choices are tested on Linux too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    Linux,
    /// macOS: `/etc/zprofile` runs `path_helper`, which moves `/etc/paths` and `/etc/paths.d`
    /// entries in front of what PATH held, in every login zsh (Terminal's shells included).
    MacOs,
}

impl Platform {
    /// The platform gover was built for (every Unix that is not macOS counts as Linux here).
    pub const fn current() -> Platform {
        if cfg!(target_os = "macos") {
            Platform::MacOs
        } else {
            Platform::Linux
        }
    }
}

/// The user's home and config dirs, from `$HOME` and `$XDG_CONFIG_HOME` (default `~/.config`).
#[derive(Debug, Clone)]
pub struct UserDirs {
    pub home: PathBuf,
    pub config: PathBuf,
    pub platform: Platform,
}

impl UserDirs {
    pub fn from_env() -> Result<UserDirs, HomeError> {
        let home = std::env::var_os("HOME")
            .filter(|h| !h.is_empty())
            .map(PathBuf::from)
            .ok_or(HomeError::NoHome)?;
        let config = std::env::var_os("XDG_CONFIG_HOME")
            .map(PathBuf::from)
            .filter(|c| c.is_absolute())
            .unwrap_or_else(|| home.join(".config"));
        Ok(UserDirs {
            home,
            config,
            platform: Platform::current(),
        })
    }

    /// `~/.config/environment.d/99-gover.conf`, read by systemd user services and most
    /// graphical sessions. systemd applies the files in name order, each seeing what the
    /// earlier ones set: `99-` makes gover's the last word on PATH.
    pub fn systemd_env_file(&self) -> PathBuf {
        self.config.join("environment.d").join("99-gover.conf")
    }

    /// Where older gover versions wrote the environment.d file (it sorted before most others,
    /// so a later file could put another Go first). `gover setup` moves the block out of it.
    pub fn old_systemd_env_file(&self) -> PathBuf {
        self.config.join("environment.d").join("gover.conf")
    }
}

/// A startup file `gover setup` writes, and which shells or modes read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartupFile {
    pub path: PathBuf,
    pub read_by: &'static str,
}

/// What one shell needs from gover.
///
/// The language methods default to POSIX sh; fish (and zsh's setup block) override them.
pub trait Integration: Sync {
    fn name(&self) -> &'static str;
    /// Code that sets PATH to exactly `entries`, for `gover env`.
    fn env_snippet(&self, entries: &[String]) -> String {
        posix::env_snippet(entries)
    }
    /// The code inside the setup block: puts `front` first (the shims, then gover's own dir
    /// when it needs a place), drops duplicate and empty entries, and appends the `system`
    /// dirs and then the Go user bin dir where PATH lacks them, without spawning any process.
    fn setup_body(&self, front: &Front, system: &[String]) -> String {
        posix::setup_body(front, system)
    }
    /// The files setup writes for this shell.
    fn startup_files(&self, dirs: &UserDirs) -> Vec<StartupFile>;
}

/// What the setup block puts at the front of PATH, in this order: the shims dir, then the
/// directory holding `gover` itself when it is not on PATH by other means (see
/// [`setup::gover_dir`]), so `gover` runs by name in every new shell too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Front {
    pub shims: PathBuf,
    pub gover_dir: Option<PathBuf>,
    /// Whether (and from where) the block appends the Go user bin dir PATH lacks.
    pub go_bin: GoBin,
}

/// The Go user bin dir the block appends when PATH lacks it (see [`setup::go_bin`]): `$GOBIN`
/// when set at shell start, else the first `$GOPATH` entry's `bin`, else what `go env GOPATH`
/// answered when setup ran (the go env file's, else Go's default `$HOME/go`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GoBin {
    /// Go's default, `$HOME/go/bin`, as the shell expands `$HOME`.
    Default,
    /// A dir the go env file names (`GOBIN`, or `GOPATH`'s first entry + `/bin`).
    Fixed(PathBuf),
    /// The user's own startup lines add it (in the order they chose): the block adds none,
    /// so it never goes in ahead of their other dirs or twice.
    Theirs,
}

impl Front {
    /// The entries, in order.
    pub fn entries(&self) -> Vec<String> {
        std::iter::once(&self.shims)
            .chain(self.gover_dir.as_ref())
            .map(|p| p.display().to_string())
            .collect()
    }
}

/// The variable the environment.d file sets to the PATH it produced. systemd runs the
/// generators again on every `daemon-reload`, feeding them the environment they produced last
/// time; environment.d has no way to ask whether PATH already holds a dir, so this marker is
/// how the file knows it has run and keeps PATH as it is instead of adding the shims again.
pub const SYSTEMD_MARKER: &str = "GOVER_SESSION_PATH";

/// The body of `~/.config/environment.d/99-gover.conf` (systemd's `KEY=VALUE` with `${VAR}`,
/// `${VAR:-default}` and `${VAR:+alternate}` expansion): the shims, then the PATH set before
/// it, or the `system` dirs when none is set, so the result never has an empty entry (the
/// current directory).
pub fn systemd_body(front: &Front, system: &[String]) -> String {
    let system = system.join(":");
    format!(
        "PATH=${{{SYSTEMD_MARKER}:-{}:${{PATH:-{system}}}}}\n{SYSTEMD_MARKER}=${{PATH}}\n",
        front.entries().join(":")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shells_are_recognised_from_their_program_names() {
        assert_eq!(Shell::from_program("/usr/bin/zsh"), Some(Shell::Zsh));
        assert_eq!(Shell::from_program("-bash"), Some(Shell::Bash));
        assert_eq!(Shell::from_program("/bin/dash"), Some(Shell::Sh));
        assert_eq!(
            Shell::from_program("/usr/local/bin/fish"),
            Some(Shell::Fish)
        );
        assert_eq!(Shell::from_program("/usr/bin/nu"), None);
    }
}
