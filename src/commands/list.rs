//! `gover list [--remote [--all]] [--json]`.

use serde::Serialize;

use crate::cli::ListArgs;
use crate::dist::{Access, cache};
use crate::error::Error;
use crate::home::Home;
use crate::inventory;
use crate::resolve;

#[derive(Serialize)]
struct Installed {
    version: String,
    path: String,
    active: bool,
    default: bool,
    /// For an imported version (`gover import`): the tree `path` links to. Absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    imported: Option<String>,
}

#[derive(Serialize)]
struct Remote {
    version: String,
    stable: bool,
    installed: bool,
}

pub fn run(args: ListArgs, access: Access) -> Result<(), Error> {
    let home = Home::from_env()?;
    if args.remote {
        remote(&home, &access, args.all, args.json)
    } else {
        installed(&home, args.json)
    }
}

fn installed(home: &Home, json: bool) -> Result<(), Error> {
    let default = resolve::default_version(home)?;
    // A broken .go-version must not stop the listing; it just marks nothing active.
    let active = resolve::active_here(home)
        .ok()
        .and_then(|a| a.installed(home).ok());
    let rows: Vec<Installed> = inventory::installed(home)
        .into_iter()
        .map(|v| Installed {
            path: home.version_dir(&v).display().to_string(),
            active: active.as_ref() == Some(&v),
            default: default.as_ref() == Some(&v),
            imported: inventory::imported_from(home, &v).map(|p| p.display().to_string()),
            version: v.to_string(),
        })
        .collect();
    if json {
        return super::print(&super::to_json(&rows));
    }
    if rows.is_empty() {
        eprintln!("No Go versions are installed; try `gover install latest`");
        return Ok(());
    }
    let mut out = String::new();
    for row in &rows {
        let marker = if row.active { "* " } else { "  " };
        let mut suffix = if row.default { " (default)" } else { "" }.to_string();
        if let Some(tree) = &row.imported {
            suffix.push_str(&format!(" (imported from {tree})"));
        }
        out.push_str(&format!("{marker}{}{suffix}\n", row.version));
    }
    super::print(&out)
}

fn remote(home: &Home, access: &Access, all: bool, json: bool) -> Result<(), Error> {
    let loaded = cache::load(home, access, false)?.expect("verified access always yields an index");
    // Offline and fallback use were announced by `load`; a cache hit within the TTL is told here.
    if let cache::Origin::Cached {
        why: cache::CacheUse::Fresh,
        ..
    } = loaded.origin
        && let Some(note) = loaded.origin.describe()
    {
        eprintln!("Note: {note}");
    }
    let index = loaded.index;
    let rows: Vec<Remote> = index
        .listed(all)
        .into_iter()
        .map(|(v, release)| Remote {
            installed: inventory::is_installed(home, &v),
            stable: release.stable,
            version: v.to_string(),
        })
        .collect();
    if json {
        return super::print(&super::to_json(&rows));
    }
    let mut out = String::new();
    for row in &rows {
        let suffix = if row.installed { " (installed)" } else { "" };
        out.push_str(&format!("{}{suffix}\n", row.version));
    }
    super::print(&out)
}
