//! `gover prune`: find stale links, leftovers and (on request) old versions, as a plan of
//! [`Item`]s, then apply it. `--dry-run` prints the same plan and applies nothing, so what a
//! dry run prints is exactly what a real run does.
//!
//! - [`owned`] plans what gover owns under `$GOVER_HOME` (always safe to remove);
//! - [`system`] plans Go links and SDK dirs elsewhere (`--system`): links may be removed, real
//!   directories are only reported, with the command to remove them and the startup file line
//!   that puts them on PATH.
//!
//! Safety: nothing is removed through a symlink. A link is removed with `remove_file` (the link
//! itself); a real directory with `remove_dir_all`, which does not follow links inside the tree.

pub mod owned;
pub mod packages;
pub mod startup;
pub mod system;

use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::Error;
use crate::home::inventory;
use crate::home::{Home, HomeLock};
use crate::link;
use crate::version::GoVersion;

/// What kind of thing an item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// A `.go-version` record in `seen/` whose file is gone.
    SeenRecord,
    /// An entry of `shims/`.
    Shim,
    /// A staging dir left by an interrupted install (or uninstall).
    Staging,
    /// A `<file>.partial` left by an interrupted download.
    PartialDownload,
    /// A file of the store (`$GOVER_HOME/store`) no installed version links to.
    StoreEntry,
    /// A verified archive of a version that is not installed.
    CachedArchive,
    /// A dir under `versions/` that is not a complete install.
    BrokenInstall,
    /// An installed version removed by `--keep` or `--unused`.
    Version,
    /// The `current` link.
    Current,
    /// A link outside `$GOVER_HOME` (`--system`).
    SystemLink,
    /// A Go SDK dir or `go` executable gover did not install (`--system`): only reported.
    SystemSdk,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::SeenRecord => "seen-record",
            Kind::Shim => "shim",
            Kind::Staging => "staging",
            Kind::PartialDownload => "partial-download",
            Kind::StoreEntry => "store-entry",
            Kind::CachedArchive => "cached-archive",
            Kind::BrokenInstall => "broken-install",
            Kind::Version => "version",
            Kind::Current => "current",
            Kind::SystemLink => "system-link",
            Kind::SystemSdk => "system-sdk",
        }
    }
}

/// What prune does with an item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Delete the path: a link itself, a file, or a real directory tree.
    Remove,
    /// Delete the dir of this version the way `gover uninstall` does.
    RemoveVersion(GoVersion),
    /// Point the link at this target instead.
    Repoint(PathBuf),
    /// Change nothing; tell the user what to do.
    Report,
}

impl Action {
    fn name(&self) -> &'static str {
        match self {
            Action::Remove | Action::RemoveVersion(_) => "remove",
            Action::Repoint(_) => "repoint",
            Action::Report => "report",
        }
    }
}

/// A line of a startup file that mentions a path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StartupLine {
    pub file: PathBuf,
    pub line: usize,
    pub text: String,
}

/// One thing prune found, and what it does about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub path: PathBuf,
    pub kind: Kind,
    pub action: Action,
    pub reason: String,
    /// For reported items: the command that would remove it.
    pub command: Option<String>,
    /// For system items: the startup file lines that mention it.
    pub startup: Vec<StartupLine>,
}

impl Item {
    pub fn new(path: impl Into<PathBuf>, kind: Kind, action: Action, reason: String) -> Item {
        Item {
            path: path.into(),
            kind,
            action,
            reason,
            command: None,
            startup: Vec::new(),
        }
    }

    /// Whether applying it changes something outside `$GOVER_HOME` (and so needs consent).
    pub fn needs_consent(&self) -> bool {
        self.kind == Kind::SystemLink && self.action != Action::Report
    }
}

/// The item as printed: the first line, then indented advice lines.
impl fmt::Display for Item {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} {}",
            self.action.name(),
            self.kind.name(),
            self.path.display()
        )?;
        if let Action::Repoint(target) = &self.action {
            write!(f, " -> {}", target.display())?;
        }
        write!(f, ": {}", self.reason)?;
        if let Some(command) = &self.command {
            write!(f, "\n  to remove it: {command}")?;
        }
        for line in &self.startup {
            write!(
                f,
                "\n  mentioned in {}:{}: {}",
                line.file.display(),
                line.line,
                line.text
            )?;
        }
        Ok(())
    }
}

/// What to look for.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Remove installed versions beyond the N newest.
    pub keep: Option<usize>,
    /// Remove versions no default, active or recorded `.go-version` asks for.
    pub unused: bool,
    /// Also look outside `$GOVER_HOME`.
    pub system: bool,
    /// Remove every cached archive, also those kept for installed versions.
    pub archives: bool,
    /// The directory whose active version is protected.
    pub cwd: PathBuf,
    /// Plan only: create nothing, not even lock files (a lock file that does not exist is
    /// held by no one).
    pub dry_run: bool,
}

/// A plan, with the locks that keep it true until it is applied.
pub struct Plan {
    pub items: Vec<Item>,
    /// Things prune left alone and why (e.g. an install in progress), for stderr.
    pub notes: Vec<String>,
    _locks: Vec<HomeLock>,
}

/// Build the plan. Takes the version locks of the leftovers it lists (without waiting: what a
/// running install holds is skipped) and then the home lock, in the order `install` takes them.
pub fn plan(home: &Home, opts: &Options) -> Result<Plan, Error> {
    let mut plan = Plan {
        items: Vec::new(),
        notes: Vec::new(),
        _locks: Vec::new(),
    };
    if home.root().is_dir() {
        let (items, notes, locks) = owned::plan(home, opts)?;
        plan.items = items;
        plan.notes = notes;
        plan._locks = locks;
    }
    if opts.system {
        let env = system::SystemEnv::from_env(home);
        plan.notes.extend(system::relative_entries(&env));
        plan.items.extend(system::plan(&env));
    }
    Ok(plan)
}

/// Apply one item. `Report` items change nothing.
pub fn apply(home: &Home, item: &Item) -> Result<(), Error> {
    match &item.action {
        Action::Remove => remove_path(&item.path).map_err(Error::io("cannot remove", &item.path)),
        Action::RemoveVersion(v) => Ok(inventory::remove_version(home, v)?),
        Action::Repoint(target) => link::replace_symlink(target, &item.path)
            .map_err(Error::io("cannot repoint", &item.path)),
        Action::Report => Ok(()),
    }
}

/// Remove `path` without following it: a link (or file) is unlinked, a real directory is
/// deleted as a tree whose inner links are unlinked, never followed. Already gone is fine.
pub fn remove_path(path: &Path) -> io::Result<()> {
    let meta = match fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    let result = if meta.is_dir() {
        fs::remove_dir_all(path)
    } else {
        fs::remove_file(path)
    };
    match result {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn removing_a_tree_never_follows_links_inside_it() {
        let tmp = tempfile::tempdir().unwrap();
        let user = tmp.path().join("user");
        fs::create_dir(&user).unwrap();
        fs::write(user.join("precious"), "keep").unwrap();
        let tree = tmp.path().join("tree");
        fs::create_dir_all(tree.join("bin")).unwrap();
        symlink(&user, tree.join("bin/link-to-user")).unwrap();
        symlink(user.join("precious"), tree.join("file-link")).unwrap();
        remove_path(&tree).unwrap();
        assert!(!tree.exists());
        assert_eq!(fs::read_to_string(user.join("precious")).unwrap(), "keep");
    }

    #[test]
    fn removing_a_link_to_a_dir_removes_only_the_link() {
        let tmp = tempfile::tempdir().unwrap();
        let user = tmp.path().join("user");
        fs::create_dir(&user).unwrap();
        fs::write(user.join("precious"), "keep").unwrap();
        let link = tmp.path().join("go");
        symlink(&user, &link).unwrap();
        remove_path(&link).unwrap();
        assert!(fs::symlink_metadata(&link).is_err());
        assert_eq!(fs::read_to_string(user.join("precious")).unwrap(), "keep");
        // Gone already: not an error.
        remove_path(&link).unwrap();
    }

    #[test]
    fn an_item_prints_its_action_kind_path_and_advice() {
        let mut item = Item::new(
            "/r/usr/local/go",
            Kind::SystemSdk,
            Action::Report,
            "a Go SDK gover did not install".into(),
        );
        item.command = Some("rm -rf /r/usr/local/go".into());
        item.startup.push(StartupLine {
            file: "/h/.profile".into(),
            line: 3,
            text: "export PATH=$PATH:/r/usr/local/go/bin".into(),
        });
        assert_eq!(
            item.to_string(),
            "report system-sdk /r/usr/local/go: a Go SDK gover did not install\n  \
             to remove it: rm -rf /r/usr/local/go\n  \
             mentioned in /h/.profile:3: export PATH=$PATH:/r/usr/local/go/bin"
        );
        let repoint = Item::new(
            "/h/current",
            Kind::Current,
            Action::Repoint("versions/1.22.5".into()),
            "why".into(),
        );
        assert_eq!(
            repoint.to_string(),
            "repoint current /h/current -> versions/1.22.5: why"
        );
    }
}
