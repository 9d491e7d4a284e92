//! `gover import DIR…` and `gover import --scan [--yes]`: register Go trees already on the
//! machine as installed versions (links; see [`crate::import`]).

use std::path::{Path, PathBuf};

use super::batch;
use crate::cli::ImportArgs;
use crate::error::Error;
use crate::home::Home;
use crate::home::inventory;
use crate::home::shims;
use crate::import::{self, Imported, Tree};
use crate::install;
use crate::resolve;
use crate::version::GoVersion;

pub fn run(args: ImportArgs) -> Result<(), Error> {
    let home = Home::from_env()?;
    if args.scan {
        return scan(&home, args.yes);
    }
    let dirs: Vec<String> = args.dirs.iter().map(|d| d.display().to_string()).collect();
    batch::each("import", &dirs, |dir| {
        let tree = import::inspect(&home, Path::new(dir))?;
        import_one(&home, &tree)
    })
}

fn import_one(home: &Home, tree: &Tree) -> Result<(), Error> {
    let v = &tree.version;
    match import::link(home, tree)? {
        Imported::Already => {
            crate::note!("Go {v} from {} is already imported", tree.path.display())
        }
        Imported::Linked => crate::note!(
            "Imported Go {v} from {} ({} links to it; gover never changes the original)",
            tree.path.display(),
            home.version_dir(v).display()
        ),
    }
    drop_stale_links(home, tree)?;
    shims::ensure(home)?;
    if resolve::default_version(home)?.is_none() {
        install::set_default(home, v)?;
        crate::note!("Go {v} is now the default (no default was set)");
    }
    Ok(())
}

/// Links in `versions/` to this same tree under another version: it was upgraded or replaced
/// in place since it was imported under that name (`gover list` and `gover doctor` say so).
/// Each is removed (unless a running program uses it), so nothing runs the tree under a name it
/// no longer has; the default moves to the tree's new name with it.
fn drop_stale_links(home: &Home, tree: &Tree) -> Result<(), Error> {
    let Ok(entries) = std::fs::read_dir(home.versions_dir()) else {
        return Ok(());
    };
    let stale: Vec<GoVersion> = entries
        .flatten()
        .filter_map(|e| GoVersion::parse(e.file_name().to_str()?).ok())
        .filter(|v| {
            *v != tree.version
                && inventory::imported_from(home, v).as_deref() == Some(tree.path.as_path())
        })
        .collect();
    if stale.is_empty() {
        return Ok(());
    }
    let _lock = home.lock()?;
    let default = resolve::default_version(home)?;
    for v in stale {
        if !inventory::remove_unless_in_use(home, &v)? {
            crate::note!(
                "left the stale link {} alone: {}",
                home.version_dir(&v).display(),
                inventory::IN_USE_NOTE
            );
            continue;
        }
        crate::note!(
            "Removed {}: {} holds Go {} now, not Go {v}",
            home.version_dir(&v).display(),
            tree.path.display(),
            tree.version
        );
        if default.as_ref() == Some(&v) {
            install::set_default(home, &tree.version)?;
            crate::note!(
                "Go {} is now the default (the default was Go {v}, the same tree)",
                tree.version
            );
        }
    }
    Ok(())
}

fn scan(home: &Home, yes: bool) -> Result<(), Error> {
    let root = crate::env::var(crate::env::GOVER_SYSTEM_ROOT)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/"));
    let user_home = crate::env::var("HOME").map(PathBuf::from);
    let gomodcache = crate::env::var("GOMODCACHE")
        .map(PathBuf::from)
        .or_else(|| {
            let gopath = crate::env::var("GOPATH")
                .and_then(|p| p.split(':').find(|e| !e.is_empty()).map(PathBuf::from))
                .or_else(|| user_home.as_ref().map(|h| h.join("go")))?;
            Some(gopath.join("pkg/mod"))
        });
    let trees = import::scan(home, &root, user_home.as_deref(), gomodcache.as_deref());
    if trees.is_empty() {
        crate::note!("No Go trees found in the usual places");
        return Ok(());
    }
    let mut new = Vec::new();
    let mut out = String::new();
    for tree in trees {
        let v = &tree.version;
        let state = match inventory::imported_from(home, v) {
            Some(target) if target == tree.path => "imported".to_string(),
            _ if std::fs::symlink_metadata(home.version_dir(v)).is_ok() => {
                format!("skipped: Go {v} is already installed")
            }
            _ => {
                new.push(tree.clone());
                if yes { "importing" } else { "would import" }.to_string()
            }
        };
        out.push_str(&format!("{v}\t{}\t({state})\n", tree.path.display()));
    }
    super::print(&out)?;
    if !yes {
        if !new.is_empty() {
            crate::note!(
                "Dry run: nothing changed. `gover import --scan --yes` imports the {} marked \
                 `would import` (links only; the trees stay where they are)",
                new.len()
            );
        }
        return Ok(());
    }
    let names: Vec<String> = new.iter().map(|t| t.path.display().to_string()).collect();
    batch::each("import", &names, |dir| {
        let tree = new
            .iter()
            .find(|t| t.path.display().to_string() == dir)
            .expect("a scanned tree");
        import_one(home, tree)
    })
}
