//! `gover upgrade`: move installed minor lines (`1.22`) to their newest patch release in the
//! index. The plan is made first ([`plan`]) so `--dry-run` prints exactly what a real run does.
//!
//! A line's new release is installed through the install pipeline; `current` follows when it
//! was on that line; with `--prune` the older patch releases of the line go, except imported
//! trees (links gover does not own) and releases an exact `.go-version` pin still names. Such a
//! pin is reported, never rewritten: the file is the project's.

use std::path::PathBuf;

use crate::error::Error;
use crate::home::Home;
use crate::home::inventory;
use crate::resolve::seen;
use crate::resolve::version_file;
use crate::resolve::{self, Reason};
use crate::source::dist::{Access, Index};
use crate::version::{GoVersion, VersionRequest};

/// What upgrading one minor line does.
#[derive(Debug)]
pub struct LinePlan {
    pub line: (u64, u64),
    /// The newest installed release of the line before the upgrade.
    pub newest_installed: GoVersion,
    /// The release to install, when the index has a newer stable one; `None` when up to date.
    pub install: Option<GoVersion>,
    /// Whether `current` moves to the newest release of the line.
    pub repoint_default: Option<GoVersion>,
    /// Older releases of the line to remove (`--prune`).
    pub remove: Vec<GoVersion>,
    /// Older releases kept although `--prune` was given, and why.
    pub keep: Vec<(GoVersion, String)>,
    /// `.go-version` files that pin an older release of the line exactly.
    pub pins: Vec<(PathBuf, GoVersion)>,
}

impl LinePlan {
    pub fn line_name(&self) -> String {
        format!("{}.{}", self.line.0, self.line.1)
    }

    /// The newest release of the line once the plan is carried out.
    pub fn newest(&self) -> &GoVersion {
        self.install.as_ref().unwrap_or(&self.newest_installed)
    }
}

/// The installed minor lines, oldest first.
pub fn installed_lines(home: &Home) -> Vec<(u64, u64)> {
    let mut lines: Vec<(u64, u64)> = inventory::installed(home)
        .iter()
        .map(GoVersion::minor_line)
        .collect();
    lines.dedup();
    lines
}

/// Exact pins in `.go-version` files gover knows of: those it has resolved (`seen/`) and the
/// nearest one from `cwd`.
pub fn exact_pins(cwd: &std::path::Path, home: &Home) -> Vec<(PathBuf, GoVersion)> {
    // Module files are recorded too (for `prune --unused`); only version files are pins here.
    let mut files: Vec<PathBuf> = seen::entries(home)
        .into_iter()
        .map(|s| s.file)
        .filter(|f| {
            !matches!(
                f.file_name().and_then(|n| n.to_str()),
                Some("go.mod" | "go.work")
            )
        })
        .collect();
    if let Ok(Some(active)) = resolve::pinned(cwd)
        && let Reason::VersionFile(path) = active.source
        && !files.contains(&path)
    {
        files.push(path);
    }
    files
        .into_iter()
        .filter_map(|path| match version_file::read(&path).ok()?.request {
            VersionRequest::Exact(v) => Some((path, v)),
            _ => None,
        })
        .collect()
}

/// The plan for `line`: what to install, whether `current` follows, and with `prune` what
/// older releases go.
pub fn plan(
    home: &Home,
    index: &Index,
    line: (u64, u64),
    prune: bool,
    pins: &[(PathBuf, GoVersion)],
) -> Result<LinePlan, Error> {
    let installed: Vec<GoVersion> = inventory::installed(home)
        .into_iter()
        .filter(|v| v.minor_line() == line)
        .collect();
    let newest_installed = installed
        .last()
        .cloned()
        .ok_or_else(|| Error::NotInstalled {
            version: format!("{}.{}", line.0, line.1),
            hint: "`gover upgrade` moves installed minor lines; `gover install` adds one".into(),
        })?;
    let install = match index.resolve(&VersionRequest::Minor(line.0, line.1)) {
        Ok((v, _)) if v > newest_installed => Some(v),
        _ => None,
    };
    let newest = install.clone().unwrap_or_else(|| newest_installed.clone());
    let default = resolve::default_version(home)?;
    let repoint_default = default
        .as_ref()
        .filter(|d| d.minor_line() == line && **d < newest)
        .map(|_| newest.clone());
    let pins: Vec<(PathBuf, GoVersion)> = pins
        .iter()
        .filter(|(_, v)| v.minor_line() == line && *v < newest)
        .cloned()
        .collect();
    let mut remove = Vec::new();
    let mut keep = Vec::new();
    if prune {
        for v in installed.iter().filter(|v| **v < newest) {
            if inventory::imported_from(home, v).is_some() {
                keep.push((v.clone(), "imported (gover does not own the tree)".into()));
            } else if let Some((file, _)) = pins.iter().find(|(_, p)| p == v) {
                keep.push((v.clone(), format!("{} pins it", file.display())));
            } else if default.as_ref() == Some(v) && repoint_default.is_none() {
                keep.push((v.clone(), "the default".into()));
            } else {
                remove.push(v.clone());
            }
        }
    }
    Ok(LinePlan {
        line,
        newest_installed,
        install,
        repoint_default,
        remove,
        keep,
        pins,
    })
}

/// Carry out `plan`: install, repoint `current`, remove the old releases.
pub fn apply(home: &Home, plan: &LinePlan, access: &Access) -> Result<(), Error> {
    if let Some(v) = &plan.install {
        crate::install::install(home, &VersionRequest::Exact(v.clone()), access)?;
    }
    if let Some(v) = &plan.repoint_default {
        crate::install::set_default(home, v)?;
    }
    if !plan.remove.is_empty() {
        let _lock = home.lock()?;
        for v in &plan.remove {
            if !inventory::remove_unless_in_use(home, v)? {
                crate::note!(
                    "{}: left Go {v} alone: {}; `gover uninstall {v}` once it is done",
                    plan.line_name(),
                    inventory::IN_USE_NOTE
                );
            }
        }
    }
    Ok(())
}
