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
    let file = fs::File::open(path.join("VERSION")).map_err(|e| not(format!("VERSION: {e}")))?;
    let mut first = String::new();
    // A VERSION file is one short line (plus build metadata); read no further.
    let _ = BufReader::new(file.take(256)).read_line(&mut first);
    let first = first.trim_end();
    let version = first
        .strip_prefix("go")
        .and_then(|v| GoVersion::parse(v).ok())
        .ok_or_else(|| not(format!("VERSION says `{first}`, not a Go release")))?;
    Ok(Tree { path, version })
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
