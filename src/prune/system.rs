//! `gover prune --system`: Go links and SDK dirs outside `$GOVER_HOME` that shadow or collide
//! with the gover shims, found on PATH and in the usual places:
//! `/usr/local/go`, `/usr/local/go*/`, `/usr/local/bin/go`, `/opt/homebrew/bin/go` (Homebrew on
//! Apple Silicon; on Intel Macs it is `/usr/local/bin`), `/usr/bin/go`, `~/go/bin/go` (and
//! `gofmt` beside each `go`).
//!
//! Dangling links and links into a Go SDK gover does not manage are planned for removal (the
//! command asks for consent). Real directories and files are never removed: they are reported
//! with the command that would remove them and the startup file lines that mention them.

use std::ffi::CString;
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use super::{Action, Item, Kind, startup};
use crate::env;
use crate::home::shims::SHIM_EXE;
use crate::home::{Home, SHIMMED_TOOLS};

/// Where to look: the filesystem root, the user's home, PATH and gover's own dirs.
#[derive(Debug, Clone)]
pub struct SystemEnv {
    /// `/`, or `GOVER_SYSTEM_ROOT` (tests).
    pub root: PathBuf,
    pub home_dir: Option<PathBuf>,
    pub path: Vec<PathBuf>,
    pub gover_home: PathBuf,
    pub shims_dir: PathBuf,
}

impl SystemEnv {
    pub fn from_env(home: &Home) -> SystemEnv {
        SystemEnv {
            root: env::var(env::GOVER_SYSTEM_ROOT)
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from("/")),
            home_dir: std::env::var_os("HOME")
                .filter(|h| !h.is_empty())
                .map(PathBuf::from),
            path: std::env::var_os("PATH")
                .map(|p| std::env::split_paths(&p).collect())
                .unwrap_or_default(),
            gover_home: home.root().to_path_buf(),
            shims_dir: home.shims_dir(),
        }
    }
}

/// One note per empty or relative PATH entry: prune does not look there.
pub fn relative_entries(env: &SystemEnv) -> Vec<String> {
    env.path
        .iter()
        .enumerate()
        .filter(|(_, d)| !d.is_absolute())
        .map(|(i, d)| {
            let shown = if d.as_os_str().is_empty() {
                "an empty entry".to_string()
            } else {
                format!("`{}`", d.display())
            };
            format!(
                "PATH entry #{} is {shown}, which means the current directory: not searched, \
                 nothing in it is removed; take it off PATH",
                i + 1
            )
        })
        .collect()
}

pub fn plan(env: &SystemEnv) -> Vec<Item> {
    let files = startup::files(env.home_dir.as_deref(), &env.root.join("etc"));
    let gover_home = fs::canonicalize(&env.gover_home).unwrap_or_else(|_| env.gover_home.clone());
    let mut items: Vec<Item> = Vec::new();
    for (candidate, is_exe) in candidates(env) {
        let Some(mut item) = classify(env, &gover_home, &candidate, is_exe) else {
            continue;
        };
        if items.iter().any(|i| i.path == item.path) {
            continue;
        }
        item.startup = startup::mentions(&files, &item.path, env.home_dir.as_deref());
        items.push(item);
    }
    items
}

/// Paths to look at, in order, without duplicates, each with whether it is an executable in a
/// bin dir (`…/bin/go`) rather than an SDK root (`/usr/local/go`).
fn candidates(env: &SystemEnv) -> Vec<(PathBuf, bool)> {
    let mut out: Vec<(PathBuf, bool)> = Vec::new();
    let shims = fs::canonicalize(&env.shims_dir).ok();
    for dir in &env.path {
        // Empty, `.` and relative entries name whatever the current directory holds: reported
        // (see [`relative_entries`]), never searched, so nothing there is ever removed.
        if !dir.is_absolute()
            || *dir == env.shims_dir
            || (shims.is_some() && fs::canonicalize(dir).ok() == shims)
        {
            continue;
        }
        out.extend(SHIMMED_TOOLS.iter().map(|t| (dir.join(t), true)));
        // `~/sdk/go/bin` on PATH through a link `~/sdk/go`: the link is the SDK root.
        if dir.file_name().is_some_and(|n| n == "bin")
            && let Some(root) = dir.parent()
            && root.parent().is_some()
        {
            out.push((root.to_path_buf(), false));
        }
    }
    let local = env.root.join("usr/local");
    out.push((local.join("go"), false));
    if let Ok(entries) = fs::read_dir(&local) {
        let mut names: Vec<_> = entries
            .filter_map(|e| e.ok())
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|n| looks_like_go_dir(n))
            .collect();
        names.sort();
        out.extend(names.into_iter().map(|n| (local.join(n), false)));
    }
    let mut bins = vec![
        local.join("bin"),
        env.root.join("opt/homebrew/bin"),
        env.root.join("usr/bin"),
    ];
    if let Some(home) = &env.home_dir {
        bins.push(home.join("go/bin"));
    }
    for bin in bins {
        out.extend(SHIMMED_TOOLS.iter().map(|t| (bin.join(t), true)));
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|(p, _)| seen.insert(p.clone()));
    out
}

/// A link that stands for a Go SDK root: its own name or its target's looks like a Go dir
/// (`/usr/local/go -> go1.21.0`, `~/sdk/go -> go1.18`). Shared with doctor's `stale-link`, so
/// what doctor reports as a stale Go link is what prune removes.
pub fn is_go_link(link: &Path, target: &Path) -> bool {
    [link.file_name(), target.file_name()]
        .into_iter()
        .flatten()
        .any(|n| n.to_str().is_some_and(looks_like_go_dir))
}

/// `go`, `go1.21`, `go-1.22`, `go1.22.5`: not `gopher` or `gover`.
pub fn looks_like_go_dir(name: &str) -> bool {
    name.strip_prefix("go").is_some_and(|rest| {
        rest.is_empty() || rest.starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '.')
    })
}

fn classify(env: &SystemEnv, gover_home: &Path, path: &Path, is_exe: bool) -> Option<Item> {
    let meta = fs::symlink_metadata(path).ok()?;
    if meta.file_type().is_symlink() {
        let target = fs::read_link(path).ok()?;
        // An SDK root found through PATH (`<root>/bin`) must be named like a Go dir, or link to
        // one: a dangling `~/.cargo` is not prune's to remove.
        if !is_exe && !is_go_link(path, &target) {
            return None;
        }
        let Ok(resolved) = fs::canonicalize(path) else {
            // `…/bin/go` puts its dir on PATH; `/usr/local/go` its `bin/`.
            let bin_dir = if is_exe {
                path.parent()?.to_path_buf()
            } else {
                path.join("bin")
            };
            let on_path = path_note(env, &bin_dir);
            return Some(Item::new(
                path,
                Kind::SystemLink,
                Action::Remove,
                format!("dangling link to {}; {on_path}", target.display()),
            ));
        };
        if resolved.starts_with(gover_home) || resolved.file_name().is_some_and(|n| n == SHIM_EXE) {
            return None;
        }
        // A link a package installed (Debian's /usr/bin/go -> ../lib/go/bin/go) is the
        // package's: reported with its remove command, never unlinked.
        if let Some(owner) = super::packages::owner(path) {
            return Some(package_report(env, path, &owner, is_exe));
        }
        let sdk = sdk_of(&resolved)?;
        let bin_dir = if resolved.is_dir() {
            path.join("bin")
        } else {
            path.parent()?.to_path_buf()
        };
        return Some(Item::new(
            path,
            Kind::SystemLink,
            Action::Remove,
            format!(
                "link into {}, a Go SDK gover does not manage; {}",
                sdk.display(),
                path_note(env, &bin_dir)
            ),
        ));
    }
    if meta.is_dir() {
        if !is_sdk(path) {
            return None;
        }
        return Some(sdk_report(env, path));
    }
    // A real `go` or `gofmt` file: part of an SDK (whose dir is what to report), or a
    // standalone copy.
    match sdk_of(path) {
        Some(sdk) => Some(sdk_report(env, &sdk)),
        None => {
            if let Some(owner) = super::packages::owner(path) {
                return Some(package_report(env, path, &owner, true));
            }
            let mut item = Item::new(
                path,
                Kind::SystemSdk,
                Action::Report,
                format!(
                    "a Go executable gover did not install; {}",
                    path_note(env, path.parent()?)
                ),
            );
            item.command = Some(format!("{}rm {}", sudo(path), shell_quote(path)));
            Some(item)
        }
    }
}

fn package_report(
    env: &SystemEnv,
    path: &Path,
    owner: &super::packages::Owner,
    is_exe: bool,
) -> Item {
    let on_path = if is_exe {
        path.parent().map(|p| path_note(env, p))
    } else {
        Some(path_note(env, &path.join("bin")))
    };
    let mut item = Item::new(
        path,
        Kind::SystemSdk,
        Action::Report,
        format!(
            "installed by {} (never removed by gover){}",
            owner.described,
            on_path.map(|n| format!("; {n}")).unwrap_or_default()
        ),
    );
    item.command = Some(owner.remove.clone());
    item
}

fn sdk_report(env: &SystemEnv, sdk: &Path) -> Item {
    if let Some(owner) = super::packages::owner(sdk) {
        return package_report(env, sdk, &owner, false);
    }
    let mut item = Item::new(
        sdk,
        Kind::SystemSdk,
        Action::Report,
        format!(
            "a Go SDK gover did not install (never removed by gover); {}",
            path_note(env, &sdk.join("bin"))
        ),
    );
    item.command = Some(format!("{}rm -rf {}", sudo(sdk), shell_quote(sdk)));
    item
}

/// A Go SDK root: `bin/go` plus the files of a release.
fn is_sdk(dir: &Path) -> bool {
    dir.join("bin/go").is_file()
        && (dir.join("VERSION").is_file()
            || dir.join("src/runtime").is_dir()
            || dir.join("pkg/tool").is_dir())
}

/// The SDK `path` belongs to: itself, or the SDK whose `bin/` holds it.
fn sdk_of(path: &Path) -> Option<PathBuf> {
    if path.is_dir() {
        return is_sdk(path).then(|| path.to_path_buf());
    }
    let bin = path.parent()?;
    let root = bin.parent()?;
    (bin.file_name()? == "bin" && is_sdk(root)).then(|| root.to_path_buf())
}

/// Where `dir` sits on PATH relative to gover's shims.
fn path_note(env: &SystemEnv, dir: &Path) -> String {
    let position = |wanted: &Path| {
        let canonical = fs::canonicalize(wanted).ok();
        env.path.iter().position(|p| {
            p == wanted || (canonical.is_some() && fs::canonicalize(p).ok() == canonical)
        })
    };
    let shown = dir.display();
    match (position(dir), position(&env.shims_dir)) {
        (None, _) => format!("{shown} is not on PATH"),
        (Some(_), None) => format!("{shown} is on PATH and gover's shims dir is not"),
        (Some(d), Some(s)) if d < s => {
            format!("{shown} is on PATH before gover's shims, so it shadows them")
        }
        (Some(_), Some(_)) => format!("{shown} is on PATH after gover's shims"),
    }
}

/// `sudo ` when the current user cannot change the dir holding `path`.
fn sudo(path: &Path) -> &'static str {
    let parent = path.parent().unwrap_or(Path::new("/"));
    let Ok(c) = CString::new(parent.as_os_str().as_bytes()) else {
        return "";
    };
    // SAFETY: `c` is a valid NUL-terminated string that outlives the call.
    let writable = unsafe { libc::access(c.as_ptr(), libc::W_OK) } == 0;
    if writable { "" } else { "sudo " }
}

/// `path` quoted for a POSIX shell when it needs it.
pub fn shell_quote(path: &Path) -> String {
    let s = path.to_string_lossy();
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+=:@%,".contains(c))
    {
        s.into_owned()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_dirs_are_recognized_by_name() {
        for name in ["go", "go1.21", "go-1.22", "go1.22.5"] {
            assert!(looks_like_go_dir(name), "{name}");
        }
        for name in ["gopher", "gover", "golang", "bin"] {
            assert!(!looks_like_go_dir(name), "{name}");
        }
    }

    #[test]
    fn quotes_only_what_needs_it() {
        assert_eq!(shell_quote(Path::new("/usr/local/go")), "/usr/local/go");
        assert_eq!(shell_quote(Path::new("/tmp/my go")), "'/tmp/my go'");
        assert_eq!(shell_quote(Path::new("/tmp/it's")), r"'/tmp/it'\''s'");
    }
}
