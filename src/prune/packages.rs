//! Which package manager owns a path outside `$GOVER_HOME` (`dpkg -S`, `rpm -qf`, Homebrew's
//! Cellar), and the command that removes that package. A dir a package manager installed is
//! not gover's (or `rm`'s) to delete: the package manager's database would still list it.

use std::path::{Component, Path};
use std::process::Command;
use std::time::Duration;

/// The package that owns a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owner {
    /// `the Debian package golang-1.21-go`, for the report.
    pub described: String,
    /// What removes it: `sudo apt-get remove golang-1.21-go`.
    pub remove: String,
}

/// How long a package database query may take.
const TIMEOUT: Duration = Duration::from_secs(5);

/// The package owning `path`, if a package manager on this machine knows one. For a link, the
/// link itself is asked about (dpkg and rpm record links they install); Homebrew's links into
/// its Cellar count as the formula's.
pub fn owner(path: &Path) -> Option<Owner> {
    homebrew(path).or_else(|| dpkg(path)).or_else(|| rpm(path))
}

/// `<prefix>/Cellar/<formula>/<version>/…` (the path itself or where its links lead).
fn homebrew(path: &Path) -> Option<Owner> {
    let real = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let parts: Vec<Component> = real.components().collect();
    let at = parts.iter().position(|c| c.as_os_str() == "Cellar")?;
    let formula = parts.get(at + 1)?.as_os_str().to_str()?.to_string();
    Some(Owner {
        described: format!("the Homebrew formula {formula}"),
        remove: format!("brew uninstall {formula}"),
    })
}

fn dpkg(path: &Path) -> Option<Owner> {
    let package = query("/usr/bin/dpkg-query", &["-S"], path, |out| {
        // `golang-1.21-go: /usr/lib/go-1.21` (several owners: `a, b: /path`).
        let (names, _) = out.lines().next()?.split_once(": ")?;
        names.split(", ").next().map(str::to_string)
    })?;
    let sudo = sudo();
    let remove = if Path::new("/usr/bin/apt-get").is_file() {
        format!("{sudo}apt-get remove {package}")
    } else {
        format!("{sudo}dpkg -r {package}")
    };
    Some(Owner {
        described: format!("the Debian package {package}"),
        remove,
    })
}

fn rpm(path: &Path) -> Option<Owner> {
    let package = query(
        "/usr/bin/rpm",
        &["-qf", "--queryformat", "%{NAME}\\n"],
        path,
        |out| out.lines().next().map(str::to_string),
    )?;
    let remove = ["dnf", "yum", "zypper"]
        .iter()
        .find(|m| Path::new("/usr/bin").join(m).is_file())
        .map(|m| format!("{}{m} remove {package}", sudo()))
        .unwrap_or_else(|| format!("{}rpm -e {package}", sudo()));
    Some(Owner {
        described: format!("the RPM package {package}"),
        remove,
    })
}

/// `sudo ` unless gover runs as root: package managers need root to remove anything.
fn sudo() -> &'static str {
    // SAFETY: geteuid(2) has no preconditions and cannot fail.
    if unsafe { libc::geteuid() } == 0 {
        ""
    } else {
        "sudo "
    }
}

/// Run `program args… path` (an absolute program, never one found on PATH) and parse the
/// package name out of its output. A name with anything but the characters package names use
/// (`file … is not owned by any package`, say) is no answer.
fn query(
    program: &str,
    args: &[&str],
    path: &Path,
    parse: impl Fn(&str) -> Option<String>,
) -> Option<String> {
    // dpkg treats `*?[\` as a glob pattern: such a path cannot be asked about exactly.
    let text = path.to_str()?;
    if !Path::new(program).is_file() || text.contains(['*', '?', '[', '\\']) {
        return None;
    }
    let mut cmd = Command::new(program);
    cmd.args(args).arg(path).env("LC_ALL", "C");
    let out = crate::process::output_with_timeout(cmd, TIMEOUT).ok()??;
    parse(&out).filter(|name| {
        !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-._:".contains(c))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cellar_path_names_its_formula() {
        let owner = homebrew(Path::new("/opt/homebrew/Cellar/go/1.22.5/libexec")).unwrap();
        assert_eq!(owner.remove, "brew uninstall go");
        assert_eq!(homebrew(Path::new("/usr/local/go-not-brew")), None);
    }
}
