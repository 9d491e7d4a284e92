//! The plan for what gover owns under `$GOVER_HOME`: records, shims, leftovers of interrupted
//! installs, cached archives, broken installs, old versions (`--keep`, `--unused`) and `current`.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use super::{Action, Item, Kind, Options};
use crate::error::Error;
use crate::home::inventory::{IN_USE_NOTE, UNINSTALL_PREFIX};
use crate::home::shims;
use crate::home::{Home, HomeLock, SHIMMED_TOOLS};
use crate::resolve;
use crate::resolve::seen;
use crate::version::GoVersion;

/// Items, notes, and the locks held while they stay true.
pub type Owned = (Vec<Item>, Vec<String>, Vec<HomeLock>);

pub fn plan(home: &Home, opts: &Options) -> Result<Owned, Error> {
    let mut notes = Vec::new();

    // Leftovers of installs belong to a version; take that version's lock (as install does)
    // without waiting, and leave alone what a running install holds.
    let mut locks = Vec::new();
    let mut locked = BTreeSet::new();
    let mut wanted: BTreeSet<GoVersion> = staging_entries(home)
        .into_iter()
        .filter_map(|(_, v)| v)
        .collect();
    wanted.extend(download_entries(home).into_iter().map(|(_, v, _)| v));
    for v in wanted {
        if opts.dry_run && !home.version_lock_path(&v).exists() {
            locked.insert(v);
            continue;
        }
        match home.try_lock_version(&v)? {
            Some(lock) => {
                locks.push(lock);
                locked.insert(v);
            }
            None => notes.push(format!(
                "left the staging dirs and downloads of Go {v} alone: an install of it is running"
            )),
        }
    }
    if !opts.dry_run || home.home_lock_path().exists() {
        locks.push(home.lock()?);
    }

    let mut items = Vec::new();
    let protected_by_files = seen_records(home, &mut items);

    // Versions: broken ones go; healthy ones may go with --keep / --unused.
    let mut healthy = Vec::new();
    for (name, path) in dir_entries(&home.versions_dir()) {
        let Ok(meta) = fs::symlink_metadata(&path) else {
            continue;
        };
        if meta.file_type().is_symlink() {
            if fs::metadata(&path).is_err() {
                let target = fs::read_link(&path).unwrap_or_default();
                items.push(Item::new(
                    &path,
                    Kind::BrokenInstall,
                    Action::Remove,
                    format!("dangling link to {}", target.display()),
                ));
            } else if let Ok(v) = GoVersion::parse(&name) {
                // A link made by hand to a GOROOT elsewhere: counted as installed, never removed.
                healthy.push((v, false));
            }
            continue;
        }
        let Ok(v) = GoVersion::parse(&name) else {
            continue;
        };
        if !meta.is_dir() {
            continue;
        }
        match broken_reason(&path, &name) {
            Some(reason) => {
                // Even a damaged tree may have a program running from it.
                let Some(lock) = unused(home, &v, opts.dry_run)? else {
                    notes.push(format!("left Go {v} alone: {IN_USE_NOTE}"));
                    continue;
                };
                locks.extend(lock);
                items.push(Item::new(
                    &path,
                    Kind::BrokenInstall,
                    Action::RemoveVersion(v),
                    reason,
                ));
            }
            None => healthy.push((v, true)),
        }
    }
    healthy.sort();

    let default = match resolve::default_version(home) {
        Ok(v) => v,
        Err(e) => {
            notes.push(format!("left {} alone: {e}", home.current_link().display()));
            None
        }
    };
    let active_here = resolve::active(home, &opts.cwd)
        .ok()
        .and_then(|a| a.installed(home).ok());
    let installed: Vec<GoVersion> = healthy.iter().map(|(v, _)| v.clone()).collect();

    // Old versions.
    let mut removed = BTreeSet::new();
    if opts.keep.is_some() || opts.unused {
        let mut protected: BTreeMap<GoVersion, String> = BTreeMap::new();
        if let Some(v) = &default {
            protected.insert(v.clone(), "the default".into());
        }
        if let Some(v) = &active_here {
            protected
                .entry(v.clone())
                .or_insert_with(|| "active here".into());
        }
        // A version a recorded version or module file asks for is kept by `--keep` too.
        for (v, file) in &protected_by_files {
            protected
                .entry(v.clone())
                .or_insert_with(|| format!("pinned by {}", file.display()));
        }
        let newest_first: Vec<&GoVersion> = installed.iter().rev().collect();
        for (i, v) in newest_first.iter().enumerate() {
            let by_keep = opts.keep.is_some_and(|n| i >= n);
            let by_unused = opts.unused && !protected_by_files.iter().any(|(p, _)| p == *v);
            let removable = healthy.iter().any(|(h, dir)| h == *v && *dir);
            if !(by_keep || by_unused) || !removable {
                continue;
            }
            if let Some(why) = protected.get(*v) {
                if by_keep && why.starts_with("pinned by") {
                    notes.push(format!("kept Go {v}: {why}"));
                }
                continue;
            }
            // A running program holds it (a `go` a shim or `gover exec` started, and its
            // children): skip, and hold it ourselves until it is removed so no new one starts.
            let Some(lock) = unused(home, v, opts.dry_run)? else {
                notes.push(format!("left Go {v} alone: {IN_USE_NOTE}"));
                continue;
            };
            locks.extend(lock);
            let reason = match (by_keep, opts.keep) {
                (true, Some(n)) => format!("older than the {n} newest installed versions"),
                _ => "no default, active or recorded version file (.go-version, .tool-versions, go.work, go.mod) asks for it".to_string(),
            };
            items.push(Item::new(
                home.version_dir(v),
                Kind::Version,
                Action::RemoveVersion((*v).clone()),
                reason,
            ));
            removed.insert((*v).clone());
        }
    }
    let remaining: Vec<GoVersion> = installed
        .iter()
        .filter(|v| !removed.contains(*v))
        .cloned()
        .collect();

    shim_items(home, &mut items);
    leftover_items(home, &locked, &remaining, opts.archives, &mut items);
    // Entries the versions removed above free are swept by the removal itself; entries that
    // only the staging dirs removed here use go in the same run.
    let staging: Vec<PathBuf> = items
        .iter()
        .filter(|i| i.kind == Kind::Staging)
        .map(|i| i.path.clone())
        .collect();
    for path in store_leftovers(home, &staging) {
        items.push(Item::new(
            path,
            Kind::StoreEntry,
            Action::Remove,
            "a stored file no installed version uses".into(),
        ));
    }
    if let Some(item) = current_item(home, &remaining) {
        items.push(item);
    }
    Ok((items, notes, locks))
}

/// Store entries no version uses: those no other name links to, and those whose only other
/// names are files in `staging` dirs about to be removed (a killed install's leftovers, which
/// may have been adopted into the store just before the kill).
fn store_leftovers(home: &Home, staging: &[PathBuf]) -> Vec<PathBuf> {
    use std::os::unix::fs::MetadataExt;
    let store = crate::store::Store::new(home.store_dir());
    let mut out = store.unreferenced();
    if staging.is_empty() {
        return out;
    }
    // How many links to each inode the doomed staging dirs hold.
    let mut in_staging: std::collections::HashMap<(u64, u64), u64> = Default::default();
    let mut dirs: Vec<PathBuf> = staging.to_vec();
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let Ok(m) = entry.metadata() else { continue };
            if m.is_dir() {
                dirs.push(entry.path());
            } else if m.is_file() {
                *in_staging.entry((m.dev(), m.ino())).or_default() += 1;
            }
        }
    }
    let Ok(store_dev) = fs::metadata(store.dir()).map(|m| m.dev()) else {
        return out;
    };
    for entry in store.entries() {
        let held = in_staging
            .get(&(store_dev, entry.ino))
            .copied()
            .unwrap_or(0);
        if entry.nlink > 1 && entry.nlink - 1 == held {
            out.push(entry.path);
        }
    }
    out
}

/// Records whose file is gone become items; the others name the versions they protect.
fn seen_records(home: &Home, items: &mut Vec<Item>) -> Vec<(GoVersion, PathBuf)> {
    let installed = crate::home::inventory::installed(home);
    let mut protected = Vec::new();
    for record in seen::entries(home) {
        if fs::symlink_metadata(&record.file).is_err() {
            items.push(Item::new(
                &record.entry,
                Kind::SeenRecord,
                Action::Remove,
                format!("records {}, which is gone", record.file.display()),
            ));
            continue;
        }
        // A file that is there but unreadable or invalid still protects nothing; it stays
        // recorded in case it is fixed.
        if let Some(v) = seen::chosen(&record.file, &installed) {
            protected.push((v, record.file));
        }
    }
    protected
}

/// Why a version dir is not a complete install, if it is not.
/// Whether `v` may be removed now: its in-use lock, taken exclusively and held until the
/// removal is done (nothing to hold in a dry run with no lock file), or `None` when a running
/// program uses it (a `go` a shim or `gover exec` started, or a child of one).
fn unused(home: &Home, v: &GoVersion, dry_run: bool) -> Result<Option<Vec<HomeLock>>, Error> {
    if dry_run && !home.in_use_lock_path(v).exists() {
        return Ok(Some(Vec::new()));
    }
    Ok(home.try_lock_unused(v)?.map(|lock| vec![lock]))
}

fn broken_reason(dir: &Path, name: &str) -> Option<String> {
    if !dir.join("bin/go").is_file() {
        return Some("incomplete install: no bin/go".into());
    }
    let Ok(file) = fs::File::open(dir.join("VERSION")) else {
        return None;
    };
    let mut first = String::new();
    // A VERSION file is one short line (plus build metadata); read no further.
    let _ = BufReader::new(file.take(256)).read_line(&mut first);
    let first = first.trim_end();
    let expected = format!("go{name}");
    (first != expected).then(|| format!("its VERSION says `{first}`, not `{expected}`"))
}

fn shim_items(home: &Home, items: &mut Vec<Item>) {
    let exe = shims::shim_exe().ok();
    let exe_canonical = exe.as_ref().and_then(|e| fs::canonicalize(e).ok());
    for (name, path) in dir_entries(&home.shims_dir()) {
        let Some(target) = crate::link::read_link(&path) else {
            // A real file or dir: gover did not put it there; leave it alone.
            continue;
        };
        let resolved = fs::canonicalize(&path).ok();
        if resolved.is_some() && resolved == exe_canonical {
            continue;
        }
        let reason = match &resolved {
            None => format!("dangling link to {}", target.display()),
            Some(_) => format!("points at {}, not the gover shim", target.display()),
        };
        let is_tool = SHIMMED_TOOLS.contains(&name.as_str());
        let action = match &exe {
            Some(exe) if is_tool => Action::Repoint(exe.clone()),
            _ if resolved.is_none() || !is_tool => Action::Remove,
            // A tool shim pointing elsewhere while gover-shim itself is missing: nothing
            // better to point it at.
            _ => continue,
        };
        items.push(Item::new(&path, Kind::Shim, action, reason));
    }
}

fn leftover_items(
    home: &Home,
    locked: &BTreeSet<GoVersion>,
    remaining: &[GoVersion],
    archives: bool,
    items: &mut Vec<Item>,
) {
    for (path, version) in staging_entries(home) {
        let reason = match version {
            Some(v) if locked.contains(&v) => format!("left by an interrupted install of Go {v}"),
            Some(_) => continue,
            None => "left by an interrupted uninstall".to_string(),
        };
        items.push(Item::new(path, Kind::Staging, Action::Remove, reason));
    }
    for (path, v, partial) in download_entries(home) {
        if !locked.contains(&v) {
            continue;
        }
        if partial {
            items.push(Item::new(
                path,
                Kind::PartialDownload,
                Action::Remove,
                format!("left by an interrupted download of Go {v}"),
            ));
        } else if !remaining.contains(&v) {
            items.push(Item::new(
                path,
                Kind::CachedArchive,
                Action::Remove,
                format!("Go {v} is not installed"),
            ));
        } else if archives {
            items.push(Item::new(
                path,
                Kind::CachedArchive,
                Action::Remove,
                format!("kept for reinstalling Go {v} offline; --archives removes it"),
            ));
        }
    }
}

/// `current` pointing at a version that is not (or no longer) installed is repointed to the
/// newest installed release, or removed when none is left.
fn current_item(home: &Home, remaining: &[GoVersion]) -> Option<Item> {
    let link = home.current_link();
    let target = crate::link::read_link(&link)?;
    let pointed = target
        .file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| GoVersion::parse(n).ok());
    if let Some(v) = &pointed
        && remaining.contains(v)
        && link.join("bin/go").is_file()
    {
        return None;
    }
    let why = match &pointed {
        Some(v) => format!("Go {v} is not installed"),
        None => format!("{} is not a version", target.display()),
    };
    let newest = remaining
        .iter()
        .rev()
        .find(|v| !v.is_prerelease())
        .or_else(|| remaining.last());
    Some(match newest {
        Some(v) => Item::new(
            link,
            Kind::Current,
            Action::Repoint(Home::current_target(v)),
            format!("{why}; Go {v} is the newest installed release"),
        ),
        None => Item::new(
            link,
            Kind::Current,
            Action::Remove,
            format!("{why} and no version is left"),
        ),
    })
}

/// Entries of `staging/`: a `<version>.<random>` dir of an install (with its version), or the
/// trash of an interrupted uninstall (`None`). Other names are not gover's and are skipped.
fn staging_entries(home: &Home) -> Vec<(PathBuf, Option<GoVersion>)> {
    dir_entries(&home.staging_dir())
        .into_iter()
        .filter_map(|(name, path)| {
            if name.starts_with(UNINSTALL_PREFIX) {
                return Some((path, None));
            }
            let (version, _random) = name.rsplit_once('.')?;
            Some((path, Some(GoVersion::parse(version).ok()?)))
        })
        .collect()
}

/// Entries of `cache/downloads/`: `(path, version, is_partial)` for every archive name
/// (`go1.22.5.linux-amd64.tar.gz`, optionally `.partial`).
fn download_entries(home: &Home) -> Vec<(PathBuf, GoVersion, bool)> {
    dir_entries(&home.downloads_dir())
        .into_iter()
        .filter_map(|(name, path)| {
            let (name, partial) = match name.strip_suffix(".partial") {
                Some(n) => (n.to_string(), true),
                None => (name, false),
            };
            let v = archive_version(&name)?;
            Some((path, v, partial))
        })
        .collect()
}

/// The version of an official archive name: `go1.22.5.linux-amd64.tar.gz` -> 1.22.5.
fn archive_version(name: &str) -> Option<GoVersion> {
    let stem = name
        .strip_suffix(".tar.gz")
        .or_else(|| name.strip_suffix(".zip"))?;
    let (version, platform) = stem.rsplit_once('.')?;
    if !version.starts_with("go") || !platform.contains('-') {
        return None;
    }
    GoVersion::parse(version).ok()
}

/// `(name, path)` of each entry of `dir`, sorted by name; nothing when it cannot be read.
fn dir_entries(dir: &Path) -> Vec<(String, PathBuf)> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<(String, PathBuf)> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| Some((e.file_name().into_string().ok()?, e.path())))
        .collect();
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn archive_names_give_their_version() {
        let v = |s| GoVersion::parse(s).unwrap();
        assert_eq!(
            archive_version("go1.22.5.linux-amd64.tar.gz"),
            Some(v("1.22.5"))
        );
        assert_eq!(
            archive_version("go1.23rc1.darwin-arm64.tar.gz"),
            Some(v("1.23rc1"))
        );
        assert_eq!(
            archive_version("go1.21.0.windows-amd64.zip"),
            Some(v("1.21.0"))
        );
        assert_eq!(archive_version("notes.txt"), None);
        assert_eq!(archive_version("index.tar.gz"), None);
    }

    #[test]
    fn version_files_must_name_the_dir() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("1.22.5");
        fs::create_dir_all(dir.join("bin")).unwrap();
        assert_eq!(
            broken_reason(&dir, "1.22.5").as_deref(),
            Some("incomplete install: no bin/go")
        );
        fs::write(dir.join("bin/go"), "").unwrap();
        assert_eq!(broken_reason(&dir, "1.22.5"), None);
        fs::write(dir.join("VERSION"), "go1.22.5\ntime 2024-07-02\n").unwrap();
        assert_eq!(broken_reason(&dir, "1.22.5"), None);
        fs::write(dir.join("VERSION"), "go1.21.0\n").unwrap();
        assert_eq!(
            broken_reason(&dir, "1.22.5").as_deref(),
            Some("its VERSION says `go1.21.0`, not `go1.22.5`")
        );
    }
}
