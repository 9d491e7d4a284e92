//! Go trees that are already on the machine, registered as installed versions without copying
//! them: `versions/<v>` becomes a link to the tree (`gover import`), and where such trees
//! usually live (`gover import --scan`).
//!
//! gover never writes into, moves or deletes an imported tree: uninstall removes the link
//! ([`crate::home::inventory::remove_version`] never follows it) and prune counts a link as installed
//! and never removes it while it resolves.

use std::fs;
use std::io::{BufRead, BufReader, Read};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

pub mod error;

use crate::error::Error;
use crate::home::Home;
use crate::home::inventory;
use crate::version::GoVersion;
pub use error::ImportError;

/// A Go tree found on disk: its canonical path and the release its `VERSION` names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tree {
    pub path: PathBuf,
    pub version: GoVersion,
}

/// What importing a tree did.
#[derive(Debug, PartialEq, Eq)]
pub enum Imported {
    /// `versions/<v>` now links to the tree.
    Linked,
    /// It already did.
    Already,
}

/// Check that `dir` is a Go tree (`VERSION` naming a release, an executable `bin/go`,
/// `pkg/tool/`), outside GOVER_HOME. The path is made canonical: the link records where the
/// tree really is, not a link (like `/usr/local/go`) that may later point elsewhere.
pub fn inspect(home: &Home, dir: &Path) -> Result<Tree, ImportError> {
    let not = |reason: String| ImportError::NotATree {
        path: dir.to_path_buf(),
        reason,
    };
    let path = fs::canonicalize(dir).map_err(|e| not(e.to_string()))?;
    if let Ok(root) = fs::canonicalize(home.root())
        && path.starts_with(&root)
    {
        return Err(ImportError::InsideHome {
            path,
            home: home.root().to_path_buf(),
        });
    }
    if !path.is_dir() {
        return Err(not("not a directory".into()));
    }
    let go = path.join("bin/go");
    let exec = fs::metadata(&go)
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false);
    if !exec {
        return Err(not("no executable bin/go".into()));
    }
    if !path.join("pkg/tool").is_dir() {
        return Err(not("no pkg/tool directory".into()));
    }
    let first = version_line(&path).map_err(|e| not(format!("VERSION: {e}")))?;
    let version = release_of(&first)
        .ok_or_else(|| not(format!("VERSION says `{first}`, not a Go release")))?;
    Ok(Tree { path, version })
}

/// The first line of `<tree>/VERSION` (a VERSION file is one short line plus build metadata;
/// no more than 256 bytes are read).
fn version_line(tree: &Path) -> std::io::Result<String> {
    let file = fs::File::open(tree.join("VERSION"))?;
    let mut first = String::new();
    let _ = BufReader::new(file.take(256)).read_line(&mut first);
    Ok(first.trim_end().to_string())
}

fn release_of(line: &str) -> Option<GoVersion> {
    line.strip_prefix("go")
        .and_then(|v| GoVersion::parse(v).ok())
}

/// An imported version whose tree no longer is that version: upgraded or replaced in place
/// (`apt upgrade`, `rm -rf /usr/local/go && tar x`), so `go` there runs another release.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drift {
    pub tree: PathBuf,
    /// The first line of its `VERSION` now; `None` when there is none (removed, half replaced).
    pub now: Option<String>,
}

/// [`Drift`] of imported version `v`, read again from its tree's `VERSION`; `None` when `v` is
/// not imported or its tree still says `v`.
pub fn drift(home: &Home, v: &GoVersion) -> Option<Drift> {
    let tree = inventory::imported_from(home, v)?;
    let now = version_line(&tree).ok();
    if now.as_deref().and_then(release_of).as_ref() == Some(v) {
        return None;
    }
    Some(Drift { tree, now })
}

impl Drift {
    /// One line for people: what the tree holds now, for imported version `v`.
    pub fn describe(&self, v: &GoVersion) -> String {
        let tree = self.tree.display();
        match &self.now {
            Some(now) => format!(
                "Go {v} was imported from {tree}, whose VERSION now says `{}`: the tree was \
                 upgraded or replaced in place",
                crate::output::text::printable(now)
            ),
            None => format!(
                "Go {v} was imported from {tree}, which has no VERSION any more: the tree was \
                 removed or is being replaced"
            ),
        }
    }

    /// The fix: import the tree again (it is then registered under what it holds, and the
    /// stale name is dropped).
    pub fn fix(&self) -> String {
        format!("gover import {}", self.tree.display())
    }
}

/// Link `versions/<v>` to `tree`, under the home lock. Never replaces anything: a version of
/// that name already there (installed, or imported from elsewhere) is an error.
pub fn link(home: &Home, tree: &Tree) -> Result<Imported, Error> {
    let _lock = home.lock()?;
    let dest = home.version_dir(&tree.version);
    if fs::symlink_metadata(&dest).is_ok() {
        if inventory::imported_from(home, &tree.version).as_deref() == Some(tree.path.as_path()) {
            return Ok(Imported::Already);
        }
        return Err(ImportError::Taken {
            version: tree.version.to_string(),
            path: fs::read_link(&dest).unwrap_or(dest),
        }
        .into());
    }
    home.ensure_dir(&home.versions_dir())?;
    // symlink(2) creates the name or fails: no moment with a half-made version.
    std::os::unix::fs::symlink(&tree.path, &dest).map_err(Error::io("cannot create", &dest))?;
    Ok(Imported::Linked)
}

/// Where Go trees usually are, for `gover import --scan`: `/usr/local/go` and
/// `/usr/local/go*`, Debian's `/usr/lib/go-1.NN` and `/usr/lib/go`, `/opt/go`, goenv, asdf,
/// mise and g version dirs, golang.org/dl's `~/sdk/go*`, and toolchains `go` downloaded into
/// the module cache. System paths are under `root` (`/` except in tests).
pub fn scan(
    home: &Home,
    root: &Path,
    user_home: Option<&Path>,
    gomodcache: Option<&Path>,
) -> Vec<Tree> {
    let mut dirs: Vec<PathBuf> = Vec::new();
    let children = |dir: PathBuf, prefix: &str| -> Vec<PathBuf> {
        let mut found: Vec<PathBuf> = fs::read_dir(&dir)
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().starts_with(prefix))
            .map(|e| e.path())
            .collect();
        found.sort();
        found
    };
    dirs.extend(children(root.join("usr/local"), "go"));
    dirs.extend(children(root.join("usr/lib"), "go"));
    dirs.push(root.join("opt/go"));
    if let Some(h) = user_home {
        dirs.extend(children(h.join(".goenv/versions"), ""));
        dirs.extend(children(h.join(".asdf/installs/golang"), ""));
        dirs.extend(children(h.join(".local/share/mise/installs/go"), ""));
        dirs.extend(children(h.join(".g/versions"), ""));
        dirs.extend(children(h.join("sdk"), "go"));
    }
    if let Some(cache) = gomodcache {
        dirs.extend(children(cache.join("golang.org"), "toolchain@"));
    }
    let mut trees: Vec<Tree> = Vec::new();
    for dir in dirs {
        // asdf and some tarball layouts keep the tree one level down, in `go/`.
        for candidate in [dir.join("go"), dir] {
            if let Ok(tree) = inspect(home, &candidate)
                && !trees.iter().any(|t| t.path == tree.path)
            {
                trees.push(tree);
                break;
            }
        }
    }
    trees
}
